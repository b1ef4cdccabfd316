package packlist

import "github.com/charmbracelet/bubbles/key"

// keyMap is the pack list's keys; each Model builds its own (no shared global keymap).
type keyMap struct {
	Up          key.Binding
	Down        key.Binding
	PageUp      key.Binding
	PageDown    key.Binding
	Top         key.Binding
	Bottom      key.Binding
	Open        key.Binding
	Filter      key.Binding
	ClearFilter key.Binding
	ApplyFilter key.Binding
	Template    key.Binding // reply to the selected pack from a template (template.go)
	Search      key.Binding // search every stored message (stored.go; only with a store)
}

func newKeyMap() keyMap {
	return keyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:         key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter"), key.WithDisabled()),
		ApplyFilter: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter"), key.WithDisabled()),
		Template:    key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "template reply")),
		Search:      key.NewBinding(key.WithKeys("s", "ctrl+f"), key.WithHelp("s", "search history"), key.WithDisabled()),
	}
}

// update enables exactly the bindings that apply now, so help never lists a dead key.
func (k *keyMap) update(typing, filtered, empty bool) {
	nav := !typing && !empty
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom, &k.Open, &k.Template} {
		b.SetEnabled(nav)
	}
	k.Filter.SetEnabled(!typing)
	k.ApplyFilter.SetEnabled(typing)
	k.ClearFilter.SetEnabled(typing || filtered)
}

// ShortHelp is the footer's one-line help.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Up, k.Down, k.Open, k.Filter, k.ApplyFilter, k.ClearFilter, k.Search}
}

// FullHelp is the `?` overlay's help.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown},
		{k.Top, k.Bottom, k.Open, k.Template},
		{k.Filter, k.ApplyFilter, k.ClearFilter, k.Search},
		receiptLegend(),
	}
}
