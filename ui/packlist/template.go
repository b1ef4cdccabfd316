package packlist

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/ui/common"
)

// replyWithTemplate (`T`) opens the selected pack and its compose with the template picker:
// in sequence, so the conversation exists when the root opens compose for it.
func (m *Model) replyWithTemplate() tea.Cmd {
	if m.cursor >= len(m.visible) {
		return nil
	}
	r := m.visible[m.cursor]
	if warn := m.replyGuard(r.PackID); warn != nil {
		return warn
	}
	open := common.OpenPackMsg{PackID: r.PackID, Site: r.Site}
	compose := common.ComposeMsg{PackID: r.PackID, Site: r.Site, Template: true}
	return tea.Sequence(func() tea.Msg { return open }, func() tea.Msg { return compose })
}
