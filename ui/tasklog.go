package ui

import (
	"context"
	"errors"

	"github.com/postsale/postsale/config/logging"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/compose"
)

// logTask writes the log line of a finished task: sends always (pack, outcome, attachment
// count), other tasks when they failed. Never a token, never what the seller or buyer wrote.
func (m *Model) logTask(msg common.TaskFinishedMsg) {
	l := m.c.Logger
	if l == nil {
		return
	}
	pack := msg.Task.Owner.Pack
	switch res := msg.Msg.(type) {
	case compose.SentMsg:
		attrs := []any{"pack", pack, "ok", msg.Err == nil, "attachments", len(res.Request.Attachments)}
		if msg.Err == nil {
			l.Info("send", attrs...)
			return
		}
		logging.LogFailure(l, "send", msg.Err, attrs...)
		return
	case compose.VerifiedMsg:
		attrs := []any{"pack", pack, "found", res.Found != nil, "asked", res.Asked, "attachments", len(res.Request.Attachments)}
		if msg.Err == nil {
			l.Info("lost send checked", attrs...)
			return
		}
		logging.LogFailure(l, "lost send checked", msg.Err, attrs...)
		return
	}
	if msg.Err == nil || errors.Is(msg.Err, context.Canceled) {
		return // a task cancelled because its view or the program closed is not a failure
	}
	logging.LogFailure(l, "task failed", msg.Err, "task", msg.Task.Label, "owner", msg.Task.Owner.String())
}
