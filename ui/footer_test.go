package ui

import (
	"strings"
	"testing"
)

const packFiles = "2000004411223300" // Diana Moreno: attachments and a link, so a and o are offered

// footerLine is the last line of the frame: the short help.
func footerLine(view string) string {
	lines := strings.Split(view, "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

// At 100 columns the footer of every view fits whole: never cut with "…", movement keys in `?`.
func TestFooterFitsAt100Columns(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	check := func(where, view string, want ...string) {
		t.Helper()
		f := footerLine(view)
		if strings.Contains(f, "…") {
			t.Errorf("%s: footer cut: %q", where, f)
		}
		for _, w := range want {
			if !strings.Contains(f, w) {
				t.Errorf("%s: footer %q lacks %q", where, f, w)
			}
		}
		if strings.Contains(f, "↑/k") {
			t.Errorf("%s: footer offers movement keys, which belong in ? help: %q", where, f)
		}
	}
	view := a.openPack(packFiles)
	check("conversation", view, "r reply", "a attachments", "o links", "esc back", "? help", "q quit", "R refresh now")

	a.keys("a")
	view = a.settleOn("attachment 3/3")
	check("attachments", view, "o open attachment", "s save", "tab next", "esc leave attachments", "? help")

	a.keys("esc", "r")
	view = a.settleOn("· pack " + packFiles)
	check("compose", view, "ctrl+s send", "esc back", "ctrl+c quit")

	a.keys("esc")
	a.settle("back in the conversation", func(v string) bool { return !strings.Contains(v, "· pack ") })
	a.keys("?")
	view = a.settleOn("Keys")
	if !strings.Contains(view, "↑/k") || !strings.Contains(view, "page up") {
		t.Errorf("? help lost the movement keys:\n%s", view)
	}
}
