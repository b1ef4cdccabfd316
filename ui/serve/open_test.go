package serve

import (
	"encoding/base64"
	"strings"
	"testing"
)

// `open` in a served session launches nothing on the server: the link is shown and copied to
// that person's clipboard with OSC 52 written to their session only.
func TestOpenCopiesTheLinkToThatPersonsClipboard(t *testing.T) {
	ana, bruno := newMember(t, "Ana"), newMember(t, "Bruno")
	r := startRig(t, rigOptions{members: []member{ana, bruno}})
	a := connect(t, r.addr, ana, nil)
	b := connect(t, r.addr, bruno, nil)
	a.waitFor(demoBuyer)
	b.waitFor(demoBuyer)
	m := a.mark()
	openBuyer(a, "Ana Lu")
	a.waitFrom(m, "Both ship today")
	m = a.mark()
	a.send("o")
	a.waitFrom(m, "Open which link?")
	m = a.mark()
	a.send("1")
	a.waitFrom(m, "clipboard")
	const link = "https://www.mercadolibre.com.mx/envios/"
	raw := a.rawBytes()[m:]
	i := strings.Index(raw, "\x1b]52;c;")
	if i < 0 {
		t.Fatalf("no OSC 52 in Ana's session after opening a link")
	}
	enc := raw[i+len("\x1b]52;c;"):]
	enc = enc[:strings.IndexAny(enc, "\x07\x1b")]
	got, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || !strings.HasPrefix(string(got), link) {
		t.Errorf("OSC 52 carries %q (%v), want the tracking link", got, err)
	}
	a.waitFrom(m, link)
	if strings.Contains(b.rawBytes(), "\x1b]52;") {
		t.Error("Bruno's session received Ana's clipboard")
	}
}
