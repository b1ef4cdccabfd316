package ui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

var colourSGR = regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7])m`)

// lineWith is the first line of view holding s.
func lineWith(view, s string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// With NO_COLOR (the mono theme on the ANSI renderer common.NoColorRenderer gives a terminal),
// the whole inbox draws no colour, yet in compose the cursor shows (reverse video) and the
// focused field stands out (bold prompt) — in the message, then in the translation after tab.
func TestNoColorComposeKeepsCursorAndFocusVisible(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	r := uitest.Renderer(termenv.ANSI)
	r.SetHasDarkBackground(true)
	e.Common.Renderer = r
	e.Common.Styles = common.StylesFor(r, config.ThemeMono)
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	plain := func(texts ...string) func(string) bool {
		return func(v string) bool {
			v = ansi.Strip(v)
			for _, s := range texts {
				if !strings.Contains(v, s) {
					return false
				}
			}
			return true
		}
	}
	a.settle("list", plain("All 17]", "7 new"))
	a.keys("/", packTopUnread, "enter", "enter")
	a.settle("conversation", plain("Pack "+packTopUnread))
	a.keys("r")
	a.settle("compose", plain("Reply to"))
	a.keys("Hola")
	view := a.settle("cursor drawn", func(v string) bool { return strings.Contains(v, "Hola") && strings.Contains(v, "\x1b[7m") })
	if colourSGR.MatchString(view) {
		t.Fatalf("a colour under NO_COLOR:\n%q", view)
	}
	msg, tr := lineWith(view, "Hola"), lineWith(view, "Left empty, Mercado Libre translates")
	if !strings.Contains(msg, "\x1b[1") || strings.Contains(tr, "\x1b[1m│") {
		t.Fatalf("the focused message field does not stand out:\n message %q\n translation %q", msg, tr)
	}
	a.keys("tab")
	view = a.settle("focus moved", func(v string) bool {
		return strings.Contains(lineWith(v, "eft empty, Mercado Libre translates"), "\x1b[7m") // the cursor on its L
	})
	msg, tr = lineWith(view, "Hola"), lineWith(view, "eft empty, Mercado Libre translates")
	if strings.Contains(msg, "\x1b[7m") || strings.Contains(msg, "\x1b[1m│") || !strings.Contains(tr, "\x1b[1") {
		t.Fatalf("after tab the cursor did not move to the translation:\n message %q\n translation %q", msg, tr)
	}
}
