package packlist

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/ui/attachments"
	"github.com/postsale/postsale/ui/common"
)

// copyState is y's menu on the list: y then p copies the selected row's pack id, b its buyer's
// name, through OSC 52 on the session's terminal.
type copyState struct {
	menu *attachments.CopyMenu
}

// handleCopyKey opens or answers the copy menu; ok is false when the key is not for it.
func (m *Model) handleCopyKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	if menu := m.copying.menu; menu != nil {
		m.copying.menu = nil
		if c, ok := menu.HandleKey(msg); ok {
			return attachments.CopyText(m.c.Opener, c), true
		}
		return nil, true // any other key closes the menu
	}
	if !key.Matches(msg, m.keys.Copy) || m.cursor >= len(m.visible) {
		return nil, false
	}
	r := m.visible[m.cursor]
	m.copying.menu = attachments.NewCopyMenu(
		attachments.CopyChoice{Key: "p", What: "pack id", Text: r.PackID, Shown: r.PackID},
		attachments.CopyChoice{Key: "b", What: "buyer's name", Text: r.Buyer, Shown: r.Buyer},
	)
	return nil, true
}

// overlayCopy draws the open copy menu over the bottom of the list's lines.
func (m *Model) overlayCopy(lines []string) []string {
	if m.copying.menu == nil {
		return lines
	}
	menu := m.copying.menu.Lines(m.c, m.width)
	for i, l := range menu {
		if at := len(lines) - len(menu) + i; at >= 1 {
			lines[at] = common.Fit(l, m.width, "…")
		}
	}
	return lines
}
