package compose

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

// The contact-reason composer's steps after a reason is chosen: which of its templates, and
// the values of the template's variables (a NUMBER must be a whole number). Remaining uses come
// from caps_available, loaded with the guide.
//
// child_options (sub-reasons) are not offered: none of the documented reasons has them.

// capOf is how many more times o may be sent: caps_available when loaded, else the guide's.
func (m *Reasons) capOf(o api.GuideOption) int {
	if n, ok := m.caps[o.ID]; ok {
		return n
	}
	return o.CapAvailable
}

// blocked says why o cannot be chosen, "" when it can.
func (m *Reasons) blocked(o api.GuideOption) string {
	switch {
	case m.capOf(o) <= 0:
		return "you have already used this reason the maximum number of times for this order."
	case !o.Enabled:
		return "Mercado Libre does not offer this reason for this order now."
	}
	return ""
}

// capState is the reason's remaining uses, as the list shows them.
func (m *Reasons) capState(o api.GuideOption) string {
	switch n := m.capOf(o); {
	case n <= 0:
		return "none left"
	case !o.Enabled:
		return "not offered now"
	default:
		return strconv.Itoa(n) + " left"
	}
}

// used counts one use of optionID after Mercado Libre accepted it.
func (m *Reasons) used(optionID string) {
	for _, o := range m.options() {
		if o.ID == optionID {
			if m.caps == nil {
				m.caps = map[string]int{}
			}
			m.caps[o.ID] = max(0, m.capOf(o)-1)
		}
	}
}

// chooseReason goes on from the chosen template reason: to its templates when there are
// several, to the variables of its only template, or straight to sending it.
func (m *Reasons) chooseReason() tea.Cmd {
	o := m.options()[m.cursor]
	m.tcur = 0
	if len(o.Templates) > 1 {
		m.stage = stageTemplates
		return nil
	}
	return m.chooseTemplate()
}

// chooseTemplate opens the variables of the template under the cursor, or sends it.
func (m *Reasons) chooseTemplate() tea.Cmd {
	o := m.options()[m.cursor]
	if len(o.Templates) == 0 {
		return m.send("")
	}
	defs := o.Templates[min(m.tcur, len(o.Templates)-1)].Variables()
	if len(defs) == 0 {
		m.varDefs, m.vars = nil, nil
		return m.send("")
	}
	m.varDefs, m.vars, m.vcur = defs, make([]textinput.Model, len(defs)), 0
	for i, d := range defs {
		in := textinput.New()
		in.Prompt = sanitize.Line(d.ID) + ": "
		if d.Type == "NUMBER" {
			in.Placeholder = "a whole number"
		}
		m.vars[i] = in
	}
	m.stage = stageVars
	return m.vars[0].Focus()
}

// leaveStage goes back to the list of reasons.
func (m *Reasons) leaveStage() {
	m.stage, m.varDefs, m.vars, m.vcur = stageReasons, nil, nil, 0
}

func (m *Reasons) templateKey(msg tea.KeyMsg) tea.Cmd {
	o := m.options()[m.cursor]
	switch {
	case key.Matches(msg, m.keys.Back):
		m.leaveStage()
	case key.Matches(msg, m.keys.Up):
		m.tcur = max(0, m.tcur-1)
	case key.Matches(msg, m.keys.Down):
		m.tcur = min(max(0, len(o.Templates)-1), m.tcur+1)
	case key.Matches(msg, m.keys.Choose):
		return m.chooseTemplate()
	}
	return nil
}

func (m *Reasons) varKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		if len(m.options()[m.cursor].Templates) > 1 {
			m.stage, m.varDefs, m.vars = stageTemplates, nil, nil
		} else {
			m.leaveStage()
		}
		return nil
	case "enter", "ctrl+s":
		return m.send("")
	case "tab", "down":
		return m.focusVar(m.vcur + 1)
	case "shift+tab", "up":
		return m.focusVar(m.vcur - 1)
	}
	var cmd tea.Cmd
	m.vars[m.vcur], cmd = m.vars[m.vcur].Update(msg)
	return cmd
}

func (m *Reasons) focusVar(i int) tea.Cmd {
	if len(m.vars) == 0 {
		return nil
	}
	m.vars[m.vcur].Blur()
	m.vcur = (i + len(m.vars)) % len(m.vars)
	return m.vars[m.vcur].Focus()
}

// filledVars checks the variables typed: every one filled, a NUMBER a whole number. It gives
// what is sent and what the template's text shows, or the problem as a sentence.
func (m *Reasons) filledVars() ([]api.GuideVar, map[string]string, string) {
	if len(m.varDefs) == 0 {
		return nil, nil, ""
	}
	vars := make([]api.GuideVar, 0, len(m.varDefs))
	shown := map[string]string{}
	for i, d := range m.varDefs {
		v := strings.TrimSpace(m.vars[i].Value())
		name := sanitize.Line(d.ID)
		if v == "" {
			return nil, nil, "fill " + name + " first."
		}
		if d.Type == "NUMBER" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, nil, name + " must be a whole number (like 12), not “" + sanitize.Line(v) + "”."
			}
			vars = append(vars, api.GuideVar{ID: d.ID, Value: n})
			shown[d.ID] = strconv.Itoa(n)
			continue
		}
		vars = append(vars, api.GuideVar{ID: d.ID, Value: v})
		shown[d.ID] = v
	}
	return vars, shown, ""
}

// fillTemplate replaces the template's {ID}s by the values typed.
func fillTemplate(text string, vars map[string]string) string {
	for id, v := range vars {
		text = strings.ReplaceAll(text, "{"+id+"}", v)
	}
	return text
}

// templateLines show the chosen reason's templates (with the cursor while choosing one) and
// the variables' fields while they are filled.
func (m *Reasons) templateLines(o api.GuideOption) []string {
	st := m.c.Styles
	var lines []string
	for i, t := range o.Templates {
		if m.stage == stageReasons && i > 0 {
			break
		}
		text := sanitize.Line(t.Text)
		if text == "" {
			text = sanitize.Line(t.ID)
		}
		gutter, style := "    ", st.Faint
		if m.stage != stageReasons && i == m.tcur {
			gutter, style = "  ▸ ", st.Selected
		}
		lines = append(lines, common.Truncate(gutter+style.Render(text), m.width))
	}
	if m.stage == stageTemplates {
		lines = append(lines, common.Truncate("    "+st.Faint.Render("↑/↓ choose a template · enter use it · esc back"), m.width))
	}
	if m.stage == stageVars {
		for _, in := range m.vars {
			lines = append(lines, "    "+in.View())
		}
		lines = append(lines, common.Truncate("    "+st.Faint.Render("tab next field · enter send · esc back"), m.width))
	}
	return lines
}
