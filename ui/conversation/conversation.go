// Package conversation is the view of one pack's messages: oldest at the top, newest at the
// bottom, older pages loaded as the seller scrolls up, new buyer messages marked on refresh.
package conversation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/attachments"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
)

// PageSize is how many messages one request asks for.
const PageSize = 50

// ErrBlocked is the error of a reply refused because the conversation is blocked.
var ErrBlocked = errors.New("conversation blocked")

type loadKind int

const (
	loadNewest  loadKind = iota // first load: replaces what is shown
	loadOlder                   // the page above what is loaded
	loadRefresh                 // the newest page again, merged
)

// PageMsg is the result of one page load, delivered inside common.TaskFinishedMsg.
type PageMsg struct {
	kind         loadKind
	Offset       int
	Conversation *api.Conversation
}

// Model is the conversation view of one pack.
type Model struct {
	sellerMax *int // the thread's seller_max_message_length, nil when the API sent none
	c         *common.Common
	src       Source           // the data the conversation reads
	join      common.JoinCache // the last frame, reused by an idle redraw
	packID    string
	site      string
	keys      KeyMap
	links     *open.Parser // one per view: compiling its patterns is its main cost
	width     int
	height    int

	entries []*entry // oldest first; every change calls entriesChanged
	derived derived  // what frames read from all the entries, kept between frames
	known   map[string]bool
	status  *api.ConversationStatus
	total   int  // the API's paging.total
	loaded  bool // the newest page arrived at least once
	// fromStore: what is shown is the stored copy; the API's newest page merges into it.
	fromStore bool
	// exhausted is set when an older page came back empty: nothing more to ask for.
	exhausted     bool
	loadingNewest bool
	loadingOlder  bool
	err           string // last load failure, as a sentence
	mode          Mode
	top           int  // first visible content line
	follow        bool // keep the newest message in view
	files         files
	receipts      newestSeller    // the newest seller message, for the header (receipts.go)
	team          teamView        // a served team inbox's line, notes, picker (team.go)
	info          common.PackInfo // what the order search knows of the sale (context.go)
	// seenAt is when the seller last opened this conversation before now: buyer messages up to
	// then are not "new" for them, whatever Mercado Libre's read state says (triage.go).
	seenAt time.Time
	// toBeginning is set by `g` until the oldest message is loaded (older pages in a row).
	toBeginning bool
	target      string // a message to scroll to once loaded (OpenAt, at.go)
	// targetTranslation: the target was found by its translation; show it (OpenAt).
	targetTranslation bool
}

// Source is what a conversation reads: its pages of messages and their attachments. *api.Client
// is one; a local store may decorate it.
type Source interface {
	api.PackReader
	attach.Downloader
}

// New returns the conversation of packID; site may be "" until the messages say it.
func New(c *common.Common, packID, site string) *Model {
	m := &Model{
		c:      c,
		src:    c.Client,
		packID: packID,
		site:   sanitize.Line(site),
		keys:   DefaultKeyMap(),
		links:  open.NewParser(),
		known:  map[string]bool{},
		follow: true,
		mode:   c.Translation,
		seenAt: c.Seen.Mark(packID).At,
	}
	common.ApplyKeys("conversation", &m.keys, c.Keys)
	m.syncFileKeys()
	m.team.keys = common.NewTeamKeys(c.Team != nil)
	m.team.line = m.teamLine()
	return m
}

// PackID is the pack this view shows.
func (m *Model) PackID() string { return m.packID }

// Site is the pack's site, from the caller or from its messages.
func (m *Model) Site() string { return m.site }

// Mode is the translation mode.
func (m *Model) Mode() Mode { return m.mode }

// Blocked reports whether nothing can be sent in this conversation, and why in plain words.
func (m *Model) Blocked() (bool, string) {
	if !m.status.Blocked() {
		if m.sellerMax != nil && *m.sellerMax == 0 {
			return true, "Mercado Libre does not let you write in this conversation now (its message limit is 0)."
		}
		return false, ""
	}
	return true, common.BlockedReason(sanitize.Line(string(m.status.Substatus)))
}

// NeedsContactReason reports whether the seller may write here only by picking a contact
// reason (domestic action_guide); reply then opens the reasons instead of the composer.
func (m *Model) NeedsContactReason() bool { return api.NeedsContactReason(m.status) }

// TextLimit is the most characters a reply may have here: the thread's
// seller_max_message_length when the API sent one, else api.MaxTextLength.
func (m *Model) TextLimit() int {
	if m.sellerMax != nil {
		return *m.sellerMax
	}
	return api.MaxTextLength
}

// Status is the footer note: the translation mode.
func (m *Model) Status() string {
	if n := m.attachmentCount(); n != "" {
		return "translation: " + m.mode.String() + " · " + n
	}
	return "translation: " + m.mode.String()
}

// Loading reports whether a page is being fetched.
func (m *Model) Loading() bool { return m.loadingNewest || m.loadingOlder }

// Len is the number of rows held (messages and pending sends).
func (m *Model) Len() int { return len(m.entries) }

// SetSize sets the area the view draws in, keeping the message at the top in place.
func (m *Model) SetSize(width, height int) {
	anchor, off := m.anchor()
	m.width, m.height = max(0, width), max(0, height)
	m.resizeNote()
	m.restore(anchor, off)
}

// Init shows the stored copy of the newest page, when the data keeps one, and asks the API
// for it.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.loadStored(), m.load(loadNewest)) }

// Stored is a Source that keeps a copy of the conversations (the local store, *store.Data):
// the view shows the copy at once, and the API's answer, merged into it, refreshes it.
type Stored interface {
	StoredConversation(ctx context.Context, packID string, opts api.PageOptions) (*api.Conversation, bool, error)
}

// storedPageMsg is the stored copy of the newest page, read while the API is asked for it.
type storedPageMsg struct{ conv *api.Conversation }

// loadStored reads the stored copy of the newest page off the update loop (nil without one).
func (m *Model) loadStored() tea.Cmd {
	s, ok := m.src.(Stored)
	if !ok {
		return nil
	}
	ctx, packID := m.c.Ctx, m.packID
	return common.Own(m.owner(), func() tea.Msg {
		conv, ok, err := s.StoredConversation(ctx, packID, api.PageOptions{Limit: PageSize})
		if err != nil || !ok || len(conv.Messages) == 0 {
			return nil
		}
		return storedPageMsg{conv: conv}
	})
}

// showStored shows the stored copy unless the API answered first; the API's page, still being
// fetched, is merged into it when it comes.
func (m *Model) showStored(msg storedPageMsg) tea.Cmd {
	if m.loaded {
		return nil
	}
	fetching := m.loadingNewest
	cmd := tea.Batch(m.applyPage(PageMsg{kind: loadNewest, Conversation: msg.conv}, nil), m.seekTarget())
	m.loadingNewest, m.fromStore = fetching, true
	return cmd
}

func (m *Model) owner() common.Owner { return common.ConversationOwner(m.packID) }

// load starts fetching a page; offset paging counts the messages already held.
func (m *Model) load(kind loadKind) tea.Cmd {
	offset, label := 0, "Loading "+m.whose()
	switch kind {
	case loadOlder:
		if m.loadingOlder {
			return nil
		}
		m.loadingOlder = true
		offset = m.serverCount()
		label = "Loading older messages of " + m.whose()
	default:
		if m.loadingNewest {
			return nil
		}
		m.loadingNewest = true
		if kind == loadRefresh {
			label = "Refreshing " + m.whose()
		}
	}
	client, packID := m.src, m.packID
	return common.RunTask(m.c.Ctx, m.c.NewTask(m.owner(), label), func(ctx context.Context) (tea.Msg, error) {
		// Opening the conversation marks it read (domestic flavour), as Mercado Libre's inbox does;
		// refreshes and older pages do not.
		conv, err := client.PackMessages(ctx, packID, api.PageOptions{Limit: PageSize, Offset: offset, MarkRead: kind == loadNewest})
		if err != nil {
			err = fmt.Errorf("load messages of pack %s at offset %d: %w", packID, offset, err)
		}
		return PageMsg{kind: kind, Offset: offset, Conversation: conv}, err
	})
}

// Update handles keys, page results, refreshes and the send lifecycle.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.teamTyping() {
			cmd, _ := m.handleTeamKey(msg)
			return m, cmd
		}
		if !key.Matches(msg, m.keys.Reply) {
			m.team.warn = "" // any other key takes the collision warning down
		}
		if cmd, ok := m.handleFilesKey(msg); ok {
			return m, cmd
		}
		return m, m.handleKey(msg)
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			return m, m.scroll(-3)
		case tea.MouseButtonWheelDown:
			return m, m.scroll(3)
		}
	case common.TaskFinishedMsg:
		if msg.Task.Owner != m.owner() {
			return m, nil
		}
		if page, ok := msg.Msg.(PageMsg); ok {
			cmd := tea.Batch(m.applyPage(page, msg.Err), m.seekTarget())
			if m.files.focus || len(m.files.busy) > 0 || len(m.files.failed) > 0 {
				m.decorate() // new pages carry no marks yet
			}
			return m, cmd
		}
		if f, ok := msg.Msg.(attachments.FetchedMsg); ok {
			return m, m.fetched(f, msg.Err)
		}
	case storedPageMsg:
		return m, m.showStored(msg)
	case common.TeamChangedMsg:
		m.teamChanged(msg)
	case common.RefreshMsg:
		if !m.loaded {
			return m, m.load(loadNewest)
		}
		return m, m.load(loadRefresh)
	case common.SendStartedMsg:
		if msg.PackID == m.packID {
			m.addPending(msg)
		}
	case common.SendDoneMsg:
		if msg.PackID == m.packID {
			m.finishPending(msg)
		}
	default:
		if cmd, ok := m.updateFiles(msg); ok {
			return m, cmd
		}
	}
	return m, nil
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	body := m.bodyHeight()
	if cmd, ok := m.handleTeamKey(msg); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, m.keys.Back):
		return m.c.Navigate(common.BackMsg{})
	case key.Matches(msg, m.keys.Reply):
		if m.replyGuard() {
			return nil // a teammate is replying: the warning shows, `r` again writes anyway
		}
		packID, site := m.packID, m.site
		return m.c.Navigate(common.ComposeMsg{PackID: packID, Site: site})
	case slices.Contains(m.keys.Reply.Keys(), msg.String()):
		// Reply is disabled: say why instead of doing nothing.
		_, reason := m.Blocked()
		text := "You cannot reply in this conversation: " + reason
		return func() tea.Msg { return common.StatusMsg{Text: text, Err: fmt.Errorf("%w: %s", ErrBlocked, reason)} }
	case key.Matches(msg, m.keys.OpenSale):
		return m.openSale()
	case key.Matches(msg, m.keys.Translate):
		anchor, off := m.anchor()
		m.mode = m.mode.Next()
		m.c.Translation = m.mode // the next conversation and the list's previews follow
		m.restore(anchor, off)
	case key.Matches(msg, m.keys.Up):
		return m.scroll(-1)
	case key.Matches(msg, m.keys.Down):
		return m.scroll(1)
	case key.Matches(msg, m.keys.PageUp):
		return m.scroll(-max(1, body-1))
	case key.Matches(msg, m.keys.PageDown):
		return m.scroll(max(1, body-1))
	case key.Matches(msg, m.keys.Top):
		return m.toTop()
	case key.Matches(msg, m.keys.Bottom):
		m.toBeginning = false
		m.follow = true
		m.clamp()
	case key.Matches(msg, m.keys.NextReply):
		return m.c.Navigate(common.NextNeedingReplyMsg{From: m.packID, Dir: 1})
	case key.Matches(msg, m.keys.PrevReply):
		return m.c.Navigate(common.NextNeedingReplyMsg{From: m.packID, Dir: -1})
	}
	return nil
}

// scroll moves the view by d lines; reaching the top asks for the older page.
func (m *Model) scroll(d int) tea.Cmd {
	m.follow, m.toBeginning = false, false
	if d < 0 {
		m.drawAbove(-d)
	}
	m.top += d
	m.clamp()
	if m.top >= m.maxTop() {
		m.follow = true
	}
	if m.top == 0 {
		return m.maybeLoadOlder()
	}
	return nil
}

// MoreOlder reports whether older messages exist that are not loaded.
func (m *Model) MoreOlder() bool {
	return m.loaded && !m.exhausted && m.serverCount() < m.total
}

func (m *Model) maybeLoadOlder() tea.Cmd {
	if !m.MoreOlder() || m.loadingOlder {
		return nil
	}
	return m.load(loadOlder)
}

func (m *Model) applyPage(p PageMsg, err error) tea.Cmd {
	if p.kind == loadOlder {
		m.loadingOlder = false
	} else {
		m.loadingNewest = false
	}
	if err != nil || p.Conversation == nil {
		if err == nil {
			err = errors.New("empty answer")
		}
		m.err = sanitize.Line(api.Explain(err))
		return nil
	}
	m.err = ""
	conv := p.Conversation
	if conv.SellerMaxMessageLength != nil && p.kind != loadOlder {
		m.sellerMax = new(conv.TextLimit())
	}
	if conv.ConversationStatus != nil && p.kind != loadOlder {
		m.status = conv.ConversationStatus
	}
	if p.kind != loadOlder {
		blocked, _ := m.Blocked()
		m.keys.Reply.SetEnabled(!blocked || m.NeedsContactReason())
	}
	if conv.Paging != nil {
		m.total = conv.Paging.Total
	}
	chron := make([]api.Message, len(conv.Messages))
	for i, msg := range conv.Messages {
		chron[len(chron)-1-i] = msg // the API sends newest first
	}
	if m.site == "" {
		for _, msg := range chron {
			if s := sanitize.Line(msg.SiteID); s != "" {
				m.site = s
				break
			}
		}
	}
	switch {
	case p.kind == loadOlder:
		m.prepend(chron)
		if m.toBeginning {
			m.top = 0
		}
	case p.kind == loadNewest && !m.fromStore || !m.loaded:
		m.replace(chron, false)
		m.loaded = true
		m.follow = true
	default:
		m.merge(chron)
	}
	if p.kind != loadOlder {
		m.fromStore = false
	}
	if m.total < m.serverCount() {
		m.total = m.serverCount()
	}
	m.placeNotes()   // a served team's notes sit among the messages in time order
	m.syncFileKeys() // the page may bring the first attachment or link
	m.clamp()
	if m.toBeginning {
		if m.MoreOlder() {
			return m.load(loadOlder) // `g`: on to the real beginning
		}
		m.toBeginning = false
	}
	// A short page leaves the screen unfilled, so nothing could scroll up: fetch more now.
	if m.contentLines() <= m.bodyHeight() {
		return m.maybeLoadOlder()
	}
	return nil
}

func (m *Model) isSeller(msg *api.Message) bool {
	from := string(msg.From.UserID)
	if m.c.Seller != "" {
		return from == m.c.Seller
	}
	for _, r := range msg.Resources {
		if r.Name == api.ResourceSellers {
			return from == string(r.ID)
		}
	}
	return false
}

// newEntry marks a buyer message the API reports unread (read date null) as new from the start,
// so opening a conversation shows what the seller has not read; marking never reads anything.
func (m *Model) newEntry(msg api.Message) *entry {
	seller := m.isSeller(&msg)
	return &entry{msg: msg, seller: seller, isNew: !seller && msg.Unread() && msg.Date().After(m.seenAt)}
}

// serverCount is the number of messages held that the API has (pending sends excluded).
func (m *Model) serverCount() int { return m.derive().server }

// derived is what is counted or collected over every entry. Frames (the spinner redraws ten
// times a second) read it; walking 10,000 entries for it cost 130 KB a frame.
type derived struct {
	ok     bool
	server int      // entries the API has (not pending)
	refs   []attRef // attachments of the loaded messages, oldest first
	// newest is the date of the newest message held and unread how many buyer messages held
	// Mercado Libre counts unread (Shown).
	newest time.Time
	unread int
}

// entriesChanged drops what was derived from the entries; the next read rebuilds it.
func (m *Model) entriesChanged() { m.derived.ok = false }

func (m *Model) derive() *derived {
	d := &m.derived
	if d.ok {
		return d
	}
	d.server, d.refs, d.newest, d.unread = 0, nil, time.Time{}, 0
	for i, e := range m.entries {
		if e.pending || e.note {
			continue
		}
		d.server++
		if at := e.msg.Date(); at.After(d.newest) {
			d.newest = at
		}
		if !e.seller && e.msg.Unread() {
			d.unread++
		}
		for _, a := range e.msg.Attachments {
			if a.Filename != "" {
				d.refs = append(d.refs, attRef{entry: i, att: a})
			}
		}
	}
	d.ok = true
	return d
}

// replace shows exactly chron (plus pending sends); markNew also marks buyer messages newer than
// those held as new (unread ones are marked whatever markNew says).
func (m *Model) replace(chron []api.Message, markNew bool) {
	defer m.entriesChanged()
	var pending []*entry
	var newest = m.newestDate()
	for _, e := range m.entries {
		if e.pending {
			pending = append(pending, e)
		}
	}
	m.entries = m.entries[:0:0]
	m.receipts.valid = false
	m.known = map[string]bool{}
	m.exhausted = false
	for _, msg := range chron {
		if msg.ID != "" && m.known[msg.ID] {
			continue
		}
		e := m.newEntry(msg)
		if markNew && !e.seller && msg.Date().After(newest) {
			e.isNew = true
		}
		m.known[msg.ID] = msg.ID != ""
		m.entries = append(m.entries, e)
	}
	m.entries = append(m.entries, pending...)
}

func (m *Model) newestDate() (t time.Time) {
	for _, e := range m.entries {
		if !e.pending && !e.note && e.msg.Date().After(t) {
			t = e.msg.Date()
		}
	}
	return t
}

// prepend adds an older page above what is shown, keeping the visible lines where they were.
func (m *Model) prepend(chron []api.Message) {
	defer m.entriesChanged()
	if len(chron) == 0 {
		m.exhausted = true
		return
	}
	var add []*entry
	lines := 0
	for _, msg := range chron {
		if msg.ID != "" && m.known[msg.ID] {
			continue
		}
		m.known[msg.ID] = msg.ID != ""
		e := m.newEntry(msg)
		add = append(add, e)
		if m.width > 0 {
			lines += m.heightOf(e) // estimated: drawn when the seller scrolls up to it
		}
	}
	if len(add) == 0 {
		// Only duplicates: the next offset is past them, so paging still advances.
		return
	}
	m.entries = append(add, m.entries...)
	if !m.follow {
		m.top += lines
	}
}

// merge adds a refreshed newest page: unknown messages are inserted in order (buyer ones marked
// new), known ones updated in place (moderation may have changed).
func (m *Model) merge(chron []api.Message) {
	defer m.entriesChanged()
	overlap := false
	for _, msg := range chron {
		if m.known[msg.ID] {
			overlap = true
			break
		}
	}
	if !overlap && m.serverCount() > 0 && len(chron) >= PageSize {
		// More new messages than a page: what is held is no longer contiguous with it.
		m.replace(chron, true)
		return
	}
	fresh := false
	for _, msg := range chron {
		if msg.ID != "" && m.known[msg.ID] {
			for _, e := range m.entries {
				// Read since it was marked (the seller answered, here or elsewhere): no longer new.
				read := e.isNew && e.msg.Unread() && !msg.Unread()
				if e.msg.ID == msg.ID && (read || !sameMessage(&e.msg, &msg)) {
					e.msg = msg
					e.isNew = e.isNew && !read
					e.invalidate()
				}
			}
			continue
		}
		if m.adoptSent(msg) {
			continue
		}
		fresh = true
	}
	if fresh {
		m.insertPage(chron)
	}
}

// insertPage inserts the messages of chron (a page, oldest first) the view does not hold yet,
// where api.MergeOrder places them: by date, and among messages of the same second as the
// page orders them (the server's order is the only evidence of which came first).
func (m *Model) insertPage(chron []api.Message) {
	var held []*entry
	var heldMsgs []api.Message
	for _, e := range m.entries {
		if !e.pending && !e.note {
			held = append(held, e)
			heldMsgs = append(heldMsgs, e.msg)
		}
	}
	page := slices.Clone(chron)
	slices.Reverse(page) // as served: newest first
	var prev *entry      // the entry the next new one follows
	for _, r := range api.MergeOrder(heldMsgs, page) {
		if !r.Batch {
			prev = held[r.I]
			continue
		}
		msg := page[r.I]
		e := m.newEntry(msg)
		e.isNew = !e.seller
		m.known[msg.ID] = msg.ID != ""
		switch {
		case prev != nil:
			m.entries = slices.Insert(m.entries, slices.Index(m.entries, prev)+1, e)
		case len(held) > 0:
			m.entries = slices.Insert(m.entries, slices.Index(m.entries, held[0]), e)
		default:
			m.insertByDate(e)
		}
		prev = e
	}
}

// adoptSent gives the id to a message this session sent whose answer had none.
func (m *Model) adoptSent(msg api.Message) bool {
	defer m.entriesChanged()
	if !m.isSeller(&msg) {
		return false
	}
	for _, e := range m.entries {
		if e.sent && e.msg.ID == "" && e.msg.Text == msg.Text {
			e.msg = msg
			e.invalidate()
			m.known[msg.ID] = true
			return true
		}
	}
	return false
}

func sameMessage(a, b *api.Message) bool {
	return a.Status == b.Status && a.Moderation.Status == b.Moderation.Status &&
		a.Moderation.Reason == b.Moderation.Reason && a.Text == b.Text &&
		a.TextTranslated == b.TextTranslated && len(a.Attachments) == len(b.Attachments) &&
		sameReceiptDates(&a.MessageDate, &b.MessageDate)
}

// sameReceiptDates: a message newly notified to or read by the buyer is a changed message.
func sameReceiptDates(a, b *api.MessageDate) bool {
	return a.Notified.Equal(b.Notified.Time) && a.Read.Equal(b.Read.Time) && a.Available.Equal(b.Available.Time)
}

// insertByDate puts e after the last held message not newer than it, before pending sends.
func (m *Model) insertByDate(e *entry) {
	defer m.entriesChanged()
	at := len(m.entries)
	for at > 0 {
		prev := m.entries[at-1]
		if !prev.pending && !prev.msg.Date().After(e.msg.Date()) {
			break
		}
		at--
	}
	m.entries = slices.Insert(m.entries, at, e)
}

// addPending shows a message compose is sending, marked "sending…".
func (m *Model) addPending(s common.SendStartedMsg) {
	defer m.entriesChanged()
	msg := api.Message{
		Text:           s.Request.Text,
		TextTranslated: s.Request.TextTranslated,
		From:           api.Party{UserID: api.ID(m.c.Seller), Name: m.sellerName()},
		Status:         api.StatusAvailable,
	}
	msg.MessageDate.Created = api.Time{Time: s.At}
	m.entries = append(m.entries, &entry{msg: msg, seller: true, pending: true, localID: s.LocalID})
	m.syncFileKeys() // a link being sent can be opened already
	m.follow = true
	m.clamp()
}

// finishPending turns the pending row into the sent message, or removes it on failure.
func (m *Model) finishPending(d common.SendDoneMsg) {
	defer m.entriesChanged()
	idx := slices.IndexFunc(m.entries, func(e *entry) bool { return e.pending && e.localID == d.LocalID })
	if idx < 0 {
		return
	}
	defer m.syncFileKeys() // the row goes, or the API's answer brings its attachments
	e := m.entries[idx]
	if d.Err != nil || d.Message == nil {
		m.entries = slices.Delete(m.entries, idx, idx+1)
		m.clamp()
		return
	}
	got := *d.Message
	if got.ID != "" && m.known[got.ID] {
		// A refresh already brought it in.
		m.entries = slices.Delete(m.entries, idx, idx+1)
		m.clamp()
		return
	}
	// The answer may be sparse: keep what the seller wrote where it says nothing.
	if got.Text == "" {
		got.Text = e.msg.Text
	}
	if got.TextTranslated == "" {
		got.TextTranslated = e.msg.TextTranslated
	}
	if got.From.UserID == "" {
		got.From = e.msg.From
	}
	if got.Date().IsZero() {
		got.MessageDate.Created = e.msg.MessageDate.Created
	}
	e.msg, e.pending, e.sent, e.seller = got, false, true, true
	e.invalidate()
	if got.ID != "" {
		m.known[got.ID] = true
	}
	m.total++
	m.follow = true
	m.clamp()
}

func (m *Model) sellerName() string {
	for i := len(m.entries) - 1; i >= 0; i-- {
		if e := m.entries[i]; e.seller && e.msg.From.Name != "" {
			return e.msg.From.Name
		}
	}
	return m.c.Account
}

// buyerName is the buyer's name as the messages give it.
func (m *Model) buyerName() string {
	for _, e := range m.entries {
		if e.note || api.IsAgent(string(e.msg.From.UserID)) || api.IsAgent(string(e.msg.To.UserID)) {
			continue // a team note's author and the messaging agent are not the buyer
		}
		if !e.seller && e.msg.From.Name != "" {
			return sanitize.Line(e.msg.From.Name)
		}
		if e.seller && !e.pending && e.msg.To.Name != "" {
			return sanitize.Line(e.msg.To.Name)
		}
	}
	return ""
}

// headerLines are the title and, for a blocked conversation, the banner.
func (m *Model) headerLines() []string {
	if m.width < 1 {
		return nil
	}
	st := m.c.Styles
	title := "Pack " + sanitize.Line(m.packID)
	if m.site != "" {
		title += " · " + m.site
	}
	if b := m.buyerName(); b != "" {
		title += " · " + b
	}
	right := ""
	if m.loaded {
		right = m.position()
		if m.width-ansi.StringWidth(title)-ansi.StringWidth(right) < 2 {
			right = shortPosition(right)
		}
	}
	var lines []string
	receipt, styledReceipt := m.headerReceipt()
	if gap := m.width - ansi.StringWidth(title) - ansi.StringWidth(receipt+" · "+right); right != "" && receipt != "" && gap >= 2 {
		lines = append(lines, st.Title.Render(title)+strings.Repeat(" ", gap)+styledReceipt+st.Subtle.Render(" · "+right))
	} else if gap := m.width - ansi.StringWidth(title) - ansi.StringWidth(right); right != "" && gap >= 2 {
		lines = append(lines, st.Title.Render(title)+strings.Repeat(" ", gap)+st.Subtle.Render(right))
	} else if rw := ansi.StringWidth(right); right != "" && m.width >= rw+14 {
		// Narrow: the title gives way so the position ("40/325") stays in sight.
		t := common.Truncate(title, m.width-rw-2)
		lines = append(lines, st.Title.Render(t)+strings.Repeat(" ", m.width-ansi.StringWidth(t)-rw)+st.Subtle.Render(right))
	} else {
		lines = append(lines, st.Title.Render(common.Truncate(title, m.width)))
	}
	if m.team.line != "" {
		lines = append(lines, st.Warning.Render(common.Truncate(m.team.line, m.width)))
	}
	// The sale in one line, when there is room for it above a useful body.
	if line := m.orderLine(); line != "" && m.height >= orderLineMinHeight {
		lines = append(lines, st.Subtle.Render(common.Truncate(line, m.width)))
	}
	if blocked, reason := m.Blocked(); blocked {
		tail := " Replying is disabled."
		if m.NeedsContactReason() {
			reason, tail = "You may write first only with a contact reason.", " Press r to choose one."
		}
		for _, l := range wrap("⛔ Blocked: "+reason+tail, m.width) {
			lines = append(lines, st.Banner.Render(l))
		}
	}
	return lines
}

func (m *Model) bodyHeight() int { return max(0, m.height-len(m.headerLines())) }

// topLine is the first content line: where older messages load, or the conversation begins.
func (m *Model) topLine() string {
	switch {
	case m.loadingOlder && m.toBeginning:
		return fmt.Sprintf("↑ loading older messages to the beginning… %d of %d loaded", m.serverCount(), m.total)
	case m.loadingOlder:
		return "↑ loading older messages…"
	case m.MoreOlder():
		return fmt.Sprintf("↑ %d older messages: scroll up to load", m.total-m.serverCount())
	case len(m.entries) > 0:
		return "· beginning of the conversation ·"
	case m.status.Blocked():
		return "No messages in this conversation."
	}
	return "No messages yet: press r to write to the buyer."
}

// View draws the header and only the visible lines of the conversation.
func (m *Model) View() string {
	if m.width < 1 || m.height < 1 {
		return ""
	}
	lines := m.headerLines()
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	body := m.height - len(lines)
	st := m.c.Styles
	switch {
	case body == 0:
	case !m.loaded && m.err != "":
		lines = append(lines, wrapStyled(st.Error, "Could not load this conversation: "+m.err, m.width)...)
		lines = append(lines, st.Subtle.Render(common.Truncate("Press R to try again, esc to go back.", m.width)))
	case !m.loaded:
		lines = append(lines, st.Subtle.Render(common.Truncate("Loading conversation…", m.width)))
	default:
		lines = append(lines, m.visible(body)...)
		if m.err != "" && len(lines) > 0 {
			lines[len(lines)-1] = st.Error.Render(common.Truncate(m.err, m.width))
		}
	}
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	for len(lines) < m.height {
		lines = append(lines, "")
	}
	if ov := m.overlayLines(); len(ov) > 0 {
		k := min(len(ov), m.height)
		copy(lines[m.height-k:], ov[len(ov)-k:])
	}
	for i, l := range lines {
		lines[i] = common.Fit(l, m.width, "")
	}
	return m.join.Join(lines)
}

// visible returns the body lines from m.top, at most n of them; entries above are only counted.
func (m *Model) visible(n int) []string {
	total := m.clampTotal()
	out := make([]string, 0, n)
	if m.top == 0 {
		out = append(out, m.c.Styles.Faint.Render(common.Truncate(m.topLine(), m.width)))
	}
	i, start := m.locate(max(1, m.top), total)
	for ; i >= 0 && i < len(m.entries) && len(out) < n; i++ {
		ls := m.entries[i].lines(m.width, m.mode, m.c, m.links)
		for _, l := range ls[min(len(ls), max(0, m.top-start)):] {
			if len(out) >= n {
				break
			}
			out = append(out, l)
		}
		start += len(ls)
	}
	return out
}

func wrapStyled(style lipgloss.Style, text string, width int) []string {
	var out []string
	for _, l := range wrap(text, width) {
		out = append(out, style.Render(l))
	}
	return out
}
