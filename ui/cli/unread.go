package cli

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
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
	for _, r := range a.unreadRows(ctx, u) {
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

// ageWords is common.Age for a sentence: "3h ago", or "now".
func ageWords(now, t time.Time) string {
	age := common.Age(now, t)
	if age == "now" {
		return age
	}
	return age + " ago"
}
