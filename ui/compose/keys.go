package compose

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/postsale/postsale/ui/common"
)

// KeyMap is compose's keys; each model builds its own.
type KeyMap struct {
	Send   key.Binding
	Switch key.Binding
	Back   key.Binding
	Attach key.Binding
	// Template opens the reply-template picker; Editor the $EDITOR round trip.
	Template key.Binding
	Editor   key.Binding
	// OpenSale opens the sale's page on Mercado Libre; Discard empties the draft (asks first).
	OpenSale key.Binding
	Discard  key.Binding
}

// DefaultKeyMap returns the default compose keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Send:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "send")),
		Switch: key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab/shift+tab", "message/translation")),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back (keeps draft)")),
		// ctrl+o too: ctrl+a is the prefix key of screen and of many tmux setups, which never
		// pass it on. The footer names ctrl+o, the one that always arrives.
		Attach:   key.NewBinding(key.WithKeys("ctrl+o", "ctrl+a"), key.WithHelp("ctrl+o/ctrl+a", "attach")),
		Template: key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "template")),
		Editor:   key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "$EDITOR")),
		OpenSale: saleKey(),
		Discard:  discardKey(),
	}
}

// ShortHelp is the footer's one-line help.
func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.picker != nil:
		return m.picker.ShortHelp()
	case m.tpicker != nil:
		return m.tpicker.ShortHelp()
	case m.files.Focused():
		return m.files.ShortHelp()
	}
	// ctrl+t and ctrl+e are in the compose hint line and the ? overlay: the footer has no room,
	// so it names one key of each (all of them are in the ? overlay).
	if m.domestic {
		return []key.Binding{m.keys.Send, firstKey(m.keys.Attach), m.keys.Discard, m.keys.Back} // no translation to switch to
	}
	return []key.Binding{m.keys.Send, firstKey(m.keys.Switch), firstKey(m.keys.Attach), m.keys.Back}
}

// FullHelp is the `?` overlay's help.
func (m *Model) FullHelp() [][]key.Binding {
	if m.picker != nil {
		return m.picker.FullHelp()
	}
	if m.tpicker != nil {
		return m.tpicker.FullHelp()
	}
	return [][]key.Binding{{m.keys.Send, m.keys.Switch, m.keys.Attach, m.keys.Template, m.keys.Editor, m.keys.OpenSale, m.keys.Discard, m.keys.Back}, m.files.ShortHelp()}
}

// firstKey is b as the footer shows it: its first key only.
func firstKey(b key.Binding) key.Binding {
	if ks := b.Keys(); len(ks) > 0 {
		b.SetHelp(common.KeyWord(ks[0]), b.Help().Desc)
	}
	return b
}
