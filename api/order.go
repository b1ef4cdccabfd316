package api

import (
	"cmp"
	"slices"
)

// Mercado Libre promises no order inside a page of messages (its one example pages newest
// first), so postsale sorts by message_date.created, then received, and de-duplicates by id when
// pages and polls are merged. Dates are compared to the second: Mercado Libre writes some with
// milliseconds and some without ("…:05Z" may be later than "…:05.400Z"), so within a second the
// dates say nothing, and neither does the message id (random). Messages of the same second are
// ordered by the best evidence there is: the server's own order within a read (newest first),
// and where a read does not say, the read's window (MergeOrder).

// orderKey is what messages are sorted by: the second of the message's date
// (message_date.created, else the best date it has), then the second of received.
type orderKey struct {
	date, received int64 // Unix seconds; the zero time has its own
}

func keyOf(m *Message) orderKey {
	date := m.MessageDate.Created.Time
	if date.IsZero() {
		date = m.Date()
	}
	return orderKey{date.Unix(), m.MessageDate.Received.Unix()}
}

func (k orderKey) compare(o orderKey) int {
	return cmp.Or(cmp.Compare(k.date, o.date), cmp.Compare(k.received, o.received))
}

// CompareMessages orders a before b (negative) when a is older, by the second of
// message_date.created (else the best date a message has), then of received; messages of the
// same second compare equal.
func CompareMessages(a, b *Message) int { return keyOf(a).compare(keyOf(b)) }

// SameSecond reports whether a and b tie: dated (and received) in the same second, so only the
// order the server gave them (or a stored place) says which came first.
func SameSecond(a, b *Message) bool { return CompareMessages(a, b) == 0 }

// SortNewestFirst sorts msgs in place, newest first. Messages of the same second keep the order
// they are in: give them in the server's order (a page as served) and that order stays.
func SortNewestFirst(msgs []Message) {
	slices.SortStableFunc(msgs, func(a, b Message) int { return CompareMessages(&b, &a) })
}

// SortedNewestFirst returns a sorted copy of msgs, newest first (ties as SortNewestFirst).
func SortedNewestFirst(msgs []Message) []Message {
	out := slices.Clone(msgs)
	SortNewestFirst(out)
	return out
}

// MergeMessages joins batches of messages into one list, newest first, with each id once. Each
// batch is one read of the API in the order served (a page, a poll, or the pages of one walk
// joined in the order read), and batches come in the order they were read: a later batch's copy
// of a message replaces an earlier one (it is fresher), and messages of the same second are placed
// as MergeOrder places them. Messages without an id are kept as they are.
func MergeMessages(batches ...[]Message) []Message {
	var out []Message // oldest first while merging
	for _, batch := range batches {
		fresh := map[string]int{}
		for i := range batch {
			if id := batch[i].ID; id != "" {
				if _, ok := fresh[id]; !ok {
					fresh[id] = i
				}
			}
		}
		refs := MergeOrder(out, batch)
		next := make([]Message, 0, len(refs))
		for _, r := range refs {
			if !r.Batch {
				m := out[r.I]
				if i, ok := fresh[m.ID]; ok && m.ID != "" {
					m = batch[i]
				}
				next = append(next, m)
				continue
			}
			next = append(next, batch[r.I])
		}
		out = next
	}
	if len(out) == 0 {
		return nil
	}
	slices.Reverse(out)
	return out
}

// MergeRef names one message of MergeOrder's answer: the I-th of held, or with Batch the I-th of
// the batch.
type MergeRef struct {
	Batch bool
	I     int
}

// MergeOrder says where the messages of batch go among held, and returns the merged order,
// oldest first, as references. held is what is shown or stored, oldest first (its order among
// messages of the same second is the one to keep); batch is one read of the API in the order
// served (newest first; within a second its order is the server's evidence of which came first).
//
// Every message of held appears once and keeps its place among the messages of its second. A
// message of batch that held has (same id) is not listed again: its held copy stands for it,
// dated as the batch dates it. Every other message of batch (each id once) goes by date, and
// among the held messages of its second:
//   - where batch has some of them too: after the last of them (in held's order) that batch has
//     older than it, else before the first of them, so batch's order is followed where held
//     overlaps it (and held's where the two disagree);
//   - where batch has none of them, by the read's window: batch is a contiguous stretch of the
//     conversation, so the held ones lie outside it. A batch that reaches a later second puts them
//     below it (the new message is newer than them); one that reaches only earlier seconds puts
//     them above it (it is older: an older page of a walk); one with nothing but that second
//     cannot say, and the later read counts as the newer (a poll's news).
//
// The answer is sorted by date (the batch's date for held messages it has) and, within a second,
// by the order above.
func MergeOrder(held, batch []Message) []MergeRef {
	heldAt := make(map[string]int, len(held))
	for i := range held {
		if id := held[i].ID; id != "" {
			heldAt[id] = i
		}
	}
	// The batch's messages each once, oldest first: newest first by date, ties as served, then
	// reversed.
	var order []int
	seen := map[string]bool{}
	for i := range batch {
		if id := batch[i].ID; id != "" {
			if seen[id] {
				continue
			}
			seen[id] = true
		}
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int { return CompareMessages(&batch[b], &batch[a]) })
	slices.Reverse(order)

	// Every message's key: a held message the batch has is dated as the batch dates it.
	heldKey := make([]orderKey, len(held))
	for i := range held {
		heldKey[i] = keyOf(&held[i])
	}
	known := map[int]int{} // batch index of a message held has -> its held index
	for _, bi := range order {
		if hi, ok := heldAt[batch[bi].ID]; ok && batch[bi].ID != "" {
			known[bi] = hi
			heldKey[hi] = keyOf(&batch[bi])
		}
	}
	var minKey, maxKey orderKey
	for n, bi := range order {
		k := keyOf(&batch[bi])
		if n == 0 || k.compare(minKey) < 0 {
			minKey = k
		}
		if n == 0 || k.compare(maxKey) > 0 {
			maxKey = k
		}
	}

	// Within a second, each held message carries the new messages placed just before and just
	// after it; new messages with no held neighbour go at an end of their second.
	before := map[int][]int{}
	after := map[int][]int{}
	oldestEnd := map[orderKey][]int{}
	newestEnd := map[orderKey][]int{}
	for start := 0; start < len(order); {
		k := keyOf(&batch[order[start]])
		end := start
		for end < len(order) && keyOf(&batch[order[end]]).compare(k) == 0 {
			end++
		}
		// The held messages of this second that the batch has: a new message goes after the last
		// of them (in held's order) that the batch has older than it, else before the first of
		// them (the batch has them all newer).
		first, last := -1, -1
		for _, bi := range order[start:end] {
			if hi, ok := known[bi]; ok && heldKey[hi].compare(k) == 0 && (first < 0 || hi < first) {
				first = hi
			}
		}
		var head []int
		for _, bi := range order[start:end] {
			if hi, ok := known[bi]; ok && heldKey[hi].compare(k) == 0 {
				last = max(last, hi)
				continue
			}
			switch {
			case last >= 0:
				after[last] = append(after[last], bi)
			case first >= 0:
				before[first] = append(before[first], bi)
			default:
				head = append(head, bi)
			}
		}
		if len(head) > 0 { // no held neighbour of this second in the batch
			if minKey.compare(k) < 0 && maxKey.compare(k) == 0 {
				oldestEnd[k] = append(oldestEnd[k], head...)
			} else {
				newestEnd[k] = append(newestEnd[k], head...)
			}
		}
		start = end
	}

	// Held messages sorted by date, keeping held's order within a second; new messages without a
	// held message of their second form a second of their own.
	type slot struct {
		key  orderKey
		held int // -1: a second with new messages only
	}
	slots := make([]slot, 0, len(held)+len(newestEnd))
	for i := range held {
		slots = append(slots, slot{heldKey[i], i})
	}
	heldDates := make(map[orderKey]bool, len(held))
	for i := range held {
		heldDates[heldKey[i]] = true
	}
	for k := range newestEnd {
		if !heldDates[k] {
			slots = append(slots, slot{k, -1})
		}
	}
	for k := range oldestEnd {
		if !heldDates[k] {
			if _, ok := newestEnd[k]; !ok {
				slots = append(slots, slot{k, -1})
			}
		}
	}
	slices.SortStableFunc(slots, func(a, b slot) int { return a.key.compare(b.key) })

	out := make([]MergeRef, 0, len(held)+len(order)-len(known))
	add := func(bis []int) {
		for _, bi := range bis {
			out = append(out, MergeRef{Batch: true, I: bi})
		}
	}
	for n, s := range slots {
		first := n == 0 || slots[n-1].key.compare(s.key) != 0
		last := n == len(slots)-1 || slots[n+1].key.compare(s.key) != 0
		if first {
			add(oldestEnd[s.key])
		}
		if s.held >= 0 {
			add(before[s.held])
			out = append(out, MergeRef{I: s.held})
			add(after[s.held])
		}
		if last {
			add(newestEnd[s.key])
		}
	}
	return out
}
