package conversation

import (
	"testing"

	"github.com/postsale/postsale/ui/uitest"
)

// The ? help lists every conversation key that works now, each with all its keys.
func TestFullHelpListsEveryWorkingKey(t *testing.T) {
	fe := newFileEnv(t, nil)
	m := openPack(t, fe.env, packFiles, 100, 30)
	for _, state := range []string{"reading", "attachments"} {
		if state == "attachments" {
			hit(m, "a")
		}
		if gaps := uitest.HelpGaps(&m.keys, fullHelp(m)); len(gaps) > 0 {
			t.Errorf("%s: %v", state, gaps)
		}
	}
}
