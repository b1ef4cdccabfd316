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
// one) says so and asks before its next send; when it was the person's other session, the draft
// they share is gone as well.
func (m *Model) replySentElsewhere(msg common.ReplySentElsewhereMsg) tea.Cmd {
	who := msg.Member
	if msg.Own {
		who = common.OtherSession
	}
	if cm, ok := m.composes[msg.Pack].(interface{ SentElsewhere(who, text string) }); ok {
		cm.SentElsewhere(who, msg.Text)
	}
	if !msg.Own {
		return nil
	}
	return m.draftGone(msg.Pack, false)
}

// draftGone: the person's other session sent or discarded pack's draft, in the drafts folder
// this session shares. The list reads the folder again for its marks; a composer held for the
// pack reads its draft again, unless it is on screen, where the text stays to be read (leaving
// without an edit then keeps nothing).
func (m *Model) draftGone(pack string, discarded bool) tea.Cmd {
	cmds := []tea.Cmd{m.list.ReadDrafts()}
	cm := m.composes[pack]
	switch {
	case cm == nil:
	case m.active == viewCompose && m.conv != nil && m.conv.PackID() == pack:
		if g, ok := cm.(interface{ DraftGone(discarded bool) }); ok {
			g.DraftGone(discarded)
		}
	default:
		if r, ok := cm.(interface{ Reload() tea.Cmd }); ok {
			cmds = append(cmds, r.Reload())
		}
	}
	return tea.Batch(cmds...)
}
