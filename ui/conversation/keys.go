package conversation

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/postsale/postsale/ui/common"
)

// KeyMap is the conversation's keys; each model builds its own.
type KeyMap struct {
	Up        key.Binding
	Down      key.Binding
	PageUp    key.Binding
	PageDown  key.Binding
	Top       key.Binding
	Bottom    key.Binding
	Reply     key.Binding
	Translate key.Binding
	Back      key.Binding
	// Attachments and links.
	Attachments    key.Binding
	NextAttachment key.Binding
	PrevAttachment key.Binding
	Open           key.Binding
	Save           key.Binding
	// OpenSale opens the sale's page on Mercado Libre's site (context.go).
	OpenSale key.Binding
	// Copy opens the copy menu: pack id, buyer's name or message, through OSC 52 (copy.go).
	Copy key.Binding
	// NextReply and PrevReply open the next or previous conversation needing a reply.
	NextReply key.Binding
	PrevReply key.Binding
}

// DefaultKeyMap returns the default conversation keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:        key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", " ", "f"), key.WithHelp("pgdn/space/f", "page down")),
		Top:       key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "beginning")),
		Bottom:    key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "newest")),
		Reply:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reply")),
		Translate: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "translation")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),

		Attachments:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "attachments")),
		NextAttachment: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "attachments")),
		PrevAttachment: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous attachment")),
		Open:           key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "links")),
		Save:           key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save attachment")),
		OpenSale:       saleKey(),
		Copy:           key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy id/buyer/message")),
		NextReply:      key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next needing reply")),
		PrevReply:      key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous needing reply")),
	}
}

// ShortHelp is the footer's one-line help.
func (m *Model) ShortHelp() []key.Binding {
	if h := m.teamShortHelp(); h != nil {
		return h
	}
	switch {
	case m.files.confirm != nil:
		return m.files.confirm.ShortHelp()
	case m.files.menu != nil:
		return m.files.menu.ShortHelp()
	case m.files.copy != nil:
		return m.files.copy.ShortHelp()
	case m.files.focus:
		// Terse copies: the footer must fit in 100 columns; `?` keeps the longer words.
		save, next := m.keys.Save, m.keys.NextAttachment
		common.Relabel(&save, "save")
		common.Relabel(&next, "next")
		return []key.Binding{m.keys.Open, save, next, m.keys.Back}
	}
	// Movement keys are in the `?` help only: with them the footer was cut at 100 columns.
	return []key.Binding{m.keys.Reply, m.keys.Translate, m.keys.Attachments, m.keys.Open, m.keys.Back}
}

// FullHelp is the `?` overlay's help.
func (m *Model) FullHelp() [][]key.Binding {
	groups := [][]key.Binding{
		{m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown, m.keys.Top, m.keys.Bottom},
		{m.keys.Reply, m.keys.Translate, m.keys.OpenSale, m.keys.Copy, m.keys.Back, m.keys.NextReply, m.keys.PrevReply},
		{m.keys.Attachments, m.keys.NextAttachment, m.keys.PrevAttachment, m.keys.Open, m.keys.Save},
	}
	if m.c.Team != nil {
		groups = append(groups, []key.Binding{m.team.keys.Assign, m.team.keys.Note})
	}
	return groups
}
