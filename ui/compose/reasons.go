package compose

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

// Reasons is the composer of a conversation a domestic seller may only open with a contact
// reason (blocked_by_conversation_started_by_seller): it lists the reasons of the pack's action
// guide with their templates, character limits and remaining uses, and sends the chosen one
// (a template, or the seller's own text for a free-text reason such as OTHER).
type Reasons struct {
	c       *common.Common
	packID  string
	keys    reasonKeys
	width   int
	height  int
	guide   *api.ActionGuide
	loading bool
	cursor  int
	editing bool // the free-text field has the keyboard
	text    textarea.Model
	sending bool
	err     string
	sent    int

	caps    map[string]int // caps_available per option id; nil when not loaded (the guide's cap_available counts)
	stage   reasonStage    // choosing a reason, a template of it, or filling its variables
	tcur    int            // the template under the cursor while choosing one
	varDefs []api.TemplateVar
	vars    []textinput.Model
	vcur    int
}

// reasonStage is where the seller is in choosing a reason.
type reasonStage int

const (
	stageReasons   reasonStage = iota // the list of reasons
	stageTemplates                    // the templates of the chosen reason
	stageVars                         // the variables of the chosen template
)

type reasonKeys struct {
	Up, Down, Choose, Send, Back key.Binding
}

// guideLoadedMsg carries the pack's action guide.
type guideLoadedMsg struct {
	guide *api.ActionGuide
	caps  []api.OptionCap // nil when caps_available could not be read
}

// capsReader is the optional caps_available of the session's data.
type capsReader interface {
	CapsAvailable(ctx context.Context, packID string) ([]api.OptionCap, error)
}

// optionSentMsg is the answer to a contact reason.
type optionSentMsg struct {
	localID  string
	optionID string
	req      api.SendRequest
	msg      *api.Message
}

// NewReasons is the contact-reason composer of packID.
func NewReasons(c *common.Common, packID string) *Reasons {
	ta := textarea.New()
	ta.Placeholder = "Your message to the buyer…"
	ta.ShowLineNumbers = false
	ta.CharLimit = 0
	ta.Prompt = "│ "
	return &Reasons{
		c: c, packID: packID, text: ta,
		keys: reasonKeys{
			Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
			Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
			Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send reason / write text")),
			Send:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "send text")),
			Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		},
	}
}

func (m *Reasons) owner() common.Owner { return common.ComposeOwner(m.packID) }

// errNoContactReasons is said when the session's data cannot speak action_guide.
var errNoContactReasons = errors.New("contact reasons are not available in this session")

// contact is the session's action_guide, nil when its data does not offer it.
func (m *Reasons) contact() common.ContactReasons {
	cr, _ := m.c.Client.(common.ContactReasons)
	return cr
}

// Init loads the action guide.
func (m *Reasons) Init() tea.Cmd {
	m.loading = true
	client, packID := m.contact(), m.packID
	return common.RunTask(m.c.Ctx, m.c.NewTask(m.owner(), "Loading contact reasons of pack "+packID),
		func(ctx context.Context) (tea.Msg, error) {
			if client == nil {
				return guideLoadedMsg{}, errNoContactReasons
			}
			g, err := client.ActionGuide(ctx, packID)
			if err != nil {
				return guideLoadedMsg{}, err
			}
			res := guideLoadedMsg{guide: g}
			if cr, ok := client.(capsReader); ok {
				// Best effort: without it the guide's own cap_available is shown.
				if caps, err := cr.CapsAvailable(ctx, packID); err == nil {
					res.caps = caps
				}
			}
			return res, nil
		})
}

// Focus gives the keyboard to the free-text field while it is open.
func (m *Reasons) Focus() tea.Cmd {
	if m.stage == stageVars && m.vcur < len(m.vars) {
		return m.vars[m.vcur].Focus()
	}
	if m.editing {
		return m.text.Focus()
	}
	return nil
}

// Typing reports whether keys go to the text field.
func (m *Reasons) Typing() bool { return m.editing || m.stage == stageVars }

// Empty reports whether no text is typed.
func (m *Reasons) Empty() bool { return strings.TrimSpace(m.text.Value()) == "" }

// SetSize lays the list out.
func (m *Reasons) SetSize(width, height int) {
	m.width, m.height = width, height
	m.text.SetWidth(max(1, width))
	m.text.SetHeight(max(1, min(6, height/3)))
}

// ShortHelp is the footer's keys.
func (m *Reasons) ShortHelp() []key.Binding {
	if m.editing {
		return []key.Binding{m.keys.Send, m.keys.Back}
	}
	return []key.Binding{m.keys.Up, m.keys.Down, m.keys.Choose, m.keys.Back}
}

// FullHelp is the help overlay's keys.
func (m *Reasons) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *Reasons) options() []api.GuideOption {
	if m.guide == nil {
		return nil
	}
	return m.guide.Options
}

// Update moves through the reasons, opens the text field, sends, and learns the results.
func (m *Reasons) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.TaskFinishedMsg:
		if msg.Task.Owner != m.owner() {
			return m, nil
		}
		switch res := msg.Msg.(type) {
		case guideLoadedMsg:
			m.loading = false
			if msg.Err != nil {
				m.err = sanitize.Line(api.Explain(msg.Err))
				return m, nil
			}
			m.guide, m.err = res.guide, ""
			if res.caps != nil {
				m.caps = map[string]int{}
				for _, c := range res.caps {
					m.caps[c.OptionID] = c.CapAvailable
				}
			}
		case optionSentMsg:
			m.sending = false
			done := common.SendDoneMsg{PackID: m.packID, LocalID: res.localID, Request: res.req, Message: res.msg, Err: msg.Err}
			if msg.Err != nil {
				m.err = "Not sent: " + sanitize.Line(api.Explain(msg.Err))
			} else {
				m.err, m.editing = "", false
				m.text.Reset()
				m.text.Blur()
				m.used(res.optionID)
				m.leaveStage()
			}
			return m, func() tea.Msg { return done }
		}
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	}
	if m.editing {
		var cmd tea.Cmd
		m.text, cmd = m.text.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Reasons) handleKey(msg tea.KeyMsg) tea.Cmd {
	switch m.stage {
	case stageTemplates:
		return m.templateKey(msg)
	case stageVars:
		return m.varKey(msg)
	}
	if m.editing {
		switch {
		case key.Matches(msg, m.keys.Back):
			m.editing = false
			m.text.Blur()
			return nil
		case key.Matches(msg, m.keys.Send):
			return m.send(strings.TrimSpace(m.text.Value()))
		}
		var cmd tea.Cmd
		m.text, cmd = m.text.Update(msg)
		return cmd
	}
	opts := m.options()
	switch {
	case key.Matches(msg, m.keys.Back):
		return func() tea.Msg { return common.BackMsg{} }
	case key.Matches(msg, m.keys.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, m.keys.Down):
		m.cursor = min(max(0, len(opts)-1), m.cursor+1)
	case key.Matches(msg, m.keys.Choose):
		if m.cursor >= len(opts) {
			return nil
		}
		if why := m.blocked(opts[m.cursor]); why != "" {
			m.err = "Cannot choose this reason: " + why
			return nil
		}
		m.err = ""
		if opts[m.cursor].Type == "free_text" {
			m.editing = true
			return m.text.Focus()
		}
		return m.chooseReason()
	}
	return nil
}

// send posts the chosen reason: its first template, or text for a free-text reason.
func (m *Reasons) send(text string) tea.Cmd {
	opts := m.options()
	if m.sending || m.cursor >= len(opts) {
		return nil
	}
	opt := opts[m.cursor]
	if why := m.blocked(opt); why != "" {
		m.err = "Not sent: " + why
		return nil
	}
	req := api.OptionRequest{OptionID: opt.ID}
	shown := api.SendRequest{Text: text}
	switch {
	case opt.Type == "free_text":
		if text == "" {
			m.err = "Not sent: write your message first."
			return nil
		}
		if limit := opt.CharLimit; limit > 0 && api.TextLength(text) > limit {
			m.err = fmt.Sprintf("Not sent: this reason allows %d characters; remove %d.", limit, api.TextLength(text)-limit)
			return nil
		}
		req.Text = text
	case len(opt.Templates) > 0:
		tpl := opt.Templates[min(m.tcur, len(opt.Templates)-1)]
		vars, filled, problem := m.filledVars()
		if problem != "" {
			m.err = "Not sent: " + problem
			return nil
		}
		req.TemplateID, req.Vars = tpl.ID, vars
		shown.Text = fillTemplate(tpl.Text, filled)
	default:
		m.err = "Not sent: this reason has no template to send."
		return nil
	}
	m.sending, m.err = true, ""
	m.sent++
	localID := m.packID + "-reason-" + strconv.Itoa(m.sent)
	packID, client, now := m.packID, m.contact(), m.c.Now()
	started := func() tea.Msg {
		return common.SendStartedMsg{PackID: packID, LocalID: localID, Request: shown, At: now}
	}
	task := common.RunTask(m.c.Ctx, m.c.NewTask(m.owner(), "Sending contact reason to pack "+packID),
		func(ctx context.Context) (tea.Msg, error) {
			if client == nil {
				return optionSentMsg{localID: localID, optionID: req.OptionID, req: shown}, errNoContactReasons
			}
			msg, err := client.SendOption(ctx, packID, req)
			return optionSentMsg{localID: localID, optionID: req.OptionID, req: shown, msg: msg}, err
		})
	return tea.Sequence(started, task)
}

// View lists the reasons (every API string sanitised), the text field while it is open, and
// the last error.
func (m *Reasons) View() string {
	st := m.c.Styles
	lines := []string{st.Title.Render("Write first to the buyer of pack " + sanitize.Line(m.packID) + " with a contact reason")}
	switch {
	case m.loading:
		lines = append(lines, st.Faint.Render("loading the reasons…"))
	case m.guide != nil && len(m.guide.Options) == 0:
		lines = append(lines, st.Faint.Render("Mercado Libre offers no contact reason for this order."))
	}
	for i, o := range m.options() {
		state := m.capState(o)
		line := sanitize.Line(o.InternalDescription)
		if line == "" {
			line = sanitize.Line(o.ID)
		}
		line += " · " + state
		if o.Type == "free_text" && o.CharLimit > 0 {
			line += " · your text, up to " + strconv.Itoa(o.CharLimit) + " characters"
		}
		if n := len(o.Templates); n > 1 {
			line += " · " + strconv.Itoa(n) + " templates"
		}
		gutter, style := "  ", st.Subtle
		if m.blocked(o) != "" {
			style = st.Faint
		}
		if i == m.cursor {
			gutter, style = "▸ ", st.Selected
		}
		lines = append(lines, common.Truncate(gutter+style.Render(line), m.width))
		if i != m.cursor {
			continue
		}
		if why := m.blocked(o); why != "" {
			lines = append(lines, common.Truncate("    "+st.Faint.Render(why), m.width))
			continue
		}
		lines = append(lines, m.templateLines(o)...)
	}
	if m.editing {
		lines = append(lines, "", m.text.View())
	}
	if m.sending {
		lines = append(lines, st.Faint.Render("sending…"))
	}
	if m.err != "" {
		lines = append(lines, st.Error.Render(common.Truncate(m.err, m.width)))
	}
	return strings.Join(lines, "\n")
}
