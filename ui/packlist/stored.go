package packlist

import (
	"context"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/ui/common"
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
	progress chan store.History
}

// syncedMsg is a delta sync's end: the stored rows after it and what it brought.
type syncedMsg struct {
	Packs   []store.Pack
	Report  store.SyncReport
	History store.History
}

// storedRowsMsg carries the stored rows re-read after the backfill stored older history.
type storedRowsMsg struct {
	Packs   []store.Pack
	History store.History
}

// backfillProgressMsg is the backfill's progress; backfillEndMsg its end.
type backfillProgressMsg struct{ History store.History }
type backfillEndMsg struct{ Err error }

// initStored fills the rows from the store synchronously: the first frame shows the stored
// inbox. Reading a local database here (in the constructor, not in Update) is the point.
func (m *Model) initStored(d Stored) {
	m.stored = &storedState{data: d}
	packs, err := d.Store().Packs(m.c.Ctx, 0, 0)
	if err != nil || len(packs) == 0 {
		return
	}
	m.applyStored(packs)
	m.loaded = true
	m.stored.synced = true
	if h, err := d.Syncer().History(m.c.Ctx); err == nil {
		m.stored.history, m.stored.known = h, true
	}
}

// syncCmd runs a delta sync (the open conversation is the root's to refresh) and re-reads the
// stored rows, as a task of the list: its error says offline, the rows still come back.
func (m *Model) syncCmd() tea.Cmd {
	d := m.stored.data
	label := "Syncing conversations"
	return m.run(label, func(ctx context.Context) (tea.Msg, error) {
		rep, err := d.Syncer().Sync(ctx)
		packs, perr := d.Store().Packs(ctx, 0, 0)
		if err == nil {
			err = perr
		}
		h, _ := d.Syncer().History(ctx)
		return syncedMsg{Packs: packs, Report: rep, History: h}, err
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

// readRowsCmd re-reads the stored rows off the update loop.
func (m *Model) readRowsCmd() tea.Cmd {
	d, ctx := m.stored.data, m.c.Ctx
	return common.Own(common.ListOwner(), func() tea.Msg {
		packs, err := d.Store().Packs(ctx, 0, 0)
		if err != nil {
			return nil
		}
		h, _ := d.Syncer().History(ctx)
		return storedRowsMsg{Packs: packs, History: h}
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
		if msg.Err != nil && len(res.Packs) == 0 {
			m.loadErr = sanitize.Line(msg.Err.Error())
		}
		if len(res.Packs) > 0 {
			m.applyStored(res.Packs)
		}
		st.history, st.known = res.History, true
		var cmds []tea.Cmd
		if len(res.Report.NewMessages) > 0 && st.synced {
			cmds = append(cmds, m.notifyNew(res.Report.NewMessages))
		}
		if msg.Err == nil {
			st.synced = true
			cmds = append(cmds, m.backfillCmds())
		}
		return tea.Batch(cmds...), true
	case backfillProgressMsg:
		st.history, st.known = msg.History, true
		return tea.Batch(m.readRowsCmd(), m.waitProgress()), true
	case backfillEndMsg:
		st.filling = false
		st.history.Syncing = false
		return m.readRowsCmd(), true
	case storedRowsMsg:
		m.applyStored(msg.Packs)
		st.history, st.known = msg.History, true
		return nil, true
	}
	return nil, false
}

// notifyNew asks the root to ring: the buyers' names of the packs with new messages.
func (m *Model) notifyNew(fresh []store.NewMessage) tea.Cmd {
	var buyers []string
	seen := map[string]bool{}
	for _, n := range fresh {
		if seen[n.PackID] {
			continue
		}
		seen[n.PackID] = true
		name := n.PackID
		if r := m.byID[n.PackID]; r != nil && r.Buyer != "" {
			name = r.Buyer
		}
		buyers = append(buyers, name)
	}
	msg := common.NewMessagesMsg{Count: len(fresh), Buyers: buyers}
	return func() tea.Msg { return msg }
}

// applyStored replaces the rows' data with the stored packs (newest activity first) and keeps
// the cursor on the seller's row.
func (m *Model) applyStored(packs []store.Pack) {
	for i := range packs {
		p := &packs[i]
		r := m.ensure(p.ID)
		r.Unread = p.Unread
		if b := sanitize.Line(p.Buyer()); b != "" {
			r.Buyer = b
		}
		if s := sanitize.Line(p.Site); s != "" {
			r.Site = s
		}
		if len(p.ItemTitles) > 0 {
			r.Title = sanitize.Line(strings.Join(p.ItemTitles, " · "))
		}
		r.LastAt = p.DateCreated
		if !p.LastMessageAt.IsZero() {
			r.LastAt = p.LastMessageAt
		}
		r.Blocked, r.Substatus = false, ""
		if p.Status != nil {
			if cs, err := p.Status.Decode(); err == nil && cs.Blocked() {
				r.Blocked, r.Substatus = true, sanitize.Line(string(cs.Substatus))
			}
		}
		switch {
		case p.LastMessageID != "":
			r.header, r.stale = headerDone, false
			r.Empty = false
			r.LastMine = p.LastFromSeller
			r.Last = strings.Join(strings.Fields(m.links.Render(p.LastMessageText)), " ")
		case !p.FetchedAt.IsZero():
			r.header, r.stale = headerDone, false
			r.Empty, r.Last, r.LastMine = true, "", false
		}
	}
	m.applyFilter(m.Selected())
}

// historyNote is the title's word on the stored history ("history back to 2025-03-02 ·
// syncing"), "" without a store.
func (m *Model) historyNote() string {
	if m.stored == nil || !m.stored.known {
		return ""
	}
	h := m.stored.history
	h.Syncing = h.Syncing || m.stored.filling || m.loading
	return h.String()
}
