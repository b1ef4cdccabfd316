package cli

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/config/seen"
	"github.com/postsale/postsale/ui"
	"github.com/postsale/postsale/ui/packlist"
)

// storeNotOpened is the one sentence of an inbox whose local store could not open at all.
const storeNotOpened = "The local history could not be opened, so this inbox reads Mercado Libre only (see the log)."

// withStore puts the account's local store (a temporary one with --demo) at the session's data
// seam: the inbox starts on what it stored and the API refreshes it. A store set aside as
// damaged says so in the status bar until the first key (offline too, worded for a store rebuilt
// once Mercado Libre can be reached); one that cannot open leaves the inbox on the API.
func (a *app) withStore(ctx context.Context, so *ui.SessionOptions) {
	st, err := a.openStoreQuiet(ctx)
	if err != nil {
		a.log().Error("local store not opened", "err", err)
		so.Notice = storeNotOpened
		return
	}
	a.onStore(st, so)
	so.Notice, so.OfflineNotice = storeNotices(st)
}

// onStore puts st (open, or opening) at the session's data seam, with the seller's triage marks:
// they live with the history (the file earlier versions wrote is imported once). The demo's stay
// in memory, as its store is temporary.
func (a *app) onStore(st *store.Store, so *ui.SessionOptions) {
	so.Data = store.NewData(st, a.client, store.SyncOptions{BackfillShare: a.settings.BackfillShare})
	if file, ok := so.Seen.(*seen.Dir); ok {
		so.Seen = ui.NewStoreSeen(st, "", file)
	}
}

// storeNotices are the session's start sentence for a store the opening set aside, and its
// wording while Mercado Libre cannot be reached ("" and "" when nothing was set aside).
func storeNotices(st *store.Store) (notice, offline string) {
	return st.Notice(), st.NoticeFor(store.RebuildWhenReachable)
}

// onFirstScreen sets the session up on the store before it opens (its opening deferred by
// storeAhead: the store saved a first screen at the inbox's last exit, and no process wrote it
// since), starting on that screen. A screen with fewer rows than this terminal shows is not
// used: the session reads the store instead.
func (a *app) onFirstScreen(so *ui.SessionOptions) {
	st := a.ahead.started
	a.onStore(st, so)
	if first, ok := st.SavedFirstScreen("", packlist.FirstScreenRows(so.Height)); ok {
		so.First = &first
	}
}

// storeStillClosed is the sentence of an inbox started on its saved first screen whose store
// then could not open: what it shows cannot be refreshed. The saved screen is discarded, so the
// next start reads Mercado Libre without the store (withStore's storeNotOpened).
const storeStillClosed = "The local history could not be opened (see the log): this is the last session's inbox; start postsale again to read Mercado Libre without it."

// sayStoreOpened waits for the store an inbox started on its first screen is opening, and gives
// the inbox the sentence a store set aside, or not opened, calls for (withStore's, which had no
// store to ask when the session was built).
func (a *app) sayStoreOpened(ctx context.Context, p *tea.Program) {
	select {
	case <-a.ahead.started.Opened(): // opened on the session's first use, not started here
	case <-ctx.Done():
		return
	}
	st, err := a.openStoreQuiet(ctx)
	switch {
	case ctx.Err() != nil:
	case err != nil:
		a.log().Error("local store not opened", "err", err)
		if derr := store.DiscardFirstScreen(a.ahead.started.Path()); derr != nil {
			a.log().Warn("saved first screen not removed", "err", derr)
		}
		p.Send(ui.StoreNoticeMsg{Notice: storeStillClosed})
	default:
		if notice, offline := storeNotices(st); notice != "" {
			p.Send(ui.StoreNoticeMsg{Notice: notice, OfflineNotice: offline})
		}
	}
}

// keepFirstScreen reads the inbox's first screen (as many rows as a terminal of height shows)
// for closeStore to save beside the store once it is closed, so the next start can show it at
// once. The demo's store is temporary: nothing is kept.
func (a *app) keepFirstScreen(height int) {
	o := a.ahead
	if a.demo || o == nil || o.started == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), firstScreenWait)
	defer cancel()
	if o.started.Ready(ctx) != nil {
		return
	}
	first, err := o.started.ReadFirstScreen(ctx, "", packlist.FirstScreenRows(height))
	if err != nil {
		a.log().Warn("first screen not kept", "err", err)
		return
	}
	o.first = &first
}

// firstScreenWait bounds reading the first screen at exit: a store another process keeps busy
// does not hold the terminal.
const firstScreenWait = 2 * time.Second
