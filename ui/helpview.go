package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/ui/common"
)

// The `?` overlay: every key of the active view and the global ones, in columns side by side
// when they fit the width, else wrapped onto rows of columns; when they do not fit the height it
// scrolls (j/k, ↑/↓, pgup/pgdn) and its title says which lines are shown.

// helpGap separates the overlay's columns.
const helpGap = "    "

// helpBody is every line of the overlay's key columns at width.
func (m *Model) helpBody(width int) []string {
	groups := append(append([][]key.Binding{}, m.activeComponent().FullHelp()...), m.keys.fullHelp())
	h := m.help
	h.Width = 0 // never cut a column: rows of columns take what does not fit
	var rows []string
	var row []string
	rowW := 0
	flush := func() {
		if len(row) > 0 {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, rowW = nil, 0
		}
	}
	for _, g := range groups {
		col := h.FullHelpView([][]key.Binding{g})
		if strings.TrimSpace(col) == "" {
			continue // every key of the group is disabled now
		}
		w := lipgloss.Width(col)
		gap := 0
		if len(row) > 0 {
			gap = len(helpGap)
		}
		if len(row) > 0 && rowW+gap+w > width {
			flush()
			gap = 0
		}
		if gap > 0 {
			row = append(row, helpGap)
		}
		row = append(row, col)
		rowW += gap + w
	}
	flush()
	return strings.Split(strings.Join(rows, "\n\n"), "\n")
}

// helpOverlay is the window of the overlay that fits the content area, with a title that says
// when there is more and how to scroll to it.
func (m *Model) helpOverlay() string {
	w, h := m.contentSize()
	body := m.helpBody(w)
	room := max(h-2, 1) // the title and a blank line
	top := min(max(m.helpTop, 0), max(len(body)-room, 0))
	title := "Keys"
	if len(body) > room {
		end := min(top+room, len(body))
		title += " · lines " + strconv.Itoa(top+1) + "–" + strconv.Itoa(end) + " of " + strconv.Itoa(len(body)) +
			" · " + firstKeyWord(m.keys.HelpDown) + "/" + firstKeyWord(m.keys.HelpUp) + " scroll"
		body = body[top:end]
	}
	st := m.c.Styles
	return st.Title.Render(ansi.Truncate(title, max(w, 1), "…")) + "\n\n" + strings.Join(body, "\n")
}

// scrollHelp moves the overlay by delta lines (clamped when drawn).
func (m *Model) scrollHelp(delta int) {
	m.helpTop = max(m.helpTop+delta, 0)
	if w, h := m.contentSize(); m.helpTop > 0 {
		m.helpTop = min(m.helpTop, max(len(m.helpBody(w))-max(h-2, 1), 0))
	}
}

// helpStep is how far a scroll key moves: a page for pgup, pgdn and space, else a line.
func (m *Model) helpStep(msg tea.KeyMsg) int {
	switch msg.String() {
	case "pgup", "pgdown", " ":
		_, h := m.contentSize()
		return max(h-3, 1)
	}
	return 1
}

// firstKeyWord names a binding's first key as help writes it.
func firstKeyWord(b key.Binding) string {
	if ks := b.Keys(); len(ks) > 0 {
		return common.KeyWord(ks[0])
	}
	return ""
}
