package packlist

import (
	"context"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
)

// Stored is a Source backed by the local store (*store.Data): the list fills from the store at
// once, before any request, and the store is refreshed by delta syncs and a background backfill
// walking older history.
type Stored interface {
	Store() *store.Store
	Syncer() *store.Syncer
}

// storedState is the list's part in a store-backed session.
type storedState struct {
	data     Stored
	history  store.History
	known    bool // the history line has been read
	synced   bool // a delta sync finished (or stored rows were shown): later new messages notify
	filling  bool // this list's backfill command is running
	partial  bool // only the first screen was read in the constructor
	progress chan store.History
	// rev is the store's revision of the rows read so far (store.PacksSince): a sync or a
	// backfill step reads only the rows changed since. Negative until every row has been read.
	rev int64
	// replied are the packs the seller replied to since the last sync started: the next sync
	// fetches their conversations, so the store (and the row) holds the reply as Mercado Libre
	// keeps it. A reply sent while a sync runs starts that sync as soon as the running one ends.
	replied []string
	// watch signals writes to the store by this process (another served session's sync or
	// reply, the shared backfill): the list reads the rows they changed (watchCmd).
	watch   <-chan struct{}
	unwatch func()
}

// syncedMsg is a delta sync's end: the stored rows after it and what it brought.
type syncedMsg struct {
	Rows    []storedRow // the rows the sync changed (all of them the first time)
	Since   int64       // the revision the rows were read from (negative: all of them)
	Rev     int64       // the store's revision of what was read
	History store.History
}

// storedRowsMsg carries the stored rows that changed while the backfill or the first sync
// stored history.
type storedRowsMsg struct {
	Rows       []storedRow
	Since, Rev int64
	History    store.History
}

// backfillProgressMsg is the backfill's progress; backfillEndMsg its end.
type backfillProgressMsg struct{ History store.History }
type backfillEndMsg struct{ Err error }

// FirstScreenRows is how many stored packs the constructor reads, in the list's own order, so the
// first frame is the stored inbox; the rest follow in a command. It is a row per line of the
// terminal (two lines per row show, so a page more than the screen), at least 30, and 120 when
// the size is not known yet. Fewer rows is a quicker start: each one is read from disk into a
// process whose caches are all cold. The inbox saves as many at exit (store.FirstScreen).
func FirstScreenRows(height int) int {
	if height <= 0 {
		return 120
	}
	return min(max(height, 30), 120)
}

// initStored fills the first screen's rows from the store synchronously: the first frame shows
// the stored inbox. Reading a local database here (in the constructor, not in Update) is the
// point; the other stored packs are read by Init's command.
//
// With first (the screen saved at the last exit, Store.SavedFirstScreen) the store is not read:
// it may still be opening. Its rows are then all read as soon as the first frame is out, as
// those past a first screen are.
func (m *Model) initStored(d Stored, first *store.FirstScreen) {
	m.stored = &storedState{data: d, rev: -1}
	n := FirstScreenRows(m.c.Height)
	var packs []store.Pack
	var err error
	if first != nil {
		packs, m.stored.partial = first.Packs[:min(len(first.Packs), n)], true
	} else {
		packs, err = d.Store().InboxPacks(m.c.Ctx, n)
	}
	if err != nil || len(packs) == 0 {
		return
	}
	m.mergeStored(prepareStored(packs, m.links))
	m.loaded = true
	m.stored.synced = true
	m.stored.partial = m.stored.partial || len(packs) == n
	if first != nil {
		m.stored.history, m.stored.known = first.History, true
		return
	}
	if !m.stored.partial { // every stored row is read
		for i := range packs {
			m.stored.rev = max(m.stored.rev, packs[i].Rev)
		}
	}
	if h, err := d.Syncer().History(m.c.Ctx); err == nil {
		m.stored.history, m.stored.known = h, true
	}
}

// InitStored reads the stored packs past the first screen and starts watching the store for
// other sessions' writes (nil without a store): the root starts it whether or not the seller
// is known yet.
func (m *Model) InitStored() tea.Cmd {
	st := m.stored
	if st == nil {
		return nil
	}
	var read tea.Cmd
	if st.partial {
		read = m.readRowsCmd()
	}
	if st.watch == nil {
		st.watch, st.unwatch = st.data.Store().Watch()
	}
	return tea.Batch(read, m.watchCmd())
}

// storeWroteMsg says the store was written in this process since the list last looked.
type storeWroteMsg struct{}

// watchCmd waits for the next write to the store; the session's end stops the watch.
func (m *Model) watchCmd() tea.Cmd {
	ch, stop, ctx := m.stored.watch, m.stored.unwatch, m.c.Ctx
	return common.Own(common.ListOwner(), func() tea.Msg {
		select {
		case <-ch:
			return storeWroteMsg{}
		case <-ctx.Done():
			stop()
			return nil
		}
	})
}

// syncCmd runs a delta sync (the open conversation is the root's to refresh; the packs just
// replied to are fetched with it) and reads the stored rows it changed, as a task of the list:
// its error says offline, the rows still come back. A list with nothing to show yet (an empty
// store's first sync, which fetches every recent conversation through the rate budget) shows
// the orders as soon as they are stored and each conversation as it comes, instead of
// "Loading" until the end.
func (m *Model) syncCmd() tea.Cmd {
	d, links, since, replied := m.stored.data, m.links, m.stored.rev, m.stored.replied
	m.stored.replied = nil
	label := "Syncing conversations"
	var changed func()
	var progress chan struct{}
	if len(m.rows) == 0 {
		progress = make(chan struct{}, 1)
		changed = func() {
			select { // one pending re-read is enough
			case progress <- struct{}{}:
			default:
			}
		}
	}
	run := m.run(label, func(ctx context.Context) (tea.Msg, error) {
		_, err := d.Syncer().SyncNotify(ctx, changed, replied...)
		if progress != nil {
			close(progress)
		}
		packs, rev, perr := d.Store().PacksSince(ctx, since)
		if err == nil {
			err = perr
		}
		h, _ := d.Syncer().History(ctx)
		return syncedMsg{Rows: prepareStored(packs, links), Since: since, Rev: rev, History: h}, err
	})
	if progress == nil {
		return run
	}
	return tea.Batch(run, waitSyncProgress(progress))
}

// syncProgressMsg says the running sync stored something the list shows.
type syncProgressMsg struct{ ch chan struct{} }

// waitSyncProgress waits for the running sync's next change (nothing once it ended).
func waitSyncProgress(ch chan struct{}) tea.Cmd {
	return common.Own(common.ListOwner(), func() tea.Msg {
		if _, ok := <-ch; !ok {
			return nil
		}
		return syncProgressMsg{ch: ch}
	})
}

// backfillCmds start the background walk through older history (once per list; a Syncer
// shared by several sessions runs one walk, the others see its progress on their next sync)
// and the reader of its progress. Neither is a task: the spinner is for what the seller waits on.
func (m *Model) backfillCmds() tea.Cmd {
	st := m.stored
	if st.filling {
		return nil
	}
	st.filling = true
	ch := make(chan store.History, 1)
	st.progress = ch
	syncer, ctx := st.data.Syncer(), m.c.Ctx
	run := func() tea.Msg {
		err := syncer.Backfill(ctx, func(h store.History) {
			select { // keep only the newest progress
			case <-ch:
			default:
			}
			ch <- h
		})
		close(ch)
		return backfillEndMsg{Err: err}
	}
	return tea.Batch(common.Own(common.ListOwner(), run), m.waitProgress())
}

func (m *Model) waitProgress() tea.Cmd {
	ch := m.stored.progress
	return common.Own(common.ListOwner(), func() tea.Msg {
		h, ok := <-ch
		if !ok {
			return nil
		}
		return backfillProgressMsg{History: h}
	})
}

// readRowsCmd reads the stored rows changed since the list last read (all of them the first
// time) off the update loop.
func (m *Model) readRowsCmd() tea.Cmd {
	d, ctx, links, since := m.stored.data, m.c.Ctx, m.links, m.stored.rev
	return common.Own(common.ListOwner(), func() tea.Msg {
		packs, rev, err := d.Store().PacksSince(ctx, since)
		if err != nil {
			return nil
		}
		h, _ := d.Syncer().History(ctx)
		return storedRowsMsg{Rows: prepareStored(packs, links), Since: since, Rev: rev, History: h}
	})
}

// updateStored handles the store's messages; ok is false for anything else.
func (m *Model) updateStored(msg tea.Msg) (tea.Cmd, bool) {
	st := m.stored
	switch msg := msg.(type) {
	case common.TaskFinishedMsg:
		res, ok := msg.Msg.(syncedMsg)
		if !ok {
			return nil, false
		}
		m.loading, m.loaded = false, true
		m.loadErr = ""
		if msg.Err != nil && len(res.Rows) == 0 {
			m.loadErr = sanitize.Line(msg.Err.Error())
		}
		cmds := []tea.Cmd{m.mergeChanged(res.Rows, res.Since, res.Rev)}
		st.history, st.known = res.History, true
		if msg.Err == nil {
			st.synced = true
			m.live = true
			cmds = append(cmds, m.backfillCmds())
		}
		if len(st.replied) > 0 { // replies sent while it ran
			m.loading = true
			cmds = append(cmds, m.syncCmd())
		}
		return tea.Batch(cmds...), true
	case syncProgressMsg:
		return tea.Batch(m.readRowsCmd(), waitSyncProgress(msg.ch)), true
	case storeWroteMsg:
		// The seller's marks written since (their other sessions', in a served team inbox),
		// and the rows the write changed, once every row has been read (before that, the
		// reading of them all is on its way and a second one would cost as much again).
		marks := m.c.Seen.Refresh(m.c, common.ListOwner())
		if st.rev < 0 {
			return tea.Batch(marks, m.watchCmd()), true
		}
		return tea.Batch(marks, m.readRowsCmd(), m.watchCmd()), true
	case common.SeenChangedMsg:
		for _, id := range m.c.Seen.Merge(msg) {
			// Set in another session, against the count it knew: no more than Mercado
			// Libre's count now is still unread (setUnread).
			if r := m.byID[id]; r != nil && r.counted {
				m.c.Seen.Lower(id, r.Unread)
			}
		}
		m.applyFilter(m.Selected())
		return nil, true
	case backfillProgressMsg:
		st.history, st.known = msg.History, true
		return tea.Batch(m.readRowsCmd(), m.waitProgress()), true
	case backfillEndMsg:
		st.filling = false
		st.history.Syncing = false
		return m.readRowsCmd(), true
	case storedRowsMsg:
		cmd := m.mergeChanged(msg.Rows, msg.Since, msg.Rev)
		st.history, st.known = msg.History, true
		return cmd, true
	}
	return nil, false
}

// replied notes a reply sent to pack: the next sync fetches its conversation (now when none is
// running, else as soon as the running one ends).
func (m *Model) replied(pack string) tea.Cmd {
	st := m.stored
	if !slices.Contains(st.replied, pack) {
		st.replied = append(st.replied, pack)
	}
	if m.loading { // the running sync's end starts the next one
		return nil
	}
	m.loading = true
	return m.syncCmd()
}

// mergeChanged merges the stored rows read from revision since up to rev and, when they show
// buyers writing, asks the root to ring.
func (m *Model) mergeChanged(rows []storedRow, since, rev int64) tea.Cmd {
	var notice tea.Cmd
	if m.stored.synced {
		notice = m.notifyNew(rows, since < 0)
	}
	if len(rows) > 0 {
		m.mergeStored(rows)
	}
	m.stored.rev = max(m.stored.rev, rev)
	return notice
}

// notifyNew asks the root to ring for the stored rows whose unread count went up: a buyer wrote.
// It reads the rows before they are merged. The notice comes from the store, not from the sync
// that fetched the messages, so every session sharing the store rings (each teammate's
// terminal), whichever session's sync got there first. A read of every row (all, the first one
// past the first screen) brings rows the list had not read yet: those are not news, only the
// rows it knew are compared.
func (m *Model) notifyNew(rows []storedRow, all bool) tea.Cmd {
	type fresh struct {
		buyer string
		at    time.Time
	}
	var news []fresh
	count := 0
	for i := range rows {
		s := &rows[i]
		before := 0
		name := s.buyer
		if r := m.byID[s.id]; r != nil {
			if s.rev < r.storedRev {
				continue
			}
			before = r.Unread
			if name == "" {
				name = r.Buyer
			}
		} else if all {
			continue
		}
		if s.unread <= before {
			continue
		}
		if name == "" {
			name = s.id
		}
		news = append(news, fresh{buyer: name, at: s.lastAt})
		count += s.unread - before
	}
	if count == 0 {
		return nil
	}
	slices.SortStableFunc(news, func(a, b fresh) int { return b.at.Compare(a.at) }) // newest first
	buyers := make([]string, len(news))
	for i, f := range news {
		buyers[i] = f.buyer
	}
	msg := common.NewMessagesMsg{Count: count, Buyers: buyers}
	return func() tea.Msg { return msg }
}

// storedRow is a stored pack as the list shows it, sanitised and drawn off the update loop.
type storedRow struct {
	id, buyer, site, title, last string
	orders                       []string // the sale's ids, as the order search gave them (PackInfo)
	shipment                     string
	lastT                        string // the newest message's translation, "" when none
	unread                       int
	lastAt                       time.Time
	blocked                      bool
	substatus                    string
	header                       bool // the newest message (or its absence) is known
	empty, lastMine              bool
	receipt                      common.Receipt // where the newest message stands, when it is the seller's
	rev                          int64          // the store's revision of the row
}

// prepareStored turns stored packs into rows (sanitising, links drawn as in the conversation).
// It touches no model: commands call it. links is only read (its patterns are safe to share).
func prepareStored(packs []store.Pack, links *open.Parser) []storedRow {
	out := make([]storedRow, 0, len(packs))
	for i := range packs {
		p := &packs[i]
		r := storedRow{id: p.ID, unread: p.Unread, buyer: sanitize.Line(p.Buyer()), site: sanitize.Line(p.Site), lastAt: p.DateCreated, rev: p.Rev}
		if len(p.ItemTitles) > 0 {
			r.title = sanitize.Line(strings.Join(p.ItemTitles, " · "))
		}
		for _, o := range p.Orders {
			if id := sanitize.Line(o); id != "" {
				r.orders = append(r.orders, id)
			}
		}
		r.shipment = sanitize.Line(p.Shipment)
		if !p.LastMessageAt.IsZero() {
			r.lastAt = p.LastMessageAt
		}
		if p.Status != nil {
			if cs, err := p.Status.Decode(); err == nil && cs.Blocked() {
				r.blocked, r.substatus = true, sanitize.Line(string(cs.Substatus))
			}
		}
		switch {
		case p.LastMessageID != "":
			r.header, r.lastMine = true, p.LastFromSeller
			r.last = strings.Join(strings.Fields(links.Render(p.LastMessageText)), " ")
			r.lastT = strings.Join(strings.Fields(links.Render(p.LastMessageTranslated)), " ")
			if r.lastMine {
				d := p.LastDelivery()
				r.receipt = common.ReceiptOf(&d, false)
			}
		case !p.FetchedAt.IsZero():
			r.header, r.empty = true, true
		}
		out = append(out, r)
	}
	return out
}

// mergeStored replaces the rows' data with the stored rows and keeps the cursor on the seller's
// row. A stored row older than the one already merged (two reads in flight, answered out of
// order) is skipped.
func (m *Model) mergeStored(rows []storedRow) {
	for i := range rows {
		s := &rows[i]
		r := m.ensure(s.id)
		if s.rev < r.storedRev {
			continue
		}
		r.storedRev = s.rev
		m.setUnread(r, s.unread)
		if s.buyer != "" {
			r.Buyer = s.buyer
		}
		if s.site != "" {
			r.Site = s.site
		}
		if s.title != "" {
			r.Title = s.title
		}
		// The sale's ids reach the conversation and its composer (PackInfo).
		if len(s.orders) > 0 {
			r.Orders = s.orders
		}
		if s.shipment != "" {
			r.Shipping = s.shipment
		}
		r.LastAt = s.lastAt
		r.Blocked, r.Substatus = s.blocked, s.substatus
		if s.header {
			// A reply still due for its receipt check (awaitReceipts) stays due: the store having
			// the row again says nothing of whether the buyer has read it since.
			r.header, r.stale = headerDone, r.stale && s.lastMine && !s.receipt.Final()
			// The receipt too: whatever this session last heard (a header it fetched, its own
			// send), every session shows what the store says.
			r.Empty, r.Last, r.LastT, r.LastMine, r.Receipt = s.empty, s.last, s.lastT, s.lastMine, s.receipt
		}
	}
	m.applyFilter(m.Selected())
}

// StoredData says whether the rows shown came from the local store, and when its last delta sync
// completed (zero when none did): offline, that is how old what the seller reads is.
func (m *Model) StoredData() (stored bool, synced time.Time) {
	if m.stored == nil || !m.stored.synced || len(m.byID) == 0 {
		return false, time.Time{}
	}
	return true, m.stored.history.Synced
}

// historyWords are the title's words on the stored history: the long and the short wording
// ("history back to 2025-03-02", "history to 2025-03-02"), each also with " · syncing", which the
// title shows while the history is being synced. All "" without a store.
type historyWords struct {
	long, short         string
	longSync, shortSync string
	syncing             bool
}

// historyNote is the title's words on the stored history (historyWords).
func (m *Model) historyNote() historyWords {
	if m.stored == nil || !m.stored.known {
		return historyWords{}
	}
	h := m.stored.history
	syncing := h.Syncing || m.stored.filling || m.loading
	h.Syncing = false
	w := historyWords{long: h.String(), short: h.Short(), syncing: syncing}
	h.Syncing = true
	w.longSync, w.shortSync = h.String(), h.Short()
	return w
}
