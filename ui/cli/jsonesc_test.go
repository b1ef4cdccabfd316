package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// --json writes no rune a terminal could act on or that cannot be seen: C1 (CSI, OSC), DEL,
// bidi overrides, zero-width and other invisible characters come out as \uXXXX, and the JSON
// still decodes to the same text.
func TestJSONEscapesC1BidiAndInvisibleCharacters(t *testing.T) {
	text := "pay\u009b2Jnow\u007f \u009d0;owned\u009c \u202eevil\u202c \u2066x\u2069 a\u200bb \u034f\u17b4\u206a\U000e0100 \U000e0041 ok ñ 😀"
	var out bytes.Buffer
	if err := writeJSON(&out, map[string]string{"text": text}); err != nil {
		t.Fatal(err)
	}
	for _, r := range out.String() {
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || hiddenRune(r) {
			t.Fatalf("--json wrote U+%04X raw: %q", r, out.String())
		}
	}
	for _, want := range []string{`\u009b`, `\u007f`, `\u202e`, `\u2066`, `\u200b`, `\u034f`, `\udb40\udd00`, "ñ", "😀"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %s: %s", want, out.String())
		}
	}
	var back map[string]string
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || back["text"] != text || !utf8.ValidString(out.String()) {
		t.Fatalf("round trip: %v %q", err, back["text"])
	}
}

// postsale config never shows a password embedded in MELI_API_URL, as text or --json, nor
// does an error about the URL quote it.
func TestConfigRedactsUserinfoInTheAPIURL(t *testing.T) {
	h := newHarness(t)
	h.env["MELI_API_URL"] = "https://seller:hunter2@proxy.example:8443/api"
	for _, args := range [][]string{{"config"}, {"config", "--json"}} {
		out := h.mustRun(args...)
		if strings.Contains(out, "hunter2") || !strings.Contains(out, "proxy.example:8443") {
			t.Errorf("postsale %s:\n%s", strings.Join(args, " "), out)
		}
	}
	h.env["MELI_API_URL"] = "ftp://seller:hunter2@proxy.example/api"
	_, errs, code := h.run("messages", packActive)
	if code == ExitOK || strings.Contains(errs, "hunter2") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// postsale sandbox refuses to listen where other machines can reach it unless told so.
func TestSandboxRefusesNonLoopbackAddresses(t *testing.T) {
	h := newHarness(t)
	for _, addr := range []string{":0", "0.0.0.0:0", "[::]:0", "192.0.2.1:0"} {
		_, errs, code := h.run("sandbox", "--addr", addr)
		if code != ExitUsage || !strings.Contains(oneLine(t, errs), "--allow-remote") {
			t.Errorf("--addr %s: exit %d, stderr %q", addr, code, errs)
		}
	}
	if err := loopbackOnly("0.0.0.0:0", true); err != nil {
		t.Errorf("--allow-remote: %v", err)
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0"} {
		if err := loopbackOnly(addr, false); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
}
