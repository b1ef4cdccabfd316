package attachments

import (
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
)

// LinkMenu is a numbered list of a message's links; the seller picks one by number (or moves
// and presses enter).
type LinkMenu struct {
	links  []open.Link
	sel    int
	Up     key.Binding
	Down   key.Binding
	Choose key.Binding
	Cancel key.Binding
}

// NewLinkMenu lists links (at most the first 9 are reachable by number; all by arrows).
func NewLinkMenu(links []open.Link) *LinkMenu {
	return &LinkMenu{
		links:  links,
		Up:     key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Choose: key.NewBinding(key.WithKeys("enter", "1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9/enter", "open link")),
		Cancel: key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "close")),
	}
}

// HandleKey returns the chosen link (chosen true) or done when the menu should close.
func (m *LinkMenu) HandleKey(msg tea.KeyMsg) (link open.Link, chosen, done bool) {
	switch {
	case key.Matches(msg, m.Cancel):
		return open.Link{}, false, true
	case key.Matches(msg, m.Up):
		m.sel = max(0, m.sel-1)
	case key.Matches(msg, m.Down):
		m.sel = min(len(m.links)-1, m.sel+1)
	case key.Matches(msg, m.Choose):
		i := m.sel
		if n, err := strconv.Atoi(msg.String()); err == nil {
			i = n - 1
		}
		if i >= 0 && i < len(m.links) {
			return m.links[i], true, true
		}
	}
	return open.Link{}, false, false
}

// Lines draws the numbered list; links postsale will not open are marked.
func (m *LinkMenu) Lines(c *common.Common, width int) []string {
	if width < 1 {
		return nil
	}
	out := []string{c.Styles.Title.Render(ansi.Truncate("Open which link? (number, or ↑/↓ and enter; esc closes)", width, "…"))}
	for i, l := range m.links {
		n := "  "
		if i < 9 {
			n = strconv.Itoa(i+1) + "."
		}
		line := n + " " + l.Text()
		if !l.Openable() {
			line += "  (not opened: only http, https and mailto links are)"
		}
		style := c.Styles.App
		if i == m.sel {
			style = c.Styles.Selected
			line = "> " + line
		} else {
			line = "  " + line
		}
		out = append(out, style.Render(ansi.Truncate(line, width, "…")))
	}
	return out
}

// ShortHelp is the help while the menu is open.
func (m *LinkMenu) ShortHelp() []key.Binding { return []key.Binding{m.Choose, m.Up, m.Down, m.Cancel} }
