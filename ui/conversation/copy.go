package conversation

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/attachments"
)

// copyMessage is the message y m copies: the one holding the selected attachment, else the
// lowest message on screen (what the seller just read), as the current mode shows it.
func (m *Model) copyMessage() string {
	at := -1
	if ref, _, ok := m.selected(); ok && m.files.focus {
		at = ref.entry
	} else if vis := m.visibleEntries(); len(vis) > 0 {
		at = vis[len(vis)-1]
	}
	if at < 0 || at >= len(m.entries) {
		return ""
	}
	msg := m.entries[at].msg
	text := msg.Text
	if m.mode == ModeTranslated && msg.TextTranslated != "" {
		text = msg.TextTranslated
	}
	return sanitize.String(text) // keeps line breaks; no escape sequence reaches a clipboard
}

// showCopyMenu opens y's menu: p the pack id, b the buyer's name, m the message.
func (m *Model) showCopyMenu() tea.Cmd {
	msg := m.copyMessage()
	m.files.copy = attachments.NewCopyMenu(
		attachments.CopyChoice{Key: "p", What: "pack id", Text: m.packID, Shown: m.packID},
		attachments.CopyChoice{Key: "b", What: "buyer's name", Text: m.buyerName(), Shown: m.buyerName()},
		attachments.CopyChoice{Key: "m", What: "message", Text: msg, Shown: attachments.Preview(msg, 60)},
	)
	return nil
}

// handleCopyKey answers the open copy menu; ok is false when none is open.
func (m *Model) handleCopyKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	menu := m.files.copy
	if menu == nil {
		if key.Matches(msg, m.keys.Copy) {
			return m.showCopyMenu(), true
		}
		return nil, false
	}
	m.files.copy = nil
	if c, ok := menu.HandleKey(msg); ok {
		return attachments.CopyText(m.c.Opener, c), true
	}
	return nil, true // any other key closes the menu
}
