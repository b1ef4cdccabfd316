package cli

import (
	"context"

	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/config/seen"
	"github.com/postsale/postsale/ui"
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
	so.Data = store.NewData(st, a.client, store.SyncOptions{BackfillShare: a.settings.BackfillShare})
	so.Notice, so.OfflineNotice = st.Notice(), st.NoticeFor(store.RebuildWhenReachable)
	// The seller's triage marks live with the history (the file earlier versions wrote is
	// imported once). The demo's stay in memory, as its store is temporary.
	if file, ok := so.Seen.(*seen.Dir); ok {
		so.Seen = ui.NewStoreSeen(st, "", file)
	}
}
