package packlist

import (
	tea "github.com/charmbracelet/bubbletea"
)

// replyWithTemplate (`T`) is a reply whose composer opens on the template picker: refused on a
// blocked row exactly as `r` is (replyRow), then, when a teammate is replying to the pack, the
// first `T` warns and the second goes on.
func (m *Model) replyWithTemplate() tea.Cmd {
	r, refused := m.replyRow()
	if r == nil {
		return refused
	}
	if warn := m.replyGuard(r.PackID, "T"); warn != nil {
		return warn
	}
	return m.openReply(r, true)
}
