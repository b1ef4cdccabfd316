package packlist

import (
	"slices"
	"testing"

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
