package compose

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// Demo packs used by the tests (assets/demo/demo.json).
const (
	packOpen    = "2000004512345671" // an active conversation
	packBlocked = "2000003999887766" // blocked_by_time: the API refuses sends
)

// clock is the fixed time of the sandbox and the UI, so goldens are stable.
var clock = uitest.DefaultClock()

type env struct {
	sb *sandbox.Server
	c  *common.Common
}

func newEnv(t testing.TB) *env {
	t.Helper()
	u := uitest.New(t, uitest.At(clock), uitest.AsSeller("MLM", "Demo Seller"))
	return &env{sb: u.Sandbox, c: u.Common}
}

// run executes cmd like the Bubble Tea runtime and plays a minimal root: task results and send
// messages go back to m; everything else is returned for assertions.
func run(m tea.Model, cmd tea.Cmd) []tea.Msg { return uitest.Play(m, cmd, uitest.Returned) }

// press sends a key and runs what it starts.
func press(m tea.Model, k string) []tea.Msg { return uitest.Update(m, uitest.Key(k), uitest.Returned) }

// deliver hands msg to m as the root would and runs what it starts.
func deliver(m tea.Model, msg tea.Msg) []tea.Msg { return uitest.Update(m, msg, uitest.Returned) }

// newHarness is the teatest root for compose: it also focuses compose on focusMsg, as the app
// does when it shows it.
func newHarness(m *Model) *uitest.Root {
	return &uitest.Root{Child: m, Handle: func(msg tea.Msg) (tea.Cmd, bool) {
		if _, ok := msg.(focusMsg); ok {
			return m.Focus(), true
		}
		return nil, false
	}}
}
