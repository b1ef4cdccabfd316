package attachments

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
)

// CopyChoice is one thing y can copy: the key that picks it, what it is and its text.
type CopyChoice struct {
	Key   string // "p", "b", "m"
	What  string // "pack id", "buyer's name", "message"
	Text  string // what lands on the clipboard (already sanitised)
	Shown string // a one-line preview for the menu
}

// CopyMenu is y's small menu: y then p copies the pack id, b the buyer's name, m the message;
// any other key closes it.
type CopyMenu struct {
	choices []CopyChoice
	Cancel  key.Binding
}

// NewCopyMenu offers choices that have text.
func NewCopyMenu(choices ...CopyChoice) *CopyMenu {
	m := &CopyMenu{Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close"))}
	for _, c := range choices {
		if c.Text != "" {
			m.choices = append(m.choices, c)
		}
	}
	return m
}

// Empty reports whether there is nothing to copy.
func (m *CopyMenu) Empty() bool { return len(m.choices) == 0 }

// HandleKey returns the choice picked by msg; any key closes the menu.
func (m *CopyMenu) HandleKey(msg tea.KeyMsg) (CopyChoice, bool) {
	for _, c := range m.choices {
		if msg.String() == c.Key {
			return c, true
		}
	}
	return CopyChoice{}, false
}

// Lines draws the menu: a title and one line per choice with its preview.
func (m *CopyMenu) Lines(c *common.Common, width int) []string {
	if width < 1 {
		return nil
	}
	out := []string{c.Styles.Title.Render(ansi.Truncate("Copy to the clipboard (OSC 52):", width, "…"))}
	for _, ch := range m.choices {
		line := "  " + ch.Key + "  " + ch.What + ": " + ch.Shown
		out = append(out, ansi.Truncate(line, width, "…"))
	}
	return out
}

// ShortHelp is the help while the menu is open.
func (m *CopyMenu) ShortHelp() []key.Binding {
	var out []key.Binding
	for _, c := range m.choices {
		out = append(out, key.NewBinding(key.WithKeys(c.Key), key.WithHelp(c.Key, c.What)))
	}
	return append(out, m.Cancel)
}

// CopyText copies a choice through the session's terminal (OSC 52, wrapped for tmux and
// screen: it reaches the seller's own clipboard over SSH too) and says what it did.
func CopyText(o *open.Opener, c CopyChoice) tea.Cmd {
	return func() tea.Msg {
		if o == nil {
			return common.StatusMsg{Text: "Nothing copied: this inbox has no terminal to copy through."}
		}
		if err := o.Copy(c.Text); err != nil {
			return common.StatusMsg{Text: "Nothing copied: " + sanitize.Line(err.Error()) + ".", Err: err}
		}
		return common.StatusMsg{Text: "Copied the " + c.What + " (" + preview(c.Text, 40) + ") to the clipboard."}
	}
}

// Preview is text on one line, cut to width cells: a menu or status line shows it.
func Preview(text string, width int) string { return preview(text, width) }

func preview(text string, width int) string {
	return ansi.Truncate(strings.Join(strings.Fields(sanitize.Line(text)), " "), width, "…")
}
