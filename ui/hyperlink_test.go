package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/ui/open"
	"github.com/postsale/postsale/ui/uitest"
)

const packLinks = "2000004512345671" // Ana Lucía Pérez: the seller's <a href> to the tracking page

// The `osc8` setting reaches the screen: links in the conversation are OSC 8 hyperlinks when it
// is on, and not a single OSC 8 sequence is drawn when it is off; the frame keeps its size.
func TestOSC8SettingReachesTheConversation(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{false, true} {
		e := uitest.New(t, uitest.At(testNow))
		e.Common.Opener = open.New(open.Print, nil, open.WithHyperlinks(on))
		a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
		a.openPack(packLinks)
		view := a.settleOn("tracking")
		hyperlinked := strings.Contains(view, "\x1b]8;;https://www.mercadolibre.com.mx/envios/43210987651\x1b\\tracking\x1b]8;;\x1b\\")
		if hyperlinked != on {
			t.Errorf("osc8 %v: hyperlink drawn = %v:\n%q", on, hyperlinked, view)
		}
		if !on && strings.Contains(view, "\x1b]8") {
			t.Errorf("osc8 off: an OSC 8 sequence was drawn:\n%q", view)
		}
		lines := strings.Split(view, "\n")
		if len(lines) != 30 {
			t.Errorf("osc8 %v: %d lines, want 30", on, len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != 100 {
				t.Errorf("osc8 %v: line %d is %d cells wide: %q", on, i, w, l)
			}
		}
	}
}
