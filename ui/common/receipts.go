package common

import (
	"time"

	"github.com/postsale/postsale/api"
)

// ReceiptState is where a seller's message stands on its way to the buyer.
type ReceiptState uint8

// Receipt states, from the seller's side. The zero value is "nothing to say" (a buyer's message).
const (
	ReceiptNone         ReceiptState = iota
	ReceiptSending                   // this session is sending it; the API has not answered
	ReceiptSent                      // the API has it; the buyer was not told yet
	ReceiptTranslating               // waiting for its translation before it is delivered
	ReceiptModeration                // held for moderation
	ReceiptNotDelivered              // rejected or blocked by moderation: the buyer never sees it
	ReceiptDelivered                 // the buyer was notified (message_date.notified)
	ReceiptRead                      // the buyer read it (message_date.read)
)

// Receipt is a seller message's delivery state: the state, when it was reached (delivered and
// read only) and, when moderation stopped it, why in plain words.
type Receipt struct {
	State  ReceiptState
	At     time.Time
	Reason string
}

// ReceiptOf says where the seller's message m stands; sending is true while this session is
// still waiting for the API's answer. Moderation wins over the dates: a rejected message that
// somehow carries a read date was still not delivered.
func ReceiptOf(m *api.Message, sending bool) Receipt {
	if sending {
		return Receipt{State: ReceiptSending}
	}
	mod := m.Moderation
	switch {
	case m.Status == api.StatusRejected || m.Status == api.StatusBlocked || m.Status == api.StatusModerated ||
		mod.Status == api.ModerationRejected || mod.Status == api.ModerationBlocked:
		return Receipt{State: ReceiptNotDelivered, Reason: ReasonWords(mod.Reason)}
	case m.Status == api.StatusInModeration || mod.Status == api.ModerationPending:
		return Receipt{State: ReceiptModeration}
	case !m.MessageDate.Read.IsZero():
		return Receipt{State: ReceiptRead, At: m.MessageDate.Read.Time}
	case !m.MessageDate.Notified.IsZero():
		return Receipt{State: ReceiptDelivered, At: m.MessageDate.Notified.Time}
	case m.Status == api.StatusPendingTranslation:
		return Receipt{State: ReceiptTranslating}
	}
	return Receipt{State: ReceiptSent}
}

// Words says the receipt in plain words, times local to loc ("read 14:31"; "read Nov 24 14:31"
// for a day other than now's; the year too when it is not now's year). loc nil means UTC.
func (r Receipt) Words(now time.Time, loc *time.Location) string {
	switch r.State {
	case ReceiptSending:
		return "sending…"
	case ReceiptSent:
		return "sent"
	case ReceiptTranslating:
		return "sent, waiting for translation"
	case ReceiptModeration:
		return "in moderation"
	case ReceiptNotDelivered:
		if r.Reason == "" {
			return "not delivered to the buyer"
		}
		return "not delivered to the buyer: " + r.Reason
	case ReceiptDelivered:
		return "delivered " + ShortTime(r.At, now, loc)
	case ReceiptRead:
		return "read " + ShortTime(r.At, now, loc)
	}
	return ""
}

// Mark is the receipt as a one- or two-cell mark for lists: ✓ delivered, ✓✓ read, ✗ not
// delivered, … in moderation; "" for the rest. ascii gives plain-ASCII marks (v, vv, x, ~).
func (r Receipt) Mark(ascii bool) string {
	var fancy, plain string
	switch r.State {
	case ReceiptDelivered:
		fancy, plain = "✓", "v"
	case ReceiptRead:
		fancy, plain = "✓✓", "vv"
	case ReceiptNotDelivered:
		fancy, plain = "✗", "x"
	case ReceiptModeration:
		fancy, plain = "…", "~"
	}
	if ascii {
		return plain
	}
	return fancy
}

// Final reports whether the receipt can no longer change on its own (read, or stopped by
// moderation): a poll need not look at it again.
func (r Receipt) Final() bool {
	return r.State == ReceiptRead || r.State == ReceiptNotDelivered || r.State == ReceiptNone
}

// ReceiptLegend is what the marks mean (of the seller's newest reply), for help overlays.
func ReceiptLegend(ascii bool) [][2]string {
	return [][2]string{
		{Receipt{State: ReceiptDelivered}.Mark(ascii), "delivered"},
		{Receipt{State: ReceiptRead}.Mark(ascii), "read by buyer"},
		{Receipt{State: ReceiptModeration}.Mark(ascii), "in moderation"},
		{Receipt{State: ReceiptNotDelivered}.Mark(ascii), "not delivered"},
	}
}

// ShortTime is t in loc as "15:04" on now's day, "Jan 2 15:04" on another day of now's year,
// else "Jan 2 2006 15:04". loc nil means UTC.
func ShortTime(t, now time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "(time unknown)"
	}
	if loc == nil {
		loc = time.UTC
	}
	lt, ln := t.In(loc), now.In(loc)
	switch {
	case lt.Year() == ln.Year() && lt.YearDay() == ln.YearDay():
		return lt.Format("15:04")
	case lt.Year() == ln.Year():
		return lt.Format("Jan 2 15:04")
	}
	return lt.Format("Jan 2 2006 15:04")
}
