package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"time"

	"github.com/postsale/postsale/api"
)

// Messages of the same second (of message_date.created, then of received) tie: Mercado Libre
// writes some dates with milliseconds and some without, and ids are random. Each stored message
// has its place among the pack's messages of its second (messages.ord, 0 the oldest), taken
// from the evidence of the pages that brought them: api.MergeOrder places a page's new messages
// among the stored ones of their seconds, as the page orders them, else by the page's window (a
// newer sync's message is newer than an older sync's of the same second; an older page's,
// older). A stored message keeps its place whatever a later page says: it is updated, not
// moved. Only one stored before places were kept (ord NULL) is placed again, by the first page
// that brings it.

// placeTies works out the place (ord) of each message of p among the pack's messages of its
// second, stored or not, writes the places that change for stored messages, and returns those of
// p's messages by id for their upsert.
func placeTies(ctx context.Context, tx wtx, p Page) (map[string]int64, error) {
	inPage := make(map[string]*api.Message, len(p.Messages))
	var seconds []int64
	for i := range p.Messages {
		m := &p.Messages[i]
		if m.ID == "" {
			continue
		}
		if _, ok := inPage[m.ID]; !ok {
			inPage[m.ID] = m
		}
		if d := second(m.Date()); !slices.Contains(seconds, d) {
			seconds = append(seconds, d)
		}
	}
	if len(inPage) == 0 {
		return nil, nil
	}
	secondsJSON, err := json.Marshal(seconds)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, queryTieMates, p.PackID, string(secondsJSON))
	if err != nil {
		return nil, err
	}
	var held []api.Message
	was := map[string]sql.NullInt64{}
	for rows.Next() {
		var id string
		var created, received int64
		var ord sql.NullInt64
		if err := rows.Scan(&id, &created, &received, &ord); err != nil {
			rows.Close()
			return nil, err
		}
		was[id] = ord
		m := api.Message{ID: id}
		m.MessageDate.Created.Time, m.MessageDate.Received.Time = fromNanos(created), fromNanos(received)
		if pm, ok := inPage[id]; ok && (!ord.Valid || !api.SameSecond(&m, pm)) {
			// Stored before places were kept, or dated anew by this page: the page places it.
			continue
		}
		held = append(held, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	batch, err := withAbove(ctx, tx, p, held, inPage)
	if err != nil {
		return nil, err
	}

	// Each message's place is its rank among the merged messages of its second.
	ords := make(map[string]int64, len(inPage))
	var prev *api.Message
	rank := int64(0)
	for _, r := range api.MergeOrder(held, batch) {
		var m *api.Message
		if r.Batch {
			m = &batch[r.I]
		} else {
			m = &held[r.I]
			if pm, ok := inPage[m.ID]; ok {
				m = pm // dated as the page dates it
			}
		}
		if prev != nil && api.SameSecond(prev, m) {
			rank++
		} else {
			rank = 0
		}
		prev = m
		if m.ID == "" {
			continue
		}
		if _, inP := inPage[m.ID]; inP {
			ords[m.ID] = rank
			continue
		}
		if old := was[m.ID]; !old.Valid || old.Int64 != rank {
			if _, err := tx.ExecContext(ctx, queryOrd, rank, m.ID); err != nil {
				return nil, err
			}
		}
	}
	// The page's stored messages whose place moved but whose JSON did not are skipped by the
	// upsert: their place is written here.
	for id, ord := range ords {
		if old, ok := was[id]; ok && (!old.Valid || old.Int64 != ord) {
			if _, err := tx.ExecContext(ctx, queryOrd, ord, id); err != nil {
				return nil, err
			}
		}
	}
	return ords, nil
}

// withAbove is the page as api.MergeOrder reads it: for an older window (Offset > 0) whose
// newest second has messages stored but none of them in the page, the stored ones of that
// second that the API has above the window go before it, as the read that placed them (the
// window cannot say by itself: a page of nothing but that second is as new as any read). The
// API had Offset messages above the window; those stored of a later second are that many fewer.
func withAbove(ctx context.Context, tx wtx, p Page, held []api.Message, inPage map[string]*api.Message) ([]api.Message, error) {
	if p.Offset <= 0 {
		return p.Messages, nil
	}
	var head *api.Message
	for _, m := range inPage {
		if head == nil || api.CompareMessages(m, head) > 0 {
			head = m
		}
	}
	var mates []api.Message // stored of the head's second, not in the page, oldest first
	for i := range held {
		m := &held[i]
		if !api.SameSecond(m, head) {
			continue
		}
		if _, ok := inPage[m.ID]; ok {
			return p.Messages, nil // the page places its own against them
		}
		mates = append(mates, *m)
	}
	if len(mates) == 0 {
		return p.Messages, nil
	}
	created, received := second(head.Date()), second(head.MessageDate.Received.Time)
	var later int
	if err := tx.QueryRowContext(ctx, queryLater, p.PackID, created, created, received).Scan(&later); err != nil {
		return nil, err
	}
	above := min(p.Offset-later, len(mates))
	if above <= 0 {
		return p.Messages, nil
	}
	ctxMsgs := slices.Clone(mates[len(mates)-above:])
	slices.Reverse(ctxMsgs) // as served: newest first
	return append(ctxMsgs, p.Messages...), nil
}

// second is the second of a date as the store's queries take it: its nanoseconds (0 for none)
// divided as SQLite divides them.
func second(t time.Time) int64 { return nanos(t) / 1e9 }
