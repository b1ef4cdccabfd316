package compose

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/ui/uitest"
)

// Demo packs used by the tests (assets/demo/demo.json).
const (
	packOpen    = "2000004512345671" // an active conversation
	packBlocked = "2000003999887766" // blocked_by_time: the API refuses sends
)

// clock is the fixed time of the sandbox and the UI, so goldens are stable.
var clock = uitest.DefaultClock()

type env = uitest.Env

// newEnv is the demo seller on MLM against a fresh sandbox.
func newEnv(t testing.TB) *env { return uitest.New(t, uitest.AsSeller("MLM", "Demo Seller")) }

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
