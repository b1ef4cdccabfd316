package serve

import (
	"strings"
	"testing"
)

// A served compose never reaches the server's files: ctrl+o (and a key the server's [keys]
// maps to attaching) says why instead of opening the picker, and the hint line offers neither
// attaching nor the editor, which would run on the server too.
func TestServedComposeNeverBrowsesTheServersFiles(t *testing.T) {
	ana := newMember(t, "Ana")
	r := startRig(t, rigOptions{members: []member{ana}, tune: func(c *Config) {
		c.Shared.Keys = map[string][]string{"compose.attach": {"ctrl+o", "alt+f"}}
	}})
	a := connect(t, r.addr, ana, nil)
	a.waitFor(demoBuyer)
	m := a.mark()
	a.send("r")
	a.waitFrom(m, "ctrl+s sends · ctrl+t template · esc goes back and keeps the draft")
	for _, k := range []string{"\x0f", "\x1bf", "\x05"} { // ctrl+o, alt+f, ctrl+e
		m = a.mark()
		a.send(k)
		a.waitFrom(m, "is not available in a served inbox")
	}
	if s := a.screen(); strings.Contains(s, "Attach a file") || strings.Contains(s, "ctrl+e editor") {
		t.Errorf("the served compose offered the server's files or the editor:\n%s", tail(s))
	}
}
