package packlist

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/postsale/postsale/ui/common"
)

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
	Copy        key.Binding // copy the pack id or the buyer's name (copy.go)
	// Triage (triage.go).
	Reply       key.Binding
	Done        key.Binding
	NextReply   key.Binding
	PrevReply   key.Binding
	NextSection key.Binding
	PrevSection key.Binding
	Sections    key.Binding
	Search      key.Binding // search every stored message (stored.go; only with a store)
}

func newKeyMap() keyMap {
	return keyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:         key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "top")),
		Bottom:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "bottom")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter"), key.WithDisabled()),
		ApplyFilter: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter"), key.WithDisabled()),
		Template:    key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "template reply")),
		Copy:        key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy id/buyer")),
		Reply:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reply")),
		Done:        key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "done")),
		NextReply:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next to reply")),
		PrevReply:   key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous to reply")),
		NextSection: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "sections")),
		PrevSection: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous section")),
		Sections:    key.NewBinding(key.WithKeys("1", "2", "3", "4"), key.WithHelp("1/2/3/4", "a section")),
		Search:      key.NewBinding(key.WithKeys("s", "ctrl+f"), key.WithHelp("s/ctrl+f", "search history"), key.WithDisabled()),
	}
}

// update enables exactly the bindings that apply now, so help never lists a dead key.
func (k *keyMap) update(typing, filtered, empty bool) {
	nav := !typing && !empty
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom, &k.Open, &k.Template, &k.Copy, &k.Reply, &k.Done} {
		b.SetEnabled(nav)
	}
	for _, b := range []*key.Binding{&k.NextReply, &k.PrevReply, &k.NextSection, &k.PrevSection, &k.Sections} {
		b.SetEnabled(!typing)
	}
	k.Filter.SetEnabled(!typing)
	k.ApplyFilter.SetEnabled(typing)
	k.ClearFilter.SetEnabled(typing || filtered)
}

// ShortHelp is the footer's one-line help.
func (m *Model) ShortHelp() []key.Binding {
	if m.copying.menu != nil {
		return m.copying.menu.ShortHelp()
	}
	if m.team.picker != nil {
		return m.team.picker.ShortHelp()
	}
	k := m.keys
	return []key.Binding{k.Up, k.Down, k.Open, k.Filter, k.ApplyFilter, k.ClearFilter, firstKeyOnly(k.Search)}
}

// firstKeyOnly is b as the footer names it: by its first key alone ("s" for s/ctrl+f), since the
// footer's line is short; the ? help names them all.
func firstKeyOnly(b key.Binding) key.Binding {
	if ks := b.Keys(); len(ks) > 1 {
		b.SetHelp(common.KeyWord(ks[0]), b.Help().Desc)
	}
	return b
}

// FullHelp is the `?` overlay's help.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	groups := [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Open, k.Reply, k.Template, k.Done, k.Copy},
		{k.NextReply, k.PrevReply, k.NextSection, k.PrevSection, k.Sections},
		{k.Filter, k.ApplyFilter, k.ClearFilter, k.Search},
	}
	if m.c.Team != nil {
		groups = append(groups, []key.Binding{m.team.keys.Assign, m.team.keys.Filter})
	}
	return append(groups, receiptLegend())
}

// DefaultKeyMap is a pointer to a fresh default keymap, for checking a [keys] remapping.
func DefaultKeyMap() any {
	k := newKeyMap()
	return &k
}
