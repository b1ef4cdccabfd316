package compose

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/ui/common"
)

// Drafts are visible: leaving says the draft is kept, a draft read back from disk says from
// when, the list marks packs with a draft (common.DraftMarks), and ctrl+x discards one after a
// second ctrl+x.

// back leaves compose; a draft left behind is kept, and the status bar says so.
func (m *Model) back() tea.Cmd {
	m.confirmDiscard = false
	m.c.Navigate(common.BackMsg{})
	if why := m.gone; why != "" {
		m.clearFields() // sent or discarded elsewhere, untouched here since: nothing to keep
		m.savedAs = m.draftKey()
		return func() tea.Msg { return common.StatusMsg{Text: why} }
	}
	if m.Empty() {
		return nil
	}
	return func() tea.Msg {
		return common.StatusMsg{Text: "Draft kept: r opens it again; it is also saved if you quit."}
	}
}

// askDiscard is the first ctrl+x: a question, answered by a second ctrl+x (any other key keeps
// the draft).
func (m *Model) askDiscard() tea.Cmd {
	if m.Empty() {
		return func() tea.Msg { return common.StatusMsg{Text: "There is no draft to discard."} }
	}
	if m.Sending() {
		return func() tea.Msg {
			return common.StatusMsg{Text: "A send is in flight: its answer decides what happens to the draft."}
		}
	}
	m.confirmDiscard = true
	return nil
}

// discard empties the draft, here and on disk.
func (m *Model) discard() tea.Cmd {
	m.confirmDiscard = false
	m.clearFields()
	packID := m.packID
	if m.saver == nil {
		return tea.Batch(m.Focus(), func() tea.Msg { return common.DraftDiscardedMsg{PackID: packID} })
	}
	remove := m.saver.Sent(m.packID) // the same ordered delete as after a send
	m.savedAs = m.draftKey()
	return tea.Batch(m.Focus(), func() tea.Msg {
		return common.DraftDiscardedMsg{PackID: packID, Err: remove()}
	})
}

// clearFields empties the draft here (not on disk).
func (m *Model) clearFields() {
	m.text.Reset()
	m.translated.Reset()
	m.files.Clear()
	m.err, m.refused, m.note, m.gone = "", nil, "", ""
	m.field = FieldText
	m.layout()
}

// markDraft keeps the list's mark in step with the draft.
func (m *Model) markDraft() { m.c.DraftMarks.Set(m.packID, !m.Empty()) }
