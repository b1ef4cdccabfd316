package compose

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	tpl "github.com/postsale/postsale/config/templates"
	"github.com/postsale/postsale/ui/common"
	uitemplates "github.com/postsale/postsale/ui/templates"
)

// Reply templates in compose: ctrl+t opens the picker over the fields; enter inserts the
// expanded message at the message's cursor and the translation at the translation's, and the
// seller goes on editing. A {{variable}} left in either text blocks the send (validate).

// OpenTemplates shows the template picker (ctrl+t, or `T` from the pack list via the root).
func (m *Model) OpenTemplates() tea.Cmd {
	if m.tpicker != nil {
		return nil
	}
	m.Blur()
	m.files.Blur()
	m.tpicker = uitemplates.New(m.c, m.owner(), m.packID, m.site)
	m.tpicker.SetSize(max(1, m.width), max(1, m.height-1))
	return m.tpicker.Init()
}

// PickingTemplate reports whether the template picker is open.
func (m *Model) PickingTemplate() bool { return m.tpicker != nil }

// updateTemplates handles the picker's messages; ok is false for messages compose handles.
func (m *Model) updateTemplates(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case uitemplates.ChosenMsg:
		if msg.PackID != m.packID {
			return nil, true
		}
		return m.insertTemplate(msg), true
	case uitemplates.CancelledMsg:
		m.tpicker = nil
		return m.Focus(), true
	case common.TaskFinishedMsg:
		if _, ok := msg.Msg.(uitemplates.LoadedMsg); !ok || msg.Task.Owner != m.owner() {
			return nil, false
		}
		if m.tpicker != nil {
			_, cmd := m.tpicker.Update(msg)
			return cmd, true
		}
		return nil, true // the picker was closed before its templates arrived
	case tea.KeyMsg:
		if m.tpicker != nil {
			_, cmd := m.tpicker.Update(msg)
			return cmd, true
		}
	default:
		if m.tpicker != nil {
			_, cmd := m.tpicker.Update(msg) // its cursor's blink
			return cmd, false
		}
	}
	return nil, false
}

// insertTemplate puts a chosen template's texts at the fields' cursors.
func (m *Model) insertTemplate(c uitemplates.ChosenMsg) tea.Cmd {
	m.tpicker = nil
	m.text.InsertString(c.Text)
	if c.Translation != "" {
		m.translated.InsertString(c.Translation)
	}
	m.field = FieldText
	m.err, m.refused = "", nil
	text := "Inserted template " + c.Name + "."
	if len(c.Missing) > 0 {
		text = "Inserted template " + c.Name + ": replace {{" + strings.Join(c.Missing, "}}, {{") + "}} before sending."
	}
	return tea.Batch(m.Focus(), m.saveIfChanged(), func() tea.Msg { return common.StatusMsg{Text: text} })
}

// validate is the send boundary's check: the API's limits, then no {{variable}} left.
func validate(req api.SendRequest) error {
	if err := api.ValidateSend(req); err != nil {
		return err
	}
	if err := tpl.CheckPlaceholders("text", req.Text); err != nil {
		return err
	}
	return tpl.CheckPlaceholders("text_translated", req.TextTranslated)
}

// placeholderProblems are the Problems lines for template variables left in the draft.
func (m *Model) placeholderProblems(d api.SendRequest) []string {
	var out []string
	for _, f := range []struct{ field, value string }{{"text", d.Text}, {"text_translated", d.TextTranslated}} {
		if err := tpl.CheckPlaceholders(f.field, f.value); err != nil {
			out = append(out, m.c.Styles.Error.Render(api.Explain(err)))
		}
	}
	return out
}
