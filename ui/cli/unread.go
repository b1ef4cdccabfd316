package cli

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/ui/common"
)

// unreadHeadersInFlight bounds the conversation headers `unread` reads at once, as the inbox
// does (packlist.MaxHeadersInFlight); every request also goes through the shared rate limiter.
const unreadHeadersInFlight = 4

// unreadPreview is how much of the last message a line of `unread` shows.
const unreadPreview = 60

// unreadRow is one line of `unread`: the pack, its count and what its newest message says.
type unreadRow struct {
	pack  string
	count int
	buyer string
	last  string
	at    time.Time
	err   error
}

// unreadRows reads the newest message of each unread conversation (limit=1, never marking
// anything read), a few at a time, and keeps the API's order.
func (a *app) unreadRows(ctx context.Context, u *api.Unread) []unreadRow {
	rows := make([]unreadRow, len(u.Results))
	sem := make(chan struct{}, unreadHeadersInFlight)
	var wg sync.WaitGroup
	for i, r := range u.Results {
		id := r.PackID()
		if id == "" {
			id = r.Resource
		}
		rows[i] = unreadRow{pack: id, count: r.Count}
		if r.PackID() == "" {
			continue
		}
		wg.Add(1)
		go func(row *unreadRow) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			conv, err := a.client.PackMessages(ctx, row.pack, api.PageOptions{Limit: 1})
			if err != nil {
				row.err = err
				return
			}
			if len(conv.Messages) == 0 {
				return
			}
			last := conv.Messages[0]
			buyer := last.From
			if string(last.From.UserID) == string(u.UserID) {
				buyer = last.To
			}
			if !api.IsAgent(string(buyer.UserID)) {
				row.buyer = sanitize.Line(buyer.Name)
			}
			row.last = strings.Join(strings.Fields(sanitize.Line(last.Text)), " ")
			row.at = last.Date()
		}(&rows[i])
	}
	wg.Wait()
	return rows
}

// writeUnread prints one line per conversation: pack, buyer, count, age and the last message.
func (a *app) writeUnread(ctx context.Context, u *api.Unread) {
	now := time.Now()
	total := 0
	rows := a.unreadRows(ctx, u)
	a.storedBuyers(ctx, rows)
	for _, r := range rows {
		total += r.count
		buyer := r.buyer
		if buyer == "" {
			buyer = "(buyer unknown)"
		}
		line := fmt.Sprintf("pack %s\t%s\t%d unread", sanitize.Line(r.pack), buyer, r.count)
		switch {
		case r.err != nil:
			line += "\t(not read: " + sanitize.Line(api.Explain(r.err)) + ")"
		case !r.at.IsZero():
			line += "\t" + ageWords(now, r.at) + "\t" + common.Truncate(r.last, unreadPreview)
		}
		fmt.Fprintln(a.io.Out, line)
	}
	fmt.Fprintf(a.io.Out, "%d unread in %d conversations.\n", total, len(u.Results))
}

// storedBuyers names, from the local store, the buyers the last message could not name (a
// thread Mercado Libre's messaging agent answers for the buyer: the inbox names them from the
// order search, which the store keeps). The store is opened only when a row needs it; a store
// that cannot open leaves the rows as they are.
func (a *app) storedBuyers(ctx context.Context, rows []unreadRow) {
	var st *store.Store
	for i := range rows {
		r := &rows[i]
		if r.buyer != "" || r.err != nil || r.pack == "" {
			continue
		}
		if st == nil {
			var err error
			if st, err = a.openStoreQuiet(ctx); err != nil {
				a.log().Warn("local store not opened to name buyers", "err", err)
				return
			}
		}
		if p, ok, err := st.Pack(ctx, r.pack); err == nil && ok {
			r.buyer = sanitize.Line(cmp.Or(p.BuyerName, p.BuyerNickname))
		}
	}
}

// ageWords is common.Age for a sentence: "3h ago", or "now".
func ageWords(now, t time.Time) string {
	age := common.Age(now, t)
	if age == "now" {
		return age
	}
	return age + " ago"
}
