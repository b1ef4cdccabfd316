package packlist

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/ui/common"
)

// draftsReadMsg carries the packs with a draft in the session's drafts folder.
type draftsReadMsg struct {
	packs []string
	err   error
}

// ReadDrafts reads the session's drafts folder off the update loop, so the rows with an unsent
// reply kept from an earlier run are marked from the start, whichever source (the API or the
// local store) fills the list. Nil when drafts are kept only in memory.
func (m *Model) ReadDrafts() tea.Cmd {
	store := m.c.Drafts
	if store == nil {
		return nil
	}
	return common.Own(common.ListOwner(), func() tea.Msg {
		ds, err := store.List()
		msg := draftsReadMsg{err: err}
		for _, d := range ds {
			if !d.Empty() {
				msg.packs = append(msg.packs, d.PackID)
			}
		}
		return msg
	})
}

// draftsRead marks the packs the folder holds a draft for. A damaged draft file is not listed
// (drafts.Store.List), so not marked: compose says what is wrong with it when it is opened.
func (m *Model) draftsRead(msg draftsReadMsg) {
	if msg.err != nil {
		m.c.Logger.Info("drafts folder not read", "err", msg.err)
		return
	}
	m.c.DraftMarks.SetSaved(msg.packs)
}
