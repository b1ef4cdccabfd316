// Package ui is the inbox's root model: it owns navigation between the pack list, a conversation
// and compose, the header, the status bar (one spinner for every API call in flight, the last
// error as a sentence), the help overlay and the refresh interval.
package ui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/packlist"
)

const (
	// DefaultRefreshInterval is how often unread counts and the open conversation are polled.
	DefaultRefreshInterval = 60 * time.Second
	// MinRefreshInterval keeps polling far below the 500 GETs/minute shared by all the seller's apps.
	MinRefreshInterval = 10 * time.Second
)

// Options tune the root model.
type Options struct {
	// RefreshInterval is the polling period; zero means DefaultRefreshInterval and anything
	// shorter than MinRefreshInterval is raised to it.
	RefreshInterval time.Duration
	// OfflineRetry is the first quick retry after the network or the rate limit failed a request
	// (zero: DefaultOfflineRetry); it doubles up to RefreshInterval (connection.go).
	OfflineRetry time.Duration
	// First is the store's first screen saved at the last exit (Store.SavedFirstScreen): the
	// list starts on it instead of reading the store, which may still be opening.
	First *store.FirstScreen
}

// StoreNoticeMsg is the start's sentence when it comes after the first frame: a session started
// on its saved first screen (Options.First) while its store opened, and the opening set a
// damaged store aside or failed. It replaces the session's start notice.
type StoreNoticeMsg struct{ Notice, OfflineNotice string }

// Height is the terminal's height as the session last knew it (0: not known yet).
func (m *Model) Height() int { return m.height }

type view int

const (
	viewList view = iota
	viewConversation
	viewCompose
	viewSearch // the search over the stored history (searchview.go)
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

// accountReader is what the root reads itself: who is logged in.
type accountReader interface {
	Me(ctx context.Context) (*api.User, error)
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
	started  bool // the work after the first frame has begun (Init)

	list     *packlist.Model
	conv     conversationView
	composes map[string]composeView
	search   *searchView // kept while the session lasts; opened from the list it starts a fresh query
	backTo   view        // where back from the conversation goes (the list, or the search it came from)
	notify   notifier    // the bell for new buyer messages (notify.go)
	active   view
	showHelp bool
	helpTop  int // the first line of the help overlay shown (helpview.go)

	spinning bool // a spinner tick is scheduled (tasks are in m.c.Tasks)
	frame    frameCache
	errText  string // last error sentence, until the next key
	info     string // last notice, until the next key
	tickGen  int
	width    int
	height   int
	// conn is the network's state from the last answers; retries come quicker while it is bad.
	conn         connState
	offlineRetry time.Duration
	retryDelay   time.Duration
	retryGen     int
	// lastAnswer is when Mercado Libre last answered: offline, the data on screen is from then.
	lastAnswer time.Time
	// startNotice is the session's sentence from its start (a local store set aside as damaged,
	// or one that could not open), until the next key: unlike info, no task's error or status
	// replaces it, so a start that fails to reach Mercado Libre still says it. offlineNotice is
	// its wording while Mercado Libre cannot be reached ("" keeps startNotice).
	startNotice, offlineNotice string
	// demo: the data is the demo sandbox (the header says so); tokenVar: the environment
	// variable the token came from, named when Mercado Libre refuses it (firstrun.go).
	demo     bool
	tokenVar string
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
		keys:         sessionKeyMap(c),
		help:         h,
		spinner:      sp,
		list:         packlist.NewFrom(c, opts.First),
		composes:     map[string]composeView{},
	}
}

// RefreshInterval is the effective polling period.
func (m *Model) RefreshInterval() time.Duration { return m.interval }

// afterFirstFrame is how long the work the first frame does not need waits for it: Bubble Tea
// draws at most a frame every sixtieth of a second (its default rate; the terminal inbox draws
// twice as often), so by then the first screen is on the terminal. Started with it, reading the
// 5,000 packs of a large store and the first sync took both processors of a small machine while
// the first frame was due, and the timer that draws it fired late (BenchmarkStartInTerminal).
const afterFirstFrame = time.Second / 60

// startMsg starts what the first frame does not need (Init).
type startMsg struct{}

// Init starts the poll timer; one frame later, the work the first frame does not need starts.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.Tick(afterFirstFrame, func(time.Time) tea.Msg { return startMsg{} }), m.scheduleRefresh())
}

// start reads the account when it is not known yet, then the list loads; and the stored inbox
// past its first screen and the drafts folder are read, whether or not the seller is known yet.
func (m *Model) start() tea.Cmd {
	var first tea.Cmd
	if m.c.Seller == "" {
		first = m.loadMe()
	} else {
		first = m.list.Init()
	}
	return tea.Batch(m.list.InitStored(), m.list.ReadDrafts(), first)
}

func (m *Model) loadMe() tea.Cmd {
	var client accountReader = m.c.Client
	return common.RunTask(m.c.Ctx, m.c.NewTask(common.RootOwner(), "Reading your account"), func(ctx context.Context) (tea.Msg, error) {
		u, err := client.Me(ctx)
		return meLoadedMsg{user: u}, err
	})
}

func (m *Model) scheduleRefresh() tea.Cmd {
	m.tickGen++
	gen := m.tickGen
	return tea.Tick(m.interval, func(time.Time) tea.Msg { return refreshTickMsg{gen: gen} })
}

// Update routes: a focused text field gets keys first, then global keys, then the active view;
// async results go to their owner. A spinner tick is scheduled when a task started.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	return m, tea.Batch(cmd, m.navigate(), m.markShown(), m.spin())
}

// markShown tells the list what the conversation on screen shows: the seller has seen it there,
// so a buyer message that arrived while it was open is not new when they go back (nor after a
// restart, nor when they went on with n or N). A conversation kept behind the list or the
// composer is not on screen, and what reaches it meanwhile is not seen.
func (m *Model) markShown() tea.Cmd {
	if m.active != viewConversation || m.showHelp || m.conv == nil {
		return nil
	}
	s, ok := m.conv.(interface{ Shown() (time.Time, int) })
	if !ok {
		return nil
	}
	newest, unread := s.Shown()
	return m.list.MarkShown(m.conv.PackID(), newest, unread)
}

// spin schedules the spinner's next frame when tasks are in flight and none is scheduled.
func (m *Model) spin() tea.Cmd {
	if m.spinning || len(m.c.Tasks.InFlight()) == 0 {
		return nil
	}
	m.spinning = true
	return m.spinner.Tick
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case StoreNoticeMsg:
		m.startNotice, m.offlineNotice = sanitize.Line(msg.Notice), sanitize.Line(msg.OfflineNotice)
		return nil
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.c.Width, m.c.Height = msg.Width, msg.Height
		m.resize()
		// Rows a larger window shows need their headers, which the list asks for in Update.
		return m.send(m.list, msg)
	case tea.KeyMsg:
		return m.handleKey(msg)
	case common.TaskFinishedMsg:
		return m.taskFinished(msg)
	case common.OwnedMsg:
		return m.route(msg.Owner, msg.Msg)
	case spinner.TickMsg:
		if len(m.c.Tasks.InFlight()) == 0 {
			m.spinning = false
			return nil // let the spinner stop until the next task
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return cmd
	case startMsg:
		m.started = true
		return m.start()
	case refreshTickMsg:
		if msg.gen != m.tickGen {
			return nil
		}
		return tea.Batch(m.refresh(false), m.scheduleRefresh())
	case retryTickMsg:
		return m.retry(msg)
	case common.RefreshMsg:
		return m.refresh(msg.Manual)
	case common.OpenPackMsg, common.BackMsg, common.ComposeMsg, common.NextNeedingReplyMsg, common.SearchMsg:
		return m.followNav(msg)
	case common.NewMessagesMsg:
		return m.notify.cmd(msg)
	case common.SendStartedMsg:
		return m.forwardPack(msg.PackID, msg)
	case common.SendDoneMsg:
		return m.sendDone(msg)
	case common.TeamChangedMsg:
		return m.teamChanged(msg)
	case common.ReplySentElsewhereMsg:
		return m.replySentElsewhere(msg)
	case common.DraftDiscardedElsewhereMsg:
		return m.draftGone(msg.Pack, true)
	case common.DraftDiscardedMsg:
		m.errText, m.info = "", "Draft discarded."
		if msg.Err != nil {
			m.errText, m.info = "The discarded draft could not be removed from disk: "+sanitize.Line(msg.Err.Error()), ""
		}
		return nil
	case common.StatusMsg:
		if msg.Err != nil && m.composeOnScreen(msg.ShownBy) {
			return nil // the composer on screen says it beside the draft
		}
		m.errText, m.info = "", ""
		switch {
		case msg.Err != nil && msg.Text != "":
			m.errText = sanitize.Line(msg.Text)
		case msg.Err != nil:
			m.errText = sanitize.Line(api.Explain(msg.Err))
		default:
			m.info = sanitize.Line(msg.Text)
		}
		return nil
	}
	return m.updateActive(msg)
}

// send hands msg to a view and then acts on the navigation it asked for, so the next message
// (the next key of the same read) already reaches the view that navigation opened.
func (m *Model) send(v tea.Model, msg tea.Msg) tea.Cmd {
	_, cmd := v.Update(msg)
	return tea.Batch(cmd, m.navigate())
}

// navigate acts on the views' navigation requests (common.Common.Navigate), in order.
func (m *Model) navigate() tea.Cmd {
	var cmds []tea.Cmd
	for reqs := m.c.Nav.Take(); len(reqs) > 0; reqs = m.c.Nav.Take() {
		for _, r := range reqs {
			cmds = append(cmds, m.followNav(r))
		}
	}
	return tea.Batch(cmds...)
}

func (m *Model) followNav(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.OpenPackMsg:
		return m.openPack(msg)
	case common.BackMsg:
		return m.back()
	case common.ComposeMsg:
		return m.openCompose(msg)
	case common.NextNeedingReplyMsg:
		return m.nextNeedingReply(msg)
	case common.SearchMsg:
		return m.openSearch()
	}
	return nil
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, m.keys.ForceQuit) {
		return m.quit()
	}
	// A terminal sends esc and a key typed right after it in one read ("\x1br"), which Bubble Tea
	// reads as alt+r. postsale binds no alt keys, so it is esc, then the key, unless the focused
	// text field uses that alt key (word moves and deletes).
	if msg.Alt && !msg.Paste && (msg.Type == tea.KeyRunes || msg.Type == tea.KeyEscape) {
		if u, ok := m.activeComponent().(common.AltKeyUser); (!ok || !u.UsesAltKey(msg)) && !m.remapsAltKey(msg) {
			plain := msg
			plain.Alt = false
			esc := m.handleKey(tea.KeyMsg{Type: tea.KeyEscape})
			return tea.Batch(esc, m.handleKey(plain))
		}
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
	m.startNotice, m.offlineNotice = "", ""
	if m.showHelp {
		switch {
		case key.Matches(msg, m.keys.CloseHelp):
			m.showHelp = false
		case key.Matches(msg, m.keys.Quit):
			return m.quit()
		case key.Matches(msg, m.keys.HelpDown):
			m.scrollHelp(m.helpStep(msg))
		case key.Matches(msg, m.keys.HelpUp):
			m.scrollHelp(-m.helpStep(msg))
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
		m.showHelp, m.helpTop = true, 0
		return nil
	case key.Matches(msg, m.keys.Refresh):
		// A manual refresh restarts the interval so the next poll is a full period away.
		return tea.Batch(m.refresh(true), m.scheduleRefresh())
	}
	return m.updateActive(msg)
}

func (m *Model) activeComponent() common.Component {
	switch m.active {
	case viewSearch:
		if m.search != nil {
			return m.search
		}
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

// composeOnScreen reports whether owner is the composer on screen. It says
// what went wrong with its own work (an upload, a send) beside the draft, in its own words; the
// status bar saying it again would show the sentence twice. A composer left for another view
// has the status bar say it.
func (m *Model) composeOnScreen(owner common.Owner) bool {
	return owner.Kind == common.KindCompose && m.active == viewCompose && m.conv != nil && m.conv.PackID() == owner.Pack && m.composes[owner.Pack] != nil
}

func (m *Model) updateActive(msg tea.Msg) tea.Cmd {
	return m.send(m.activeComponent(), msg)
}

// taskFinished ends a task, shows its error and hands the whole message to its owner.
func (m *Model) taskFinished(msg common.TaskFinishedMsg) tea.Cmd {
	m.c.Tasks.Finish(msg.Task.ID)
	if msg.Err != nil && !m.composeOnScreen(msg.Task.Owner) {
		m.errText, m.info = sanitize.Line(ExplainTokenError(msg.Err, m.tokenVar)), ""
	}
	m.logTask(msg)
	return tea.Batch(m.noteConnection(msg.Err), m.route(msg.Task.Owner, msg))
}

// route hands an async result to the view that asked for it, whichever view is on screen; a
// result whose owner is gone (a conversation replaced by another, a sent compose) is dropped.
func (m *Model) route(owner common.Owner, msg tea.Msg) tea.Cmd {
	switch owner.Kind {
	case common.KindRoot:
		if fin, ok := msg.(common.TaskFinishedMsg); ok {
			return m.meLoaded(fin)
		}
	case common.KindList:
		return m.send(m.list, msg)
	case common.KindConversation:
		if m.conv != nil && m.conv.PackID() == owner.Pack {
			m.noteMessages(owner.Pack, msg) // the list's filter matches every loaded message
			cmd := m.send(m.conv, msg)
			m.giveReplyContext(owner.Pack) // what the buyer said since reaches the composer
			return cmd
		}
	case common.KindCompose:
		if cm := m.composes[owner.Pack]; cm != nil {
			return m.send(cm, msg)
		}
	case common.KindSearch:
		if m.search != nil {
			return m.send(m.search, msg)
		}
	}
	return nil
}

func (m *Model) meLoaded(msg common.TaskFinishedMsg) tea.Cmd {
	res, _ := msg.Msg.(meLoadedMsg)
	if msg.Err != nil || res.user == nil || res.user.ID == "" {
		sentence := "Mercado Libre did not say who you are."
		if msg.Err != nil {
			sentence = m.explainAccountError(msg.Err)
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
	m.backTo = viewList
	if m.active == viewSearch {
		m.backTo = viewSearch
	}
	m.active = viewConversation
	if m.conv != nil && m.conv.PackID() == msg.PackID {
		// Still loaded: come back to where the seller was, with what arrived meanwhile.
		_, cmd := m.conv.Update(common.RefreshMsg{})
		return tea.Batch(cmd, m.list.MarkSeen(msg.PackID), m.openAt(msg))
	}
	site := msg.Site
	if site == "" {
		site = m.c.Site
	}
	m.conv = newConversation(m.c, msg.PackID, site) // reads the pack's seen mark first…
	m.givePackInfo()
	m.resize()
	return tea.Batch(m.conv.Init(), m.list.MarkSeen(msg.PackID), m.openAt(msg)) // …then it is seen
}

// openAt makes the conversation show a message (a search result's), and its translation when
// the search matched that.
func (m *Model) openAt(msg common.OpenPackMsg) tea.Cmd {
	if at, ok := m.conv.(interface{ OpenAt(string, bool) tea.Cmd }); ok && msg.MessageID != "" {
		return at.OpenAt(msg.MessageID, msg.InTranslation)
	}
	return nil
}

func (m *Model) back() tea.Cmd {
	switch m.active {
	case viewCompose:
		m.active = viewConversation
	case viewConversation:
		m.active = m.backTo
		m.leftConversation()
	case viewSearch:
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
	switch r, ok := cm.(interface{ Reload() tea.Cmd }); {
	case cm == nil:
		cm = newCompose(m.c, msg.PackID, site)
		m.composes[msg.PackID] = cm
		cmds = append(cmds, cm.Init())
	case ok && m.active != viewCompose:
		// Held since it was last left: the drafts folder says what the draft is now (the
		// person's other session may have sent, discarded or changed it meanwhile).
		cmds = append(cmds, r.Reload())
	}
	m.giveReplyContext(msg.PackID)
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
		if !m.composeOnScreen(common.ComposeOwner(msg.PackID)) {
			m.errText, m.info = sanitize.Line(api.Explain(msg.Err)), ""
		}
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

// Place is where the person is: the pack on screen ("" on the list) and whether they are writing
// a reply to it. A front end that shares presence (the SSH server) reads it after each Update.
func (m *Model) Place() (pack string, composing bool) {
	if m.conv == nil || m.active == viewList || m.active == viewSearch {
		return "", false
	}
	return m.conv.PackID(), m.active == viewCompose
}
