package compose

import (
	"slices"
	"testing"

	"github.com/postsale/postsale/ui/uitest"
)

// The ? help lists every compose key, each with all its keys (ctrl+a beside ctrl+o).
func TestFullHelpListsEveryWorkingKey(t *testing.T) {
	e := newEnv(t)
	m := New(e.Common, packOpen, "MLM")
	m.SetSize(90, 24)
	if gaps := uitest.HelpGaps(&m.keys, slices.Concat(m.FullHelp()...)); len(gaps) > 0 {
		t.Error(gaps)
	}
}
