package common

import (
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/api/sanitize"
)

// MemberPicker is the small "assign to whom?" list of the team inbox: the members (me first),
// then "nobody". The list and the conversation draw it at the bottom of their area.
type MemberPicker struct {
	Pack    string
	names   []string // "" = nobody
	current string
	me      string
	sel     int
	Up      key.Binding
	Down    key.Binding
	Choose  key.Binding
	Cancel  key.Binding
}

// NewMemberPicker lists t's members for pack, me first; the current assignee is selected, or
// me when nobody has it.
func NewMemberPicker(t Team, pack string) *MemberPicker {
	me, cur := t.Me(), t.Assignee(pack)
	names := []string{me}
	for _, n := range t.Members() {
		if n != me {
			names = append(names, n)
		}
	}
	names = append(names, "")
	p := &MemberPicker{
		Pack: pack, names: names, current: cur, me: me,
		Up:     key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Choose: key.NewBinding(key.WithKeys("enter", "1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9/enter", "assign")),
		Cancel: key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "cancel")),
	}
	for i, n := range names {
		if n == cur && cur != "" {
			p.sel = i // else me: taking a pack is the usual choice
		}
	}
	return p
}

// HandleKey returns the member chosen ("" = unassign) when chosen, and done when the picker
// should close.
func (p *MemberPicker) HandleKey(msg tea.KeyMsg) (member string, chosen, done bool) {
	switch {
	case key.Matches(msg, p.Cancel):
		return "", false, true
	case key.Matches(msg, p.Up):
		p.sel = max(0, p.sel-1)
	case key.Matches(msg, p.Down):
		p.sel = min(len(p.names)-1, p.sel+1)
	case key.Matches(msg, p.Choose):
		i := p.sel
		if n, err := strconv.Atoi(msg.String()); err == nil {
			i = n - 1
		}
		if i >= 0 && i < len(p.names) {
			return p.names[i], true, true
		}
	}
	return "", false, false
}

// Lines draws the picker: a title and one numbered line per choice, the current one marked.
func (p *MemberPicker) Lines(c *Common, width int) []string {
	if width < 1 {
		return nil
	}
	out := []string{c.Styles.Title.Render(ansi.Truncate("Assign pack "+sanitize.Line(p.Pack)+" to whom? (number, or ↑/↓ and enter; esc cancels)", width, "…"))}
	for i, n := range p.names {
		label := sanitize.Line(n)
		switch {
		case n == "":
			label = "nobody (unassign)"
		case n == p.me:
			label += " (you)"
		}
		if n == p.current && n != "" {
			label += " · assigned now"
		}
		num := "  "
		if i < 9 {
			num = strconv.Itoa(i+1) + "."
		}
		line, style := "  "+num+" "+label, c.Styles.App
		if i == p.sel {
			line, style = "> "+num+" "+label, c.Styles.Selected
		}
		out = append(out, style.Render(ansi.Truncate(line, width, "…")))
	}
	return out
}

// ShortHelp is the footer while the picker is open.
func (p *MemberPicker) ShortHelp() []key.Binding {
	return []key.Binding{p.Choose, p.Up, p.Down, p.Cancel}
}
