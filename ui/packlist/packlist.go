// Package packlist is the inbox's first screen: one row per conversation, unread first, with
// conversation headers fetched lazily (bounded) for the rows on screen.
package packlist

import (
	"context"
	"strings"
	"time"

	"github.com/postsale/postsale/api/store"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
)

// minFilterWidth is the least room the filter input keeps beside its count; a narrower
// terminal cuts the count instead.
const minFilterWidth = 10

type headerState int

const (
	headerNone headerState = iota
	headerLoading
	headerDone
	headerFailed
)

// row is one conversation. Every string in it is already sanitised.
type row struct {
	PackID    string
	Unread    int
	Buyer     string
	Title     string // the items' titles (domestic order search), "" when unknown
	Titles    []string
	Orders    []string // the pack's order ids (order search)
	Shipping  string   // its shipment id (order search)
	Site      string
	Last      string         // newest message, one line
	LastT     string         // its translation (text_translated), one line; "" when none
	LastMine  bool           // the seller wrote the newest message
	Receipt   common.Receipt // where the newest message stands, when it is the seller's
	LastAt    time.Time
	Blocked   bool
	Substatus string
	Empty     bool // the conversation has no messages yet
	// texts are the conversation's loaded messages, folded for the filter (NoteMessages).
	texts  []string
	header headerState
	stale  bool // header shown but due for a reload (new messages, refresh)

	drawn   []string // the row's two lines as last drawn, for drawnAs
	drawnAs rowLook

	team     rowTeam // what the row shows of a served team (team.go)
	teamRead bool

	storedRev int64 // the store's revision of the row last merged (mergeStored)
	counted   bool  // Unread is Mercado Libre's count (setUnread), not the zero a new row starts with
}

// rowLook is everything a row's lines depend on: when it is unchanged the lines are reused (a
// spinner tick redraws the list ten times a second).
type rowLook struct {
	selected                             bool
	width                                int
	age                                  string
	unread                               int
	buyer, packID, site, substatus, last string
	title, lastT, reason                 string
	mode                                 common.TranslationMode
	draft                                bool
	blocked, empty, lastMine             bool
	header                               headerState
	receipt                              common.ReceiptState // the mark; its time is not drawn in the row
	assignee, presence                   string              // the team's, in a served inbox
}

// Model is the pack list.
type Model struct {
	c      *common.Common
	keys   keyMap
	src    Source // the data the list reads
	filter textinput.Model
	links  *open.Parser // one per list: compiling its patterns is its main cost
	// headerTimeout bounds each header request (HeaderTimeout; tests shorten it).
	headerTimeout time.Duration
	rows          []*row
	byID          map[string]*row
	visible       []*row // rows matching the filter, sorted
	// sectionRows and scopeRows count the rows the filter chooses from: those of the section shown,
	// and of those the ones the team filter keeps ("1 of 5" inside Needs reply, not "1 of 18").
	sectionRows, scopeRows int
	filterNote             string // what the filter's count says (filterCount)
	cursor                 int
	offset                 int
	width                  int
	height                 int
	loading                bool
	loaded                 bool
	loadErr                string
	inFlight               int
	// moved is set once the seller moves the cursor, live once the start's sync into the store
	// has been merged (without a store, headers arriving keep re-sorting the list): from then on the cursor follows its row as rows re-sort (a message
	// arriving as the seller presses enter must not put another buyer under the cursor); before,
	// it stays on the top row while the start fills the list in.
	moved, live bool
	// copying is y's menu (copy.go).
	copying copyState
	team    team // the served team inbox's filter and picker (team.go)
	// section is the tab shown (triage.go); workPack and workAt are the pack last opened from the
	// list and the cursor's place then, where the cursor returns after a reply to it.
	section    Section
	workPack   string
	workAt     int
	seenLoaded bool
	tally      sectionTally
	frame      frameCache // what the last frame drew that the next one likely repeats
	// stored is set when the session reads through the local store (stored.go).
	stored *storedState
}

var _ common.Component = (*Model)(nil)

// New builds an empty list; Init (or Load) fetches it.
func New(c *common.Common) *Model { return NewFrom(c, nil) }

// NewFrom is New whose first screen is first (the screen the store saved at the last exit)
// instead of a read of the store; nil reads the store.
func NewFrom(c *common.Common, first *store.FirstScreen) *Model {
	ti := textinput.New()
	ti.Prompt = "/ "
	ti.Placeholder = "buyer, pack or text"
	ti.CharLimit = 100
	// The field's styles come from the session's renderer (bubbles' defaults use the process-wide
	// one, wrong for a terminal over SSH); same looks as the defaults.
	r := c.Renderer
	ti.PromptStyle, ti.TextStyle = r.NewStyle(), r.NewStyle()
	ti.PlaceholderStyle = r.NewStyle().Foreground(lipgloss.Color("240"))
	ti.CompletionStyle = r.NewStyle().Foreground(lipgloss.Color("240"))
	ti.Cursor.Style, ti.Cursor.TextStyle = r.NewStyle(), r.NewStyle()
	// A steady cursor keeps renders deterministic (goldens) and saves redraws over SSH.
	ti.Cursor.SetMode(cursor.CursorStatic)
	m := &Model{c: c, src: c.Client, keys: newKeyMap(), filter: ti, links: open.NewParser(), byID: map[string]*row{}, headerTimeout: HeaderTimeout}
	common.ApplyKeys("list", &m.keys, c.Keys)
	m.team.keys = common.NewTeamKeys(c.Team != nil)
	if d, ok := c.Client.(Stored); ok {
		m.initStored(d, first)
	}
	m.keys.update(false, false, len(m.visible) == 0)
	m.keys.Search.SetEnabled(m.canSearch())
	return m
}

// UsesAltKey reports whether msg, an alt key, moves or deletes by words in the filter.
func (m *Model) UsesAltKey(msg tea.KeyMsg) bool {
	if !m.filter.Focused() {
		return false
	}
	k := m.filter.KeyMap
	return key.Matches(msg, k.WordBackward, k.WordForward, k.DeleteWordBackward, k.DeleteWordForward)
}

// Init loads the list when the seller is known; otherwise the root calls Load after /users/me.
func (m *Model) Init() tea.Cmd {
	if m.c.Seller == "" {
		return nil
	}
	return m.Load()
}

// Load fetches unread counts and recent packs.
func (m *Model) Load() tea.Cmd {
	if m.loading {
		return nil
	}
	m.loading = true
	var seen tea.Cmd
	if !m.seenLoaded && m.c.Seller != "" {
		m.seenLoaded = true
		seen = m.c.Seen.Load(m.c, common.ListOwner(), m.c.Seller)
	}
	if m.stored != nil {
		return tea.Batch(m.syncCmd(), seen)
	}
	return tea.Batch(m.loadCmd(true), seen)
}

// Typing reports whether the filter input, the assign picker or y's menu has the keys.
func (m *Model) Typing() bool {
	return m.filter.Focused() || m.team.picker != nil || m.copying.menu != nil
}

// SetSize sets the content area.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(width, 0), max(height, 0)
	m.fitFilter()
	m.clampScroll()
}

// fitFilter gives the filter input the title line less its count (and the cursor's cell after
// the text).
func (m *Model) fitFilter() {
	m.filter.Width = max(m.width-len(m.filter.Prompt)-1-2-lipgloss.Width(m.filterNote), minFilterWidth)
}

// Selected returns the pack id under the cursor, or "".
func (m *Model) Selected() string {
	if m.cursor < 0 || m.cursor >= len(m.visible) {
		return ""
	}
	return m.visible[m.cursor].PackID
}

// run wraps an API call in the task pattern with the list as owner.
func (m *Model) run(label string, fn func(ctx context.Context) (tea.Msg, error)) tea.Cmd {
	return common.RunTask(m.c.Ctx, m.c.NewTask(common.ListOwner(), label), fn)
}

// Update handles keys, task results and refreshes.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	if m.stored != nil {
		if cmd, ok := m.updateStored(msg); ok {
			cmds = append(cmds, cmd, m.fetchHeaders())
			m.keys.update(m.filter.Focused(), m.filter.Value() != "", len(m.visible) == 0)
			return m, tea.Batch(cmds...)
		}
	}
	switch msg := msg.(type) {
	case common.TaskFinishedMsg:
		cmds = append(cmds, m.finished(msg))
	case draftsReadMsg:
		m.draftsRead(msg)
	case common.RefreshMsg:
		if msg.Manual { // drafts written or sent by another postsale meanwhile
			cmds = append(cmds, m.ReadDrafts())
		}
		if !m.loading {
			m.loading = true
			if msg.Manual && m.stored == nil { // a store's sync re-reads what changed
				for _, r := range m.rows {
					if r.header == headerDone || r.header == headerFailed {
						r.stale = true
					}
				}
			}
			m.awaitReceipts(msg.Manual) // has the buyer read the seller's last reply since?
			// A manual refresh re-reads the orders too; the interval only polls unread counts.
			cmds = append(cmds, m.refreshCmd(msg.Manual))
		}
	case common.SendDoneMsg:
		if msg.Err == nil {
			// The row shows the reply at once; what Mercado Libre keeps of it follows: the
			// header read again without a store, the conversation fetched by the next sync
			// with one.
			if r := m.byID[msg.PackID]; r != nil && m.stored == nil {
				r.stale = true
			}
			m.afterReply(msg.PackID, msg.Request, msg.Message)
			switch {
			case m.stored != nil:
				cmds = append(cmds, m.replied(msg.PackID))
			case !m.loading:
				m.loading = true
				cmds = append(cmds, m.refreshCmd(false))
			}
		}
	case tea.KeyMsg:
		cmds = append(cmds, m.handleKey(msg))
	case common.TeamChangedMsg:
		m.teamChanged()
	default:
		if m.filter.Focused() {
			var cmd tea.Cmd
			m.filter, cmd = m.filter.Update(msg)
			cmds = append(cmds, cmd)
		}
	}
	cmds = append(cmds, m.fetchHeaders())
	m.keys.update(m.filter.Focused(), m.filter.Value() != "", len(m.visible) == 0)
	m.keys.Search.SetEnabled(m.canSearch() && !m.filter.Focused())
	return m, tea.Batch(cmds...)
}

// refreshCmd is a poll: a delta sync through the store, else the API's unread counts (and, when
// full, the recent orders).
func (m *Model) refreshCmd(full bool) tea.Cmd {
	if m.stored != nil {
		return m.syncCmd()
	}
	return m.loadCmd(full)
}

// canSearch reports whether the session has a store to search (the search view, ui/search).
func (m *Model) canSearch() bool { return m.stored != nil }

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	if m.filter.Focused() {
		switch {
		case key.Matches(msg, k.ClearFilter):
			m.clearFilter()
			return nil
		case key.Matches(msg, k.ApplyFilter):
			m.filter.Blur()
			return nil
		}
		before := m.filter.Value()
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg)
		if m.filter.Value() != before {
			m.applyFilter("")
		}
		return cmd
	}
	if cmd, ok := m.handleCopyKey(msg); ok {
		return cmd
	}
	if cmd, ok := m.handleTeamKey(msg); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.ClearFilter):
		m.clearFilter()
	case key.Matches(msg, k.Filter):
		// A fresh search each time: typing after "/" never extends the kept filter's text.
		if m.filter.Value() != "" {
			keep := m.Selected()
			m.filter.SetValue("")
			m.applyFilter(keep)
		}
		return m.filter.Focus()
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-m.pageRows())
	case key.Matches(msg, k.PageDown):
		m.move(m.pageRows())
	case key.Matches(msg, k.Top):
		m.move(-len(m.visible))
	case key.Matches(msg, k.Bottom):
		m.move(len(m.visible))
	case key.Matches(msg, k.Open):
		if m.cursor < len(m.visible) {
			r := m.visible[m.cursor]
			m.opening(r.PackID)
			return m.c.Navigate(common.OpenPackMsg{PackID: r.PackID, Site: r.Site})
		}
	case key.Matches(msg, k.Template):
		m.opening(m.Selected())
		return m.replyWithTemplate()
	case key.Matches(msg, k.Reply):
		m.opening(m.Selected())
		return m.replyToRow()
	case key.Matches(msg, k.Done):
		return m.markDone()
	case key.Matches(msg, k.NextReply):
		return m.jumpNeedingReply(1)
	case key.Matches(msg, k.PrevReply):
		return m.jumpNeedingReply(-1)
	case key.Matches(msg, k.NextSection):
		m.cycleSection(1)
	case key.Matches(msg, k.PrevSection):
		m.cycleSection(-1)
	case key.Matches(msg, k.Sections):
		m.setSection(sectionTabs[int(msg.Runes[0]-'1')])
	case key.Matches(msg, k.Search):
		return m.c.Navigate(common.SearchMsg{})
	}
	return nil
}

func (m *Model) clearFilter() {
	m.filter.Blur()
	if m.filter.Value() != "" {
		keep := m.Selected()
		m.filter.SetValue("")
		m.applyFilter(keep)
	}
}

func (m *Model) move(delta int) {
	m.moved = true
	m.cursor += delta
	m.clampScroll()
}

// finished takes the list's own task results; the root has already shown any error.
func (m *Model) finished(msg common.TaskFinishedMsg) tea.Cmd {
	switch res := msg.Msg.(type) {
	case common.SeenLoadedMsg:
		if msg.Err == nil {
			save := m.c.Seen.Adopt(m.c, res)
			for id, mk := range res.Marks {
				// A count known before the marks came is their first sight of it (setUnread).
				if r := m.byID[id]; r != nil && r.counted && m.c.Seen.Mark(id) == mk {
					m.c.Seen.Lower(id, r.Unread)
				}
			}
			m.applyFilter(m.Selected())
			return save
		}
	case packsLoadedMsg:
		m.loading = false
		m.loaded = true
		m.loadErr = ""
		if msg.Err != nil {
			m.loadErr = sanitize.Line(api.Explain(msg.Err))
		}
		m.merge(res, msg.Err == nil)
	case headerLoadedMsg:
		m.inFlight = max(m.inFlight-1, 0)
		r := m.byID[res.PackID]
		if r == nil {
			return nil
		}
		if msg.Err != nil || res.Conv == nil {
			if r.header != headerDone { // keep showing an older header rather than none
				r.header = headerFailed
			}
			return nil
		}
		m.setHeader(r, res.Conv)
		m.applyFilter(m.Selected())
	}
	return nil
}

// merge folds a load into the rows. Unread counts are authoritative only when the unread call
// succeeded (ok), so a failed poll never wipes the badges.
func (m *Model) merge(res packsLoadedMsg, ok bool) {
	for _, p := range res.Packs {
		id := string(p.ID)
		if id == "" {
			continue
		}
		r := m.ensure(id)
		if r.Buyer == "" {
			r.Buyer = sanitize.Line(p.Buyer.Nickname)
		}
		if r.Site == "" {
			r.Site = sanitize.Line(p.SiteID)
		}
		if r.Title == "" {
			r.Title = sanitize.Line(p.Title())
			for _, t := range p.Titles {
				r.Titles = append(r.Titles, sanitize.Line(t))
			}
		}
		if len(r.Orders) == 0 {
			for _, o := range p.Orders {
				if id := sanitize.Line(string(o.ID)); id != "" {
					r.Orders = append(r.Orders, id)
				}
			}
		}
		if r.Shipping == "" {
			r.Shipping = sanitize.Line(string(p.Shipment.ID))
		}
		if r.LastAt.IsZero() {
			r.LastAt = p.DateCreated.Time
		}
	}
	if res.Unread != nil || ok {
		counts := map[string]int{}
		for _, u := range res.Unread {
			if id := u.PackID(); id != "" {
				counts[id] += u.Count
			}
		}
		for id, n := range counts {
			r := m.ensure(id)
			if n != r.Unread && r.header == headerDone {
				r.stale = true // new messages: the header's last message is out of date
			}
			m.setUnread(r, n)
		}
		for _, r := range m.rows {
			if _, unread := counts[r.PackID]; !unread {
				m.setUnread(r, 0)
			}
		}
	}
	m.applyFilter(m.Selected())
}

func (m *Model) ensure(id string) *row {
	if r := m.byID[id]; r != nil {
		return r
	}
	r := &row{PackID: id}
	m.byID[id] = r
	m.rows = append(m.rows, r)
	return r
}

// setHeader fills a row from the conversation's newest message (messages come newest first).
func (m *Model) setHeader(r *row, conv *api.Conversation) {
	r.header, r.stale = headerDone, false
	r.Blocked, r.Substatus = false, ""
	if cs := conv.ConversationStatus; cs.Blocked() {
		r.Blocked, r.Substatus = true, sanitize.Line(string(cs.Substatus))
	}
	r.Empty = len(conv.Messages) == 0
	if r.Empty {
		r.Last, r.LastT, r.LastMine, r.Receipt = "", "", false, common.Receipt{}
		return
	}
	last := conv.Messages[0]
	r.LastMine = m.c.Seller != "" && string(last.From.UserID) == m.c.Seller
	r.Receipt = common.Receipt{}
	if r.LastMine {
		r.Receipt = common.ReceiptOf(&last, false)
	}
	buyer := last.From
	if r.LastMine {
		buyer = last.To
	}
	if name := sanitize.Line(buyer.Name); name != "" && !api.IsAgent(string(buyer.UserID)) {
		r.Buyer = name // the messaging agent's name is not the buyer's
	}
	if site := sanitize.Line(last.SiteID); site != "" {
		r.Site = site
	}
	if at := last.Date(); !at.IsZero() {
		r.LastAt = at
	}
	// Links read as in the conversation, "label (URL)"; Render sanitises, Fields makes one line.
	r.Last = strings.Join(strings.Fields(m.links.Render(last.Text)), " ")
	r.LastT = strings.Join(strings.Fields(m.links.Render(last.TextTranslated)), " ")
}

// applyFilter rebuilds the visible rows (filter + sort) and keeps the cursor on keep if shown.
func (m *Model) applyFilter(keep string) {
	q := fold(strings.TrimSpace(m.filter.Value()))
	m.visible = m.visible[:0]
	m.sectionRows, m.scopeRows = 0, 0
	for _, r := range m.rows {
		// A row whose header has not arrived cannot be judged by buyer, text or section yet: it
		// stays (as "loading…") so its header gets fetched, and goes once it is known not to match.
		pending := r.header == headerNone || r.header == headerLoading
		if in, known := m.inSection(r, m.section); !in && (known || !pending) {
			continue
		}
		m.sectionRows++
		if !common.KeepPack(m.c.Team, m.team.filter, r.PackID) {
			continue
		}
		m.scopeRows++
		if q == "" || r.matches(q) || pending {
			m.visible = append(m.visible, r)
		}
	}
	m.sortVisible()
	m.countSections()
	m.filterNote = m.filterCount()
	m.fitFilter()
	if !m.moved && !m.live {
		keep = ""
	}
	if keep != "" {
		for i, r := range m.visible {
			if r.PackID == keep {
				m.cursor = i
				break
			}
		}
	}
	if keep == "" {
		m.cursor = 0
	}
	m.clampScroll()
}

// matches reports whether the folded query q is in the row's buyer, pack id, site, item titles,
// newest message or any message loaded in its conversation, accents and case aside.
func (r *row) matches(q string) bool {
	for _, f := range []string{r.Buyer, r.Title, r.PackID, r.Site, r.Last, r.LastT} {
		if strings.Contains(fold(f), q) {
			return true
		}
	}
	for _, t := range r.texts {
		if strings.Contains(t, q) {
			return true
		}
	}
	return false
}

// fetchHeaders starts header requests for rows on screen and one screen ahead, at most
// MaxHeadersInFlight at a time; finished requests call it again through Update.
func (m *Model) fetchHeaders() tea.Cmd {
	if m.src == nil {
		return nil
	}
	if m.stored != nil && m.loading {
		return nil // the running sync fetches what changed; asking too would spend the budget twice
	}
	var cmds []tea.Cmd
	end := min(len(m.visible), m.offset+2*max(m.pageRows(), 1))
	for i := m.offset; i < end && m.inFlight < MaxHeadersInFlight; i++ {
		r := m.visible[i]
		if r.header == headerLoading || (r.header != headerNone && !r.stale) {
			continue
		}
		if r.header != headerDone {
			r.header = headerLoading
		}
		r.stale = false
		m.inFlight++
		cmds = append(cmds, m.headerCmd(r.PackID))
	}
	return tea.Batch(cmds...)
}

// PackInfo is what the order search told about pack (orders, items, shipment).
func (m *Model) PackInfo(pack string) common.PackInfo {
	r := m.byID[pack]
	if r == nil {
		return common.PackInfo{PackID: pack}
	}
	return common.PackInfo{PackID: pack, Buyer: r.Buyer, Orders: r.Orders, Titles: r.Titles, Shipping: r.Shipping}
}

// Fail shows why the list could not load at all (e.g. the account could not be read).
func (m *Model) Fail(sentence string) {
	m.loading, m.loaded = false, true
	m.loadErr = sanitize.Line(sentence)
}

// Busy reports whether the list or any header is loading.
func (m *Model) Busy() bool { return m.loading || m.inFlight > 0 }
