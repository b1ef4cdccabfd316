package common

import (
	"context"
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// Task is an API call in flight. Creating one (Common.NewTask, in Update) registers it at once
// with the session's Tasks, so the root's spinner knows of it before anything can answer; its end
// comes back as TaskFinishedMsg carrying the owner's own result message, which the root routes
// back to the owner and which ends the task.
type Task struct {
	ID      int64
	Owner   Owner
	Label   string // what is loading, for the status bar: "Loading conversation 2000001"
	Started time.Time
}

// The root forwards the whole TaskFinishedMsg to the component named by Task.Owner, which
// type-switches on Msg; a task whose owner is gone is dropped (its error still shows).

// TaskFinishedMsg is the end of a task: Err is nil on success; Msg is the owner's result message
// (it is delivered even on error so the owner can stop its own loading state).
type TaskFinishedMsg struct {
	Task Task
	Err  error
	Msg  tea.Msg
}

// Tasks numbers one session's tasks and keeps those in flight, oldest first. Only the program's
// Update goroutine touches it (no package-level counter).
type Tasks struct {
	next     int64
	inFlight []Task
}

// Next returns a fresh id.
func (t *Tasks) Next() int64 { t.next++; return t.next }

// start registers task as in flight.
func (t *Tasks) start(task Task) { t.inFlight = append(t.inFlight, task) }

// Finish removes the task with id from the tasks in flight; false when it was not there.
func (t *Tasks) Finish(id int64) bool {
	i := slices.IndexFunc(t.inFlight, func(x Task) bool { return x.ID == id })
	if i < 0 {
		return false
	}
	t.inFlight = slices.Delete(t.inFlight, i, i+1)
	return true
}

// InFlight is the tasks not finished yet, oldest first (do not modify).
func (t *Tasks) InFlight() []Task { return t.inFlight }

// RunTask runs fn with ctx as an async command and returns the owner's message wrapped in
// TaskFinishedMsg. The task was registered when it was made (Common.NewTask).
func RunTask(ctx context.Context, task Task, fn func(ctx context.Context) (tea.Msg, error)) tea.Cmd {
	return func() tea.Msg {
		msg, err := fn(ctx)
		return TaskFinishedMsg{Task: task, Err: err, Msg: msg}
	}
}
