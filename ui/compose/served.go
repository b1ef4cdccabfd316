package compose

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

// In a served (SSH) inbox compose runs on the server: the file picker would browse the server's
// disk (its host key, the account's tokens) and the editor would start a program there. Both
// keys are disabled, so help and the hint line leave them out, and pressing one says why.

// servedLimits disables what a served session may not do; New calls it after the [keys]
// remapping, so remapped keys are disabled too.
func (m *Model) servedLimits() {
	if !m.c.Served {
		return
	}
	m.keys.Attach.SetEnabled(false)
	m.keys.Editor.SetEnabled(false)
}

// pressed reports whether msg is one of b's keys, enabled or not.
func pressed(msg tea.KeyMsg, b key.Binding) bool {
	return slices.Contains(b.Keys(), msg.String())
}

// servedAttach follows the key's name: why a served inbox attaches nothing.
const servedAttach = " is not available in a served inbox: the file picker would show the server's files, not your computer's."

// refuseAttach says why a served inbox does not attach files (k is the key pressed).
func refuseAttach(k string) tea.Cmd {
	text := sanitize.Line(common.KeyWord(k)) + servedAttach
	return func() tea.Msg { return common.StatusMsg{Text: text} }
}

// hint is the line under the fields while nothing else needs saying: the enabled keys only.
func (m *Model) hint() string {
	parts := make([]string, 0, 4)
	for _, h := range []struct {
		b    key.Binding
		says string
	}{
		{m.keys.Send, "sends"},
		{m.keys.Template, "template"},
		{m.keys.Editor, "editor"},
		{m.keys.Back, "goes back and keeps the draft"},
	} {
		if h.b.Enabled() {
			parts = append(parts, h.b.Help().Key+" "+h.says)
		}
	}
	return strings.Join(parts, " · ")
}
