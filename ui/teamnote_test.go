package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// The team note input shows what is typed down to the narrowest layout (40×12): the
// explanation is a line of its own, the text follows a short prompt, and an input opened wide
// follows the window when it narrows (the newest text stays in view).
func TestTeamNoteInputShowsTheTextAtFortyColumns(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	e.Common.Team = &memTeam{me: "Ana", assigned: map[string]string{}, typing: map[string][]string{}, notes: map[string][]common.TeamNote{}}
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	a.settleOn("Beatriz Souza", "showing all")
	a.openPack(packReadOld)

	a.tm.Send(tea.WindowSizeMsg{Width: 40, Height: 12})
	a.keys("#")
	a.tm.Type("ring 9")
	v := a.settleOn("› ring 9", "Team note (only the team sees it)")
	assertFits(t, v, 40, 12)
	a.keys("esc")
	a.settle("note input closed", func(v string) bool { return !strings.Contains(v, "› ring 9") })

	a.tm.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	a.keys("#")
	long := "please call the buyer before friday at nine sharp"
	a.tm.Type(long)
	a.settleOn("› "+long, "Team note (only the team sees it; enter saves, esc cancels)")
	a.tm.Send(tea.WindowSizeMsg{Width: 40, Height: 12})
	v = a.settleOn("at nine sharp", "Team note (only the team sees it)")
	assertFits(t, v, 40, 12)
}

// assertFits checks that a view is at most h lines of at most w cells.
func assertFits(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) > h {
		t.Errorf("%d lines, want at most %d:\n%s", len(lines), h, v)
	}
	for _, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("a line of %d cells, want at most %d: %q", n, w, ansi.Strip(l))
		}
	}
}
