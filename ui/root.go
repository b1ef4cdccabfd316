// Package ui is the inbox's root model: it owns navigation between the pack list, a conversation
// and compose, the header, the status bar (one spinner for every API call in flight, the last
// error as a sentence), the help overlay and the refresh interval.
package ui

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/packlist"
	"github.com/postsale/postsale/ui/sanitize"
)

const (
	// DefaultRefreshInterval is how often unread counts and the open conversation are polled.
	DefaultRefreshInterval = 60 * time.Second
	// MinRefreshInterval keeps polling far below the 500 GETs/minute shared by all the seller's apps.
	MinRefreshInterval = 10 * time.Second
	rootOwner          = "root"
)

// Options tune the root model.
type Options struct {
	// RefreshInterval is the polling period; zero means DefaultRefreshInterval and anything
	// shorter than MinRefreshInterval is raised to it.
	RefreshInterval time.Duration
	// OfflineRetry is the first quick retry after the network or the rate limit failed a request
	// (zero: DefaultOfflineRetry); it doubles up to RefreshInterval (connection.go).
	OfflineRetry time.Duration
}

type view int

const (
	viewList view = iota
	viewConversation
	viewCompose
)

// conversationView is what the root needs from a conversation (ui/conversation implements it).
type conversationView interface {
	common.Component
	common.Statuser
	PackID() string
	Blocked() (bool, string)
}

// composeView is what the root needs from compose (ui/compose implements it).
type composeView interface {
	common.Component
	common.Typer
	Focus() tea.Cmd
	Empty() bool
}

// refreshTickMsg is the interval timer; gen drops ticks from timers replaced by `R`.
type refreshTickMsg struct{ gen int }

// meLoadedMsg carries the logged-in account.
type meLoadedMsg struct{ user *api.User }

// Model is the root of the inbox.
type Model struct {
	c        *common.Common
	interval time.Duration
	keys     keyMap
	help     help.Model
	spinner  spinner.Model

	list     *packlist.Model
	conv     conversationView
	composes map[string]composeView
	active   view
	showHelp bool

	tasks []common.Task // in flight, oldest first
	// early holds tasks whose end arrived before their start (RunTask's two commands race).
	early   map[int64]bool
	errText string // last error sentence, until the next key
	info    string // last notice, until the next key
	tickGen int
	width   int
	height  int
	// conn is the network's state from the last answers; retries come quicker while it is bad.
	conn         connState
	offlineRetry time.Duration
	retryDelay   time.Duration
	retryGen     int
}

// New builds the root model for one program (one terminal, one SSH session).
func New(c *common.Common, opts Options) *Model {
	interval := opts.RefreshInterval
	if interval <= 0 {
		interval = DefaultRefreshInterval
	}
	interval = max(interval, MinRefreshInterval)
	offlineRetry := opts.OfflineRetry
	if offlineRetry <= 0 {
		offlineRetry = DefaultOfflineRetry
	}
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.Styles.Subtle))
	h := help.New()
	h.Styles.ShortKey = c.Styles.Subtle.Bold(true)
	h.Styles.ShortDesc = c.Styles.Subtle
	h.Styles.ShortSeparator = c.Styles.Faint
	h.Styles.FullKey = c.Styles.Title
	h.Styles.FullDesc = c.Styles.Subtle
	h.Styles.FullSeparator = c.Styles.Faint
	h.Styles.Ellipsis = c.Styles.Faint
	return &Model{
		c:            c,
		interval:     interval,
		offlineRetry: offlineRetry,
		keys:         newKeyMap(),
		help:         h,
		spinner:      sp,
		list:         packlist.New(c),
		composes:     map[string]composeView{},
		early:        map[int64]bool{},
	}
}

// RefreshInterval is the effective polling period.
func (m *Model) RefreshInterval() time.Duration { return m.interval }

// Init reads the account when it is not known yet, then the list loads; the poll timer starts.
func (m *Model) Init() tea.Cmd {
	var first tea.Cmd
	if m.c.Seller == "" {
		first = m.loadMe()
	} else {
		first = m.list.Init()
	}
	return tea.Batch(first, m.scheduleRefresh())
}

func (m *Model) loadMe() tea.Cmd {
	client := m.c.Client
	return common.RunTask(m.c.Ctx, m.c.NewTask(rootOwner, "Reading your account"), func(ctx context.Context) (tea.Msg, error) {
		u, err := client.Me(ctx)
		return meLoadedMsg{user: u}, err
	})
}

func (m *Model) scheduleRefresh() tea.Cmd {
	m.tickGen++
	gen := m.tickGen
	return tea.Tick(m.interval, func(time.Time) tea.Msg { return refreshTickMsg{gen: gen} })
}

// Update routes: a focused text field gets keys first, then global keys, then the active view.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.c.Width, m.c.Height = msg.Width, msg.Height
		m.resize()
		// Rows a larger window shows need their headers, which the list asks for in Update.
		_, cmd := m.list.Update(msg)
		return m, cmd
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case common.TaskStartedMsg:
		if m.early[msg.Task.ID] {
			delete(m.early, msg.Task.ID)
			return m, nil
		}
		m.tasks = append(m.tasks, msg.Task)
		if len(m.tasks) == 1 {
			return m, m.spinner.Tick
		}
		return m, nil
	case common.TaskFinishedMsg:
		return m, m.taskFinished(msg)
	case spinner.TickMsg:
		if len(m.tasks) == 0 {
			return m, nil // let the spinner stop until the next task
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case refreshTickMsg:
		if msg.gen != m.tickGen {
			return m, nil
		}
		return m, tea.Batch(m.refresh(false), m.scheduleRefresh())
	case retryTickMsg:
		return m, m.retry(msg)
	case common.RefreshMsg:
		return m, m.refresh(msg.Manual)
	case common.OpenPackMsg:
		return m, m.openPack(msg)
	case common.BackMsg:
		return m, m.back()
	case common.ComposeMsg:
		return m, m.openCompose(msg)
	case common.SendStartedMsg:
		return m, m.forwardPack(msg.PackID, msg)
	case common.SendDoneMsg:
		return m, m.sendDone(msg)
	case common.StatusMsg:
		m.errText, m.info = "", ""
		switch {
		case msg.Err != nil && msg.Text != "":
			m.errText = sanitize.Line(msg.Text)
		case msg.Err != nil:
			m.errText = sanitize.Line(api.Explain(msg.Err))
		default:
			m.info = sanitize.Line(msg.Text)
		}
		return m, nil
	}
	return m, m.updateActive(msg)
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, m.keys.ForceQuit) {
		return m.quit()
	}
	// Keys that arrive in one read ("jjj" from tmux or a fast typist) are still separate keys; a
	// text field would otherwise take the chunk "right" for the → key.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		cmds := make([]tea.Cmd, 0, len(msg.Runes))
		for _, r := range msg.Runes {
			cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		}
		return tea.Batch(cmds...)
	}
	// Any key is the "next action": the last error or notice has been seen.
	m.errText, m.info = "", ""
	if m.showHelp {
		switch {
		case key.Matches(msg, m.keys.CloseHelp):
			m.showHelp = false
		case key.Matches(msg, m.keys.Quit):
			return m.quit()
		}
		return nil
	}
	if t, ok := m.activeComponent().(common.Typer); ok && t.Typing() {
		return m.updateActive(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.quit()
	case key.Matches(msg, m.keys.Help):
		m.showHelp = true
		return nil
	case key.Matches(msg, m.keys.Refresh):
		// A manual refresh restarts the interval so the next poll is a full period away.
		return tea.Batch(m.refresh(true), m.scheduleRefresh())
	}
	return m.updateActive(msg)
}

func (m *Model) activeComponent() common.Component {
	switch m.active {
	case viewConversation:
		if m.conv != nil {
			return m.conv
		}
	case viewCompose:
		if m.conv != nil {
			if cm := m.composes[m.conv.PackID()]; cm != nil {
				return cm
			}
		}
	}
	return m.list
}

func (m *Model) updateActive(msg tea.Msg) tea.Cmd {
	_, cmd := m.activeComponent().Update(msg)
	return cmd
}

// taskFinished ends a task, shows its error and hands the whole message to its owner.
func (m *Model) taskFinished(msg common.TaskFinishedMsg) tea.Cmd {
	started := false
	for i, t := range m.tasks {
		if t.ID == msg.Task.ID {
			m.tasks = append(m.tasks[:i], m.tasks[i+1:]...)
			started = true
			break
		}
	}
	if !started {
		m.early[msg.Task.ID] = true
	}
	if msg.Err != nil {
		m.errText, m.info = sanitize.Line(api.Explain(msg.Err)), ""
	}
	m.logTask(msg)
	return tea.Batch(m.noteConnection(msg.Err), m.routeFinished(msg))
}

func (m *Model) routeFinished(msg common.TaskFinishedMsg) tea.Cmd {
	owner := msg.Task.Owner
	switch {
	case owner == rootOwner:
		return m.meLoaded(msg)
	case owner == packlist.Owner:
		_, cmd := m.list.Update(msg)
		return cmd
	case strings.HasPrefix(owner, "conversation:"):
		if m.conv != nil && owner == "conversation:"+m.conv.PackID() {
			_, cmd := m.conv.Update(msg)
			return cmd
		}
	case strings.HasPrefix(owner, "compose:"):
		if cm := m.composes[strings.TrimPrefix(owner, "compose:")]; cm != nil {
			_, cmd := cm.Update(msg)
			return cmd
		}
	}
	return nil // the owner is gone (a conversation closed mid-load)
}

func (m *Model) meLoaded(msg common.TaskFinishedMsg) tea.Cmd {
	res, _ := msg.Msg.(meLoadedMsg)
	if msg.Err != nil || res.user == nil || res.user.ID == "" {
		sentence := "Mercado Libre did not say who you are."
		if msg.Err != nil {
			sentence = api.Explain(msg.Err)
		}
		m.list.Fail(sentence)
		return nil
	}
	u := res.user
	m.c.Seller = string(u.ID)
	if m.c.Site == "" && u.SiteID != api.GlobalSellingSite { // CBT is no site for attachments
		m.c.Site = sanitize.Line(u.SiteID)
	}
	if m.c.Account == "" {
		m.c.Account = sanitize.Line(u.Nickname)
	}
	return m.list.Load()
}

// refresh polls the list's unread counts and the open conversation (and its compose).
func (m *Model) refresh(manual bool) tea.Cmd {
	if m.c.Seller == "" {
		if manual {
			return m.loadMe()
		}
		return nil
	}
	msg := common.RefreshMsg{Manual: manual}
	_, cmd := m.list.Update(msg)
	cmds := []tea.Cmd{cmd}
	// A conversation kept for a quick return is not polled while the list is shown.
	if m.conv != nil && m.active != viewList {
		cmds = append(cmds, m.forwardPack(m.conv.PackID(), msg))
	}
	return tea.Batch(cmds...)
}

// forwardPack hands msg to the conversation of packID (if open) and that pack's compose.
func (m *Model) forwardPack(packID string, msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	if m.conv != nil && m.conv.PackID() == packID {
		_, cmd := m.conv.Update(msg)
		cmds = append(cmds, cmd)
	}
	if cm := m.composes[packID]; cm != nil {
		_, cmd := cm.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

func (m *Model) openPack(msg common.OpenPackMsg) tea.Cmd {
	if msg.PackID == "" {
		return nil
	}
	m.showHelp = false
	m.active = viewConversation
	if m.conv != nil && m.conv.PackID() == msg.PackID {
		// Still loaded: come back to where the seller was, with what arrived meanwhile.
		_, cmd := m.conv.Update(common.RefreshMsg{})
		return cmd
	}
	site := msg.Site
	if site == "" {
		site = m.c.Site
	}
	m.conv = newConversation(m.c, msg.PackID, site)
	m.resize()
	return m.conv.Init()
}

func (m *Model) back() tea.Cmd {
	switch m.active {
	case viewCompose:
		m.active = viewConversation
	case viewConversation:
		m.active = viewList
	}
	return nil
}

func (m *Model) openCompose(msg common.ComposeMsg) tea.Cmd {
	if m.conv == nil || m.conv.PackID() != msg.PackID {
		return nil
	}
	if blocked, reason := m.conv.Blocked(); blocked {
		// A domestic seller writing first picks a contact reason (ui/compose/reasons.go).
		if cr, ok := m.conv.(interface{ NeedsContactReason() bool }); ok && cr.NeedsContactReason() && m.composes[msg.PackID] == nil {
			cm := newReasons(m.c, msg.PackID)
			m.composes[msg.PackID] = cm
			m.active = viewCompose
			m.resize()
			return tea.Batch(cm.Init(), cm.Focus())
		}
		m.errText = "You cannot reply here: " + sanitize.Line(reason)
		return nil
	}
	site := msg.Site
	if site == "" {
		site = m.c.Site
	}
	var cmds []tea.Cmd
	cm := m.composes[msg.PackID]
	if cm == nil {
		cm = newCompose(m.c, msg.PackID, site)
		m.composes[msg.PackID] = cm
		cmds = append(cmds, cm.Init())
	}
	// The thread's own limit (seller_max_message_length) drives the composer's counter.
	if lim, ok := m.conv.(interface{ TextLimit() int }); ok {
		if set, ok := cm.(interface{ SetTextLimit(int) }); ok {
			set.SetTextLimit(lim.TextLimit())
		}
	}
	m.active = viewCompose
	m.resize()
	cmds = append(cmds, cm.Focus())
	if t, ok := cm.(interface{ OpenTemplates() tea.Cmd }); ok && msg.Template {
		cmds = append(cmds, t.OpenTemplates())
	}
	return tea.Batch(cmds...)
}

// sendDone updates the views; success drops the draft and returns to the conversation.
func (m *Model) sendDone(msg common.SendDoneMsg) tea.Cmd {
	cmds := []tea.Cmd{m.forwardPack(msg.PackID, msg)}
	_, cmd := m.list.Update(msg)
	cmds = append(cmds, cmd)
	if msg.Err != nil {
		m.errText, m.info = sanitize.Line(api.Explain(msg.Err)), ""
		return tea.Batch(cmds...)
	}
	// Text typed while the send was in flight stays as the next draft.
	if cm := m.composes[msg.PackID]; cm == nil || cm.Empty() {
		delete(m.composes, msg.PackID)
	}
	if m.active == viewCompose && m.conv != nil && m.conv.PackID() == msg.PackID {
		m.active = viewConversation
	}
	m.errText, m.info = "", "Message sent."
	return tea.Batch(cmds...)
}
