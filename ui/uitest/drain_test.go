package uitest

import (
	"slices"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/ui/common"
)

func say(s string) tea.Cmd { return func() tea.Msg { return s } }

func TestDrainOpensBatchesAndSequencesInPlace(t *testing.T) {
	nothing := func() tea.Msg { return nil }
	cmd := tea.Sequence(say("a"), tea.Batch(say("b"), nil, nothing, tea.Sequence(say("c"), say("d"))), say("e"))
	got := Drain(tea.Batch(cmd, say("f")), nil)
	if want := []tea.Msg{"a", "b", "c", "d", "e", "f"}; !slices.Equal(got, want) {
		t.Fatalf("Drain = %v, want %v", got, want)
	}
}

func TestDrainRunsWhatThenReturnsAfterTheQueue(t *testing.T) {
	// A meter re-armed until it reaches 3, behind a message already queued.
	meter := func(n int) tea.Cmd { return func() tea.Msg { return n } }
	got := Drain(tea.Batch(meter(1), say("x")), func(msg tea.Msg) tea.Cmd {
		if n, ok := msg.(int); ok && n < 3 {
			return meter(n + 1)
		}
		return nil
	})
	if want := []tea.Msg{1, "x", 2, 3}; !slices.Equal(got, want) {
		t.Fatalf("Drain = %v, want %v", got, want)
	}
}

// echo is a view that answers a task result with a status, and records what it was handed.
type echo struct{ got []tea.Msg }

func (e *echo) Init() tea.Cmd { return nil }
func (e *echo) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	e.got = append(e.got, msg)
	if _, ok := msg.(common.TaskFinishedMsg); ok {
		return e, func() tea.Msg { return common.StatusMsg{Text: "done"} }
	}
	return e, nil
}
func (e *echo) View() string { return "" }

func TestRunGivesTaskResultsBackOnly(t *testing.T) {
	m := &echo{}
	out := Run(m, tea.Batch(
		func() tea.Msg { return common.TaskFinishedMsg{} },
		func() tea.Msg { return common.BackMsg{} }))
	if len(m.got) != 1 {
		t.Fatalf("the view was handed %v, want only the task result", m.got)
	}
	if st, ok := Find[common.StatusMsg](out); !ok || st.Text != "done" || len(out) != 3 {
		t.Fatalf("Run returned %v, want the result, the back message and the view's answer", out)
	}
	if _, ok := Find[common.ComposeMsg](out); ok {
		t.Fatal("Find found a message that was never sent")
	}
}
