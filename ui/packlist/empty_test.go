package packlist

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// listTeam is a team in memory for the list: Ana at this terminal, packs assigned by hand.
type listTeam struct{ assigned map[string]string }

func (f *listTeam) Me() string                         { return "Ana" }
func (f *listTeam) Members() []string                  { return []string{"Ana", "Bruno"} }
func (f *listTeam) OnPack(string) ([]string, []string) { return nil, nil }
func (f *listTeam) Assignee(pack string) string        { return f.assigned[pack] }
func (f *listTeam) Assign(pack, member string) error   { f.assigned[pack] = member; return nil }
func (f *listTeam) Notes(string) []common.TeamNote     { return nil }
func (f *listTeam) AddNote(string, string) error       { return nil }
func (f *listTeam) SentBy(string) string               { return "" }
func (f *listTeam) assignAll(rows []*row, member string) {
	for _, r := range rows {
		f.assigned[r.PackID] = member
	}
}

// emptyLines is what the list says where its rows would be (the title line aside).
func emptyLines(v string) string {
	lines := strings.Split(v, "\n")
	return strings.Join(lines[1:], "\n")
}

// A section with nothing in it says so, and how to see the rest: "No conversations yet" would
// be false while other sections hold conversations.
func TestAnEmptySectionSaysItIsTheSection(t *testing.T) {
	h := newHarness(t, 100, 200)
	h.drain(t, h.m.Init())
	h.key(t, "1")
	for i := 0; len(h.m.visible) > 0; i++ {
		if i > 100 {
			t.Fatal("d never emptied Needs reply")
		}
		h.key(t, "d")
	}
	v := emptyLines(h.m.View())
	if !strings.Contains(v, "Nothing needs a reply — 4 shows all") || strings.Contains(v, "No conversations yet") {
		t.Fatalf("an empty Needs reply says:\n%s", v)
	}
	h.key(t, "4")
	if len(h.m.visible) == 0 {
		t.Fatal("All is empty too")
	}
}

// The mine and unassigned filters say what they left out and what the filter key shows next,
// within the section when one is chosen.
func TestAnEmptyTeamFilterSaysWhatItHides(t *testing.T) {
	u := uitest.New(t, uitest.At(testNow), uitest.AsSeller("", ""))
	team := &listTeam{assigned: map[string]string{}}
	u.Common.Team = team
	h := &harness{sb: u.Sandbox, c: u.Common, m: New(u.Common)}
	h.m.SetSize(100, 200)
	h.drain(t, h.m.Init())

	h.key(t, "m") // mine: nothing is assigned to Ana
	v := emptyLines(h.m.View())
	if !strings.Contains(v, "Nothing assigned to you — m shows the unassigned ones") || strings.Contains(v, "No conversations yet") {
		t.Fatalf("mine with nothing assigned says:\n%s", v)
	}
	h.key(t, "1")
	if v := emptyLines(h.m.View()); !strings.Contains(v, "Nothing assigned to you in Needs reply — m shows the unassigned ones") {
		t.Fatalf("mine in Needs reply says:\n%s", v)
	}
	// At the narrowest layout the sentence wraps rather than losing its key to a "…".
	h.m.SetSize(40, 12)
	v = h.m.View()
	words := strings.Join(strings.Fields(ansi.Strip(emptyLines(v))), " ")
	if !strings.Contains(words, "Nothing assigned to you in Needs reply — m shows the unassigned ones") {
		t.Fatalf("at 40 columns mine in Needs reply says:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(l); w > 40 {
			t.Errorf("a line of %d cells at 40 columns: %q", w, ansi.Strip(l))
		}
	}
	h.m.SetSize(100, 200)

	h.key(t, "4")
	team.assignAll(h.m.rows, "Bruno")
	h.m.Update(common.TeamChangedMsg{})
	h.key(t, "m") // unassigned: Bruno has everything
	v = emptyLines(h.m.View())
	if !strings.Contains(v, "Nothing unassigned — m shows all") || strings.Contains(v, "No conversations yet") {
		t.Fatalf("unassigned with everything assigned says:\n%s", v)
	}
	h.key(t, "m")
	if len(h.m.visible) == 0 {
		t.Fatal("all shows nothing")
	}
}
