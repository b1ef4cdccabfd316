package compose

import "github.com/charmbracelet/bubbles/key"

// KeyMap is compose's keys; each model builds its own.
type KeyMap struct {
	Send   key.Binding
	Switch key.Binding
	Back   key.Binding
}

// DefaultKeyMap returns the default compose keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Send:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "send")),
		Switch: key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "message/translation")),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back (keeps draft)")),
	}
}

// ShortHelp is the footer's one-line help.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Send, m.keys.Switch, m.keys.Back}
}

// FullHelp is the `?` overlay's help.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.Send, m.keys.Switch, m.keys.Back}}
}
