package compose

import (
	"regexp"
	"strings"
	"testing"

	"github.com/muesli/termenv"

	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// Under NO_COLOR (the mono theme on an ANSI renderer) the cursor and the focused field must
// still show: reverse video for the cursor, bold for the focused prompt, no colour anywhere.
func TestMonoKeepsCursorAndFocusVisible(t *testing.T) {
	e := newEnv(t)
	r := uitest.Renderer(termenv.ANSI)
	r.SetHasDarkBackground(true)
	e.Common.Renderer = r
	e.Common.Styles = common.StylesFor(r, config.ThemeMono)
	m := newCompose(t, e, packOpen)
	typeText(m, "Hola")
	v := m.View()
	if regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7])m`).MatchString(v) {
		t.Errorf("a colour in the mono theme:\n%q", v)
	}
	if !strings.Contains(v, "\x1b[7m") {
		t.Errorf("no reverse-video cursor:\n%q", v)
	}
	lines := strings.Split(v, "\n")
	var focused, blurred string
	for _, l := range lines {
		if strings.Contains(l, "Hola") {
			focused = l
		}
		if strings.Contains(l, "Optional: the same reply") {
			blurred = l
		}
	}
	if !strings.Contains(focused, "\x1b[1") || strings.HasPrefix(blurred, focused[:min(len(focused), 8)]) {
		t.Errorf("focused %q and blurred %q prompts look alike", focused, blurred)
	}
}
