package uitest

import (
	"bytes"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/postsale/postsale/ui/common"
)

// Sized is a view the root can size.
type Sized interface {
	tea.Model
	SetSize(w, h int)
}

// Root is a tiny root for teatest: it sizes the child, gives task results and owned messages
// back to it and records what the child asks of the root (navigation, when C is set, included).
// Each view's tests also go through the real root (package ui) at least once.
type Root struct {
	Child Sized
	// C is the child's Common; its navigation requests are recorded after each Update.
	C *common.Common
	// Handle, when set, sees each message first; handled means the child never gets it.
	Handle func(msg tea.Msg) (cmd tea.Cmd, handled bool)

	mu  sync.Mutex
	out []tea.Msg
}

func (r *Root) Init() tea.Cmd { return r.Child.Init() }

func (r *Root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if r.Handle != nil {
		if cmd, ok := r.Handle(msg); ok {
			return r, cmd
		}
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.Child.SetSize(msg.Width, msg.Height)
		return r, nil
	case common.BackMsg, common.ComposeMsg, common.OpenPackMsg, common.StatusMsg:
		r.record(msg)
		return r, nil
	case common.SendStartedMsg, common.SendDoneMsg, common.TaskFinishedMsg:
		r.record(msg)
	case common.OwnedMsg:
		_, cmd := r.Child.Update(msg.Msg)
		return r, tea.Batch(cmd, r.nav())
	}
	_, cmd := r.Child.Update(msg)
	return r, tea.Batch(cmd, r.nav())
}

// nav records the navigation the child asked for.
func (r *Root) nav() tea.Cmd {
	if r.C == nil {
		return nil
	}
	for _, n := range r.C.Nav.Take() {
		r.record(n)
	}
	return nil
}

func (r *Root) View() string { return r.Child.View() }

func (r *Root) record(msg tea.Msg) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out = append(r.out, msg)
}

// Recorded returns what the child has asked of the root so far.
func (r *Root) Recorded() []tea.Msg {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]tea.Msg(nil), r.out...)
}

// WaitFor waits until the program has drawn want.
func WaitFor(tb testing.TB, tm *teatest.TestModel, want string) {
	tb.Helper()
	teatest.WaitFor(tb, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte(want))
	}, teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}
