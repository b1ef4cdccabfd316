package attachments

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/ui/common"
)

// Confirm is a yes/no question whose answer defaults to no: only y goes ahead; n, esc, enter
// and any other key cancel.
type Confirm struct {
	why      string
	question string
	onYes    tea.Cmd
	Yes      key.Binding
	No       key.Binding
}

// NewConfirm asks question after explaining why; onYes runs only on an explicit y.
func NewConfirm(why, question string, onYes tea.Cmd) *Confirm {
	return &Confirm{
		why: why, question: question, onYes: onYes,
		Yes: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:  key.NewBinding(key.WithKeys("n", "N", "esc", "enter"), key.WithHelp("n/enter", "no (default)")),
	}
}

// HandleKey answers the question: the command to run (nil when declined) and whether the
// seller said yes.
func (c *Confirm) HandleKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	if key.Matches(msg, c.Yes) {
		return c.onYes, true
	}
	return nil, false
}

// Lines draws the warning and the question.
func (c *Confirm) Lines(cm *common.Common, width int) []string {
	if width < 1 {
		return nil
	}
	var out []string
	for _, l := range strings.Split(ansi.Wordwrap("⚠ "+c.why, width, " "), "\n") {
		out = append(out, cm.Styles.Warning.Render(ansi.Truncate(l, width, "")))
	}
	return append(out, cm.Styles.Title.Render(ansi.Truncate(c.question+" [y/N]", width, "…")))
}

// ShortHelp is the help while the question is asked.
func (c *Confirm) ShortHelp() []key.Binding { return []key.Binding{c.Yes, c.No} }
