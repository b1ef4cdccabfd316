package conversation

import (
	"encoding/base64"
	"strings"
	"testing"
)

// y then m copies the message at the bottom of the screen (sanitised: no escape sequence reaches
// the clipboard), y then b the buyer's name, through OSC 52 on the session's terminal.
func TestCopyMenuCopiesMessageBuyerAndPack(t *testing.T) {
	fe := newFileEnv(t, map[string]string{"SSH_TTY": "/dev/pts/4"})
	m := openPack(t, fe.env, packHostile, 100, 30)
	hit(m, "y")
	view := m.View()
	if !m.Typing() || !strings.Contains(view, "Copy to the clipboard") || !strings.Contains(view, "p  pack id: "+packHostile) {
		t.Fatalf("y did not open the copy menu:\n%s", view)
	}
	copied := func() string {
		out := fe.term.String()
		i := strings.LastIndex(out, "]52;c;")
		if i < 0 {
			t.Fatalf("no OSC 52 written: %q", out)
		}
		rest := out[i+6:]
		b, err := base64.StdEncoding.DecodeString(rest[:strings.IndexAny(rest, "\a\x1b")])
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	s := statusText(t, hit(m, "m"))
	got := copied()
	if m.Typing() || !strings.Contains(s.Text, "Copied the message") || strings.ContainsRune(got, '\x1b') || !strings.Contains(got, "Quero trocar") {
		t.Fatalf("y m: status %q, copied %q", s.Text, got)
	}
	hit(m, "y")
	if s := statusText(t, hit(m, "b")); !strings.Contains(s.Text, "Copied the buyer's name") || copied() != m.buyerName() || m.buyerName() == "" {
		t.Fatalf("y b: %q, copied %q", s.Text, copied())
	}
	// Any other key closes the menu without copying.
	before := fe.term.Len()
	hit(m, "y")
	if msgs := hit(m, "x"); len(msgs) != 0 || m.Typing() || fe.term.Len() != before {
		t.Fatalf("x in the copy menu: %#v", msgs)
	}
}
