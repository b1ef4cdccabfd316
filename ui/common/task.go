package common

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// Task is an API call in flight. Starting one registers it with the root (which shows one
// spinner in the status bar); its end comes back as TaskFinishedMsg carrying the owner's own
// result message, which the root routes back to the owner.
type Task struct {
	ID      int64
	Owner   string // component that asked: "packlist", "conversation", "compose"
	Label   string // what is loading, for the status bar: "Loading conversation 2000001"
	Started time.Time
}

// TaskStartedMsg tells the root a task began.
type TaskStartedMsg struct{ Task Task }

// The root forwards the whole TaskFinishedMsg to the component named by Task.Owner, which
// type-switches on Msg; a task whose owner is gone is dropped (its error still shows).

// TaskFinishedMsg is the end of a task: Err is nil on success; Msg is the owner's result message
// (it is delivered even on error so the owner can stop its own loading state).
type TaskFinishedMsg struct {
	Task Task
	Err  error
	Msg  tea.Msg
}

// TaskIDs hands out task ids; each root model owns one (no package-level counter).
type TaskIDs struct{ next int64 }

// Next returns a fresh id.
func (t *TaskIDs) Next() int64 { t.next++; return t.next }

// RunTask starts fn as an async command: it announces the task, runs fn with ctx, and returns
// the owner's message wrapped in TaskFinishedMsg.
func RunTask(ctx context.Context, task Task, fn func(ctx context.Context) (tea.Msg, error)) tea.Cmd {
	started := func() tea.Msg { return TaskStartedMsg{Task: task} }
	run := func() tea.Msg {
		msg, err := fn(ctx)
		return TaskFinishedMsg{Task: task, Err: err, Msg: msg}
	}
	return tea.Batch(started, run)
}
