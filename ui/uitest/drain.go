package uitest

import (
	"reflect"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/ui/common"
)

// Drain runs cmd like the Bubble Tea runtime, depth first: batches and sequences open in place,
// nil messages are dropped, and then(msg) may return a command to run after those queued (a
// root's answer, a progress meter re-armed). It returns every message, in order.
func Drain(cmd tea.Cmd, then func(tea.Msg) tea.Cmd) []tea.Msg {
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if cmds, ok := Cmds(msg); ok {
			queue = append(cmds, queue...)
			continue
		}
		if msg == nil {
			continue
		}
		if o, ok := msg.(common.OwnedMsg); ok {
			out = append(out, o.Msg) // what its owner gets
		} else {
			out = append(out, msg)
		}
		if then != nil {
			queue = append(queue, then(msg))
		}
	}
	return out
}

// Play drains cmd as a minimal root: the messages back accepts go to m, and what m answers runs.
func Play(m tea.Model, cmd tea.Cmd, back func(tea.Msg) bool) []tea.Msg {
	return Drain(cmd, func(msg tea.Msg) tea.Cmd {
		if !back(msg) {
			return nil
		}
		if o, ok := msg.(common.OwnedMsg); ok {
			msg = o.Msg // the root unwraps what it hands to the owner
		}
		_, next := m.Update(msg)
		return next
	})
}

// Update hands msg to m, as the root would, and plays what it starts.
func Update(m tea.Model, msg tea.Msg, back func(tea.Msg) bool) []tea.Msg {
	_, cmd := m.Update(msg)
	return Play(m, cmd, back)
}

// Returned reports the messages every root hands back to the view that started the work: task
// results, owned messages and the two halves of a send.
func Returned(msg tea.Msg) bool {
	switch msg.(type) {
	case common.TaskFinishedMsg, common.OwnedMsg, common.SendStartedMsg, common.SendDoneMsg:
		return true
	}
	return false
}

// Cmds unpacks a tea.Batch or tea.Sequence result; reflection because Sequence's type is
// unexported.
func Cmds(msg tea.Msg) ([]tea.Cmd, bool) {
	if b, ok := msg.(tea.BatchMsg); ok {
		return b, true
	}
	v := reflect.ValueOf(msg)
	if v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		cmds := make([]tea.Cmd, v.Len())
		for i := range cmds {
			cmds[i] = v.Index(i).Interface().(tea.Cmd)
		}
		return cmds, true
	}
	return nil, false
}

// Find returns the first message of type T.
func Find[T any](msgs []tea.Msg) (T, bool) {
	for _, msg := range msgs {
		if v, ok := msg.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// Run plays cmd as every root does: task results and send notices go back to m.
func Run(m tea.Model, cmd tea.Cmd) []tea.Msg { return Play(m, cmd, Returned) }

// Press sends the named key to m and runs what it starts.
func Press(m tea.Model, key string) []tea.Msg { return Update(m, Key(key), Returned) }

// Deliver hands msg to m as the root would and runs what it starts.
func Deliver(m tea.Model, msg tea.Msg) []tea.Msg { return Update(m, msg, Returned) }
