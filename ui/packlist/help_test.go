package packlist

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/charmbracelet/bubbles/key"

	"github.com/postsale/postsale/ui/uitest"
)

// The ? help lists every list key that works now, each with all its keys.
func TestFullHelpListsEveryWorkingKey(t *testing.T) {
	h := newHarness(t, 100, 40)
	h.drain(t, h.m.Init())
	for _, state := range []string{"list", "filtering", "filtered"} {
		switch state {
		case "filtering":
			h.key(t, "/")
			h.typeKeys(t, "be")
		case "filtered":
			h.key(t, "enter")
		}
		if gaps := uitest.HelpGaps(&h.m.keys, slices.Concat(h.m.FullHelp()...)); len(gaps) > 0 {
			t.Errorf("%s: %v", state, gaps)
		}
	}
}

// With a store, s and ctrl+f both open the search: the ? help names both keys, and the footer
// names the search.
func TestHelpNamesBothSearchKeys(t *testing.T) {
	u := uitest.New(t, uitest.At(testNow), uitest.AsSeller("", ""))
	_, d := syncedStore(t, u, filepath.Join(t.TempDir(), "store.db"))
	u.Common.Client = d
	m := New(u.Common)
	m.SetSize(100, 40)
	if !m.keys.Search.Enabled() {
		t.Fatal("a list over a store offers no search")
	}
	if gaps := uitest.HelpGaps(&m.keys, slices.Concat(m.FullHelp()...)); len(gaps) > 0 {
		t.Errorf("%v", gaps)
	}
	short := slices.IndexFunc(m.ShortHelp(), func(b key.Binding) bool { return b.Enabled() && b.Help().Desc == m.keys.Search.Help().Desc })
	if short < 0 {
		t.Errorf("the footer's help leaves the search out")
	}
}
