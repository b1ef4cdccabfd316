package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/ui/common"
)

// teamChanged hands a team event (presence, assignment, note, sent-by) to the views that show
// it: the list (rows, filter) and the open conversation (header, notes, "sent by"), whichever
// is on screen, so coming back shows it already.
func (m *Model) teamChanged(msg common.TeamChangedMsg) tea.Cmd {
	cmds := []tea.Cmd{m.send(m.list, msg)}
	if m.conv != nil {
		cmds = append(cmds, m.send(m.conv, msg))
	}
	return tea.Batch(cmds...)
}

// replySentElsewhere: someone else sent a reply on the pack. Its composer (if this session holds
// one) says so and asks before its next send.
func (m *Model) replySentElsewhere(msg common.ReplySentElsewhereMsg) tea.Cmd {
	who := msg.Member
	if msg.Own {
		who = common.OtherSession
	}
	if cm, ok := m.composes[msg.Pack].(interface{ SentElsewhere(who, text string) }); ok {
		cm.SentElsewhere(who, msg.Text)
	}
	return nil
}
