package api

import (
	"cmp"
	"slices"
	"time"
)

// Mercado Libre promises no order inside a page of messages (its one example pages newest
// first), so postsale never takes order from array position: it sorts by message_date.created,
// then received, then id, and de-duplicates by id when pages and polls are merged.

// compareMessages orders a before b when a is older.
func compareMessages(a, b *Message) int {
	key := func(m *Message) time.Time {
		if !m.MessageDate.Created.IsZero() {
			return m.MessageDate.Created.Time
		}
		return m.Date()
	}
	if c := key(a).Compare(key(b)); c != 0 {
		return c
	}
	if c := a.MessageDate.Received.Compare(b.MessageDate.Received.Time); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// SortNewestFirst sorts msgs in place, newest first.
func SortNewestFirst(msgs []Message) {
	slices.SortStableFunc(msgs, func(a, b Message) int { return compareMessages(&b, &a) })
}

// SortedNewestFirst returns a sorted copy of msgs, newest first.
func SortedNewestFirst(msgs []Message) []Message {
	out := slices.Clone(msgs)
	SortNewestFirst(out)
	return out
}

// MergeMessages joins batches of messages (pages, polls) into one list, newest first, with each
// id once: a later batch's copy of a message replaces an earlier one (it is fresher). Messages
// without an id are kept as they are.
func MergeMessages(batches ...[]Message) []Message {
	var out []Message
	at := map[string]int{}
	for _, batch := range batches {
		for _, m := range batch {
			if m.ID != "" {
				if i, ok := at[m.ID]; ok {
					out[i] = m
					continue
				}
				at[m.ID] = len(out)
			}
			out = append(out, m)
		}
	}
	SortNewestFirst(out)
	return out
}
