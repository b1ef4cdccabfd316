package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// TestEveryViewInTrueColour keeps one golden per view drawn in true colour, through the real
// root, so styles (not only layout) are checked: the list and a conversation (compose's is in
// its package, with a static cursor: a blinking one would make the frame depend on time).
func TestEveryViewInTrueColour(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	r := uitest.Renderer(termenv.TrueColor)
	e.Common.Renderer, e.Common.Styles = r, common.DefaultStyles(r)
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	shows := func(texts ...string) string {
		t.Helper()
		return a.settle(strings.Join(texts, ", "), func(v string) bool {
			plain := ansi.Strip(v)
			for _, s := range texts {
				if !strings.Contains(plain, s) {
					return false
				}
			}
			return true
		})
	}
	list := shows("All 17] · 7 new", "Beatriz Souza")
	if !strings.Contains(list, "\x1b[38;2;") {
		t.Fatalf("the list is not in true colour:\n%s", list)
	}
	a.keys("/", packLinks, "enter", "enter")
	conv := shows("Pack "+packLinks, "message ")
	for name, view := range map[string]string{"list": list, "conversation": conv} {
		t.Run(name, func(t *testing.T) { golden.RequireEqual(t, []byte(view)) })
	}
}
