package serve

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api/store"
)

// How the views show the Hub: each session's inbox gets a common.Team (teamseam.go, built in
// Server.program) through ui.SessionOptions, so no view imports this package:
//   - the list row and conversation header: Team.OnPack → "Bruno is replying…" / "Ana has it
//     open"; Team.Assignee → "→ Ana"; common.KeepPack filters mine/unassigned/all;
//   - the conversation: Team.Notes drawn apart from messages, in time order; Team.SentBy →
//     "sent by Ana" on seller messages; `r` warns first while a teammate is replying;
//   - the session wrapper turns PresenceMsg / AssignedMsg / NoteAddedMsg / TeammateSentMsg into
//     common.TeamChangedMsg, which the root hands to the list and the open conversation, and
//     reloads the open pack on TeammateSentMsg;
//   - TeammateSentMsg also becomes common.ReplySentElsewhereMsg (the pack's composer says so and
//     asks before its next send), and the person's own other session's DraftDiscardedMsg
//     common.DraftDiscardedElsewhereMsg: the list and a held composer read the shared drafts
//     folder again.
//
// Hub is what the sessions of one server share: who is connected and where (presence), who is
// typing a reply, who a conversation is assigned to, the team's internal notes, and who sent
// which message. Assignments, notes and sent-by records are kept with the local store when the
// server has one, else in a state file (0600), so they survive a restart (hubstate.go); presence
// lives only in memory. Every method is safe for concurrent use.
type Hub struct {
	mu       sync.Mutex
	now      func() time.Time
	persist  hubPersist
	audit    *Audit
	perMem   int
	total    int
	nextID   int64
	conns    map[int64]*Conn
	st       hubState
	maxSent  int
	saveErrs func(error)
	logger   *slog.Logger
}

// hubState is the persisted part.
type hubState struct {
	Assignments map[string]Assignment `json:"assignments"`
	Notes       map[string][]Note     `json:"notes"`
	SentBy      map[string]SentRecord `json:"sent_by"`
}

// Assignment: a pack is someone's to answer.
type Assignment struct {
	Member string    `json:"member"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// Note is an internal note on a pack: seen by the team only, never sent to Mercado Libre.
type Note struct {
	Author string    `json:"author"`
	At     time.Time `json:"at"`
	Text   string    `json:"text"`
}

// SentRecord says which member sent a message (by its API id).
type SentRecord struct {
	Member string    `json:"member"`
	PackID string    `json:"pack_id"`
	At     time.Time `json:"at"`
}

// HubOptions tune a Hub.
type HubOptions struct {
	// StateFile keeps assignments, notes and sent-by records ("" keeps them in memory only).
	StateFile string
	// Store, when set, keeps them instead, in its team tables; a StateFile left from before is
	// imported into it once (and renamed *.imported).
	Store *store.Store
	// Audit receives who connected, opened, sent and assigned (nil: no audit).
	Audit *Audit
	// MaxPerMember and MaxTotal cap the sessions (0: no cap).
	MaxPerMember, MaxTotal int
	// Now is the clock (tests).
	Now func() time.Time
	// OnSaveError hears state-file write failures (the change stays in memory).
	OnSaveError func(error)
	// Logger gets debug lines about event delivery.
	Logger *slog.Logger
}

// Errors from Join.
var (
	ErrTooManyForMember = errors.New("too many sessions for this person")
	ErrTooManySessions  = errors.New("the server has as many sessions as it allows")
)

// maxSentRecords bounds the sent-by map kept in the state file (oldest dropped first).
const maxSentRecords = 20000

// maxNoteLen bounds one note (bytes).
const maxNoteLen = 4000

// NewHub builds a Hub, reading the state file when it exists.
func NewHub(opts HubOptions) (*Hub, error) {
	h := &Hub{
		now:      opts.Now,
		audit:    opts.Audit,
		perMem:   opts.MaxPerMember,
		total:    opts.MaxTotal,
		conns:    map[int64]*Conn{},
		maxSent:  maxSentRecords,
		saveErrs: opts.OnSaveError,
		logger:   opts.Logger,
	}
	if h.now == nil {
		h.now = time.Now
	}
	switch {
	case opts.Store != nil:
		ts := teamStore{opts.Store}
		if opts.StateFile != "" {
			if err := ts.importFile(opts.StateFile); err != nil {
				return nil, err
			}
		}
		h.persist = ts
	case opts.StateFile != "":
		h.persist = stateFile{opts.StateFile}
	default:
		h.persist = memoryOnly{}
	}
	st, err := h.persist.load()
	if err != nil {
		return nil, err
	}
	h.st = st
	return h, nil
}

// Conn is one session's handle on the Hub: what it reports (open, typing, sent, assign, note)
// and the events it receives from the others.
type Conn struct {
	hub    *Hub
	id     int64
	member string
	remote string
	since  time.Time
	events chan tea.Msg
	done   chan struct{}

	// under hub.mu:
	pack       string
	typingPack string // the pack this session has a reply open on ("" = none)
	closed     bool
}

// Member is the person this session belongs to.
func (c *Conn) Member() string { return c.member }

// Join registers a session of member, refusing it over the caps.
func (h *Hub) Join(member, remote string) (*Conn, error) {
	h.mu.Lock()
	if h.total > 0 && len(h.conns) >= h.total {
		h.mu.Unlock()
		return nil, ErrTooManySessions
	}
	if h.perMem > 0 {
		n := 0
		for _, c := range h.conns {
			if c.member == member {
				n++
			}
		}
		if n >= h.perMem {
			h.mu.Unlock()
			return nil, ErrTooManyForMember
		}
	}
	h.nextID++
	c := &Conn{hub: h, id: h.nextID, member: member, remote: remote, since: h.now(),
		events: make(chan tea.Msg, 64), done: make(chan struct{})}
	h.conns[c.id] = c
	h.broadcastLocked(PresenceMsg{}, c.id)
	h.mu.Unlock()
	h.audit.Log(AuditEvent{Event: "connect", Member: member, Remote: remote})
	return c, nil
}

// Leave ends the session's presence; its event channel closes.
func (c *Conn) Leave() {
	h := c.hub
	h.mu.Lock()
	if c.closed {
		h.mu.Unlock()
		return
	}
	c.closed = true
	delete(h.conns, c.id)
	close(c.done)
	h.broadcastLocked(PresenceMsg{}, c.id)
	h.mu.Unlock()
	h.audit.Log(AuditEvent{Event: "disconnect", Member: c.member, Remote: c.remote})
}

// Wait is a command that yields this session's next Hub event (PresenceMsg, TeammateSentMsg,
// AssignedMsg, NoteAddedMsg). The model re-arms it after each event (bubbletea's realtime
// example); it yields nil once the session has left.
func (c *Conn) Wait() tea.Cmd {
	return func() tea.Msg {
		select {
		case m := <-c.events:
			return m
		case <-c.done:
			return nil
		}
	}
}

// Open says which pack this session shows ("" = the list).
func (c *Conn) Open(packID string) {
	h := c.hub
	h.mu.Lock()
	if c.closed || c.pack == packID {
		h.mu.Unlock()
		return
	}
	c.pack = packID
	if c.typingPack != "" && c.typingPack != packID {
		c.typingPack = ""
	}
	h.broadcastLocked(PresenceMsg{}, c.id)
	h.mu.Unlock()
	if packID != "" {
		h.audit.Log(AuditEvent{Event: "open", Member: c.member, Pack: packID})
	}
}

// Typing says this session has a reply open on packID: it counts as replying (the teammates'
// "is replying…" and their collision guard) until StopTyping, a send on the pack, opening
// another pack, or Leave. It never lapses by itself: a seller who pauses to check an order is
// still writing that reply. Calling it again for the same pack changes nothing.
func (c *Conn) Typing(packID string) {
	h := c.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.closed || c.typingPack == packID {
		return
	}
	c.typingPack = packID
	h.broadcastLocked(PresenceMsg{}, c.id)
}

// StopTyping ends "is replying" on packID at once (sent, discarded, or compose left); "" ends
// it on whichever pack. A reply open on another pack by now stays.
func (c *Conn) StopTyping(packID string) {
	h := c.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.typingPack != "" && (packID == "" || packID == c.typingPack) {
		c.typingPack = ""
		h.broadcastLocked(PresenceMsg{}, c.id)
	}
}

// Sent records that this session's member sent messageID on packID and tells the other sessions
// (TeammateSentMsg, with text, what was sent): those with the pack open reload it at once, a
// composer on the pack says so before its next send. The text is kept in no file and no log.
func (c *Conn) Sent(packID, messageID, text string) {
	h := c.hub
	h.mu.Lock()
	now := h.now()
	if messageID != "" {
		h.st.SentBy[messageID] = SentRecord{Member: c.member, PackID: packID, At: now}
		h.trimSentLocked()
	}
	var err error
	if messageID != "" {
		err = h.persist.sent(&h.st, messageID, h.maxSent)
	}
	if c.typingPack == packID {
		c.typingPack = ""
	}
	h.broadcastLocked(TeammateSentMsg{PackID: packID, Member: c.member, MessageID: messageID, Text: text}, c.id)
	h.mu.Unlock()
	h.reportSave(err)
	h.audit.Log(AuditEvent{Event: "send", Member: c.member, Pack: packID, Message: messageID})
}

// Discarded tells the member's other sessions, which share the member's drafts folder, that
// this one discarded packID's draft (DraftDiscardedMsg): what they hold of it is gone.
func (c *Conn) Discarded(packID string) {
	h := c.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, o := range h.conns {
		if id == c.id || o.member != c.member {
			continue
		}
		select {
		case o.events <- DraftDiscardedMsg{PackID: packID}:
		default:
		}
	}
}

// Assign gives packID to member ("" unassigns). The caller checks member against the team.
func (c *Conn) Assign(packID, member string) error {
	h := c.hub
	h.mu.Lock()
	if member == "" {
		delete(h.st.Assignments, packID)
	} else {
		h.st.Assignments[packID] = Assignment{Member: member, By: c.member, At: h.now()}
	}
	h.broadcastLocked(AssignedMsg{PackID: packID, Member: member, By: c.member}, 0)
	err := h.persist.assigned(&h.st, packID)
	h.mu.Unlock()
	h.reportSave(err)
	h.audit.Log(AuditEvent{Event: "assign", Member: c.member, Pack: packID, Assignee: member})
	return err
}

// AddNote adds an internal note to packID, written by this session's member.
func (c *Conn) AddNote(packID, text string) (Note, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Note{}, errors.New("a note needs some text")
	}
	if len(text) > maxNoteLen {
		return Note{}, fmt.Errorf("a note is at most %d bytes", maxNoteLen)
	}
	h := c.hub
	h.mu.Lock()
	n := Note{Author: c.member, At: h.now(), Text: text}
	h.st.Notes[packID] = append(h.st.Notes[packID], n)
	h.broadcastLocked(NoteAddedMsg{PackID: packID, Note: n}, 0)
	err := h.persist.noted(&h.st, packID, n)
	h.mu.Unlock()
	h.reportSave(err)
	h.audit.Log(AuditEvent{Event: "note", Member: c.member, Pack: packID})
	return n, err
}

// Presence is one connected session, for display.
type Presence struct {
	Member string
	PackID string // the pack it shows; "" = the list
	Typing string // the pack it is writing a reply on; "" = none
	Since  time.Time
	Self   bool // the asking session itself
}

// Presence lists the connected sessions (the asking one flagged Self), by member then arrival.
func (c *Conn) Presence() []Presence {
	h := c.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Presence, 0, len(h.conns))
	for _, o := range h.conns {
		out = append(out, Presence{Member: o.member, PackID: o.pack, Typing: o.typingPack, Since: o.since, Self: o.id == c.id})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Member != out[j].Member {
			return out[i].Member < out[j].Member
		}
		return out[i].Since.Before(out[j].Since)
	})
	return out
}

// OnPack lists who else has packID open and who is typing a reply on it, each name once. The
// asking member's own other sessions come first, named own ("" leaves them out): one person's
// sessions share their drafts, so two of them replying to one buyer overwrite each other.
func (c *Conn) OnPack(packID, own string) (viewing, typing []string) {
	add := func(names []string, name string) []string {
		switch {
		case slices.Contains(names, name):
			return names
		case name == own:
			return slices.Insert(names, 0, name)
		}
		return append(names, name)
	}
	for _, p := range c.Presence() {
		name := p.Member
		if p.Self || (name == c.member && own == "") {
			continue
		}
		if name == c.member {
			name = own
		}
		if p.Typing == packID {
			typing = add(typing, name)
		}
		if p.PackID == packID {
			viewing = add(viewing, name)
		}
	}
	return viewing, typing
}

// Assignee returns who packID is assigned to ("" = nobody).
func (h *Hub) Assignee(packID string) (Assignment, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a, ok := h.st.Assignments[packID]
	return a, ok
}

// Filter is the list's assignment filter.
type Filter int

// Filters: everything, the asking member's, nobody's.
const (
	FilterAll Filter = iota
	FilterMine
	FilterUnassigned
)

// Keep reports whether packID passes filter f for member.
func (h *Hub) Keep(f Filter, member, packID string) bool {
	if f == FilterAll {
		return true
	}
	a, ok := h.Assignee(packID)
	if f == FilterMine {
		return ok && a.Member == member
	}
	return !ok
}

// Notes returns packID's notes, oldest first (a copy).
func (h *Hub) Notes(packID string) []Note {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.st.Notes[packID])
}

// SentBy returns who sent messageID from a served session.
func (h *Hub) SentBy(messageID string) (SentRecord, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.st.SentBy[messageID]
	return r, ok
}

// Sessions counts the connected sessions.
func (h *Hub) Sessions() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// Events sent to sessions (tea.Msg values delivered by Conn.Wait).
type (
	// PresenceMsg: someone connected, left, opened a pack or started/stopped typing; read
	// Conn.Presence / Conn.OnPack again.
	PresenceMsg struct{}
	// TeammateSentMsg: a teammate, or the person's other session (Member is theirs), sent
	// MessageID on PackID; Text is what was sent.
	TeammateSentMsg struct{ PackID, Member, MessageID, Text string }
	// DraftDiscardedMsg: the person's other session discarded PackID's draft.
	DraftDiscardedMsg struct{ PackID string }
	// AssignedMsg: PackID was assigned to Member ("" = unassigned) by By.
	AssignedMsg struct{ PackID, Member, By string }
	// NoteAddedMsg: a note was added to PackID.
	NoteAddedMsg struct {
		PackID string
		Note   Note
	}
)

// broadcastLocked delivers msg to every session but skip. A session whose queue is full misses
// it (its next Presence read is still right; a missed TeammateSentMsg waits for the poll).
func (h *Hub) broadcastLocked(msg tea.Msg, skip int64) {
	for id, c := range h.conns {
		if id == skip {
			continue
		}
		select {
		case c.events <- msg:
		default:
		}
	}
}

func (h *Hub) trimSentLocked() {
	if len(h.st.SentBy) <= h.maxSent {
		return
	}
	type kv struct {
		id string
		at time.Time
	}
	all := make([]kv, 0, len(h.st.SentBy))
	for id, r := range h.st.SentBy {
		all = append(all, kv{id, r.At})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].at.Before(all[j].at) })
	for _, e := range all[:len(all)-h.maxSent] {
		delete(h.st.SentBy, e.id)
	}
}

func (h *Hub) reportSave(err error) {
	if err != nil && h.saveErrs != nil {
		h.saveErrs(err)
	}
}

func (h *Hub) debug(msg string, args ...any) {
	if h.logger != nil {
		h.logger.Debug(msg, args...)
	}
}
