package packlist

// Read receipts in the list: a row whose newest message is the seller's shows whether the
// buyer has it (✓), read it (✓✓), or whether moderation holds it (…) or stopped it (✗), and a
// poll looks again at the rows whose receipt can still change.

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"

	"github.com/postsale/postsale/ui/common"
)

// receiptMark is the row's mark before "You:", with a trailing space; "" when there is none.
func (m *Model) receiptMark(r *row) string {
	if !r.LastMine {
		return ""
	}
	mark := r.Receipt.Mark(false)
	if mark == "" {
		return ""
	}
	return markStyle(m.c.Styles, r.Receipt).Render(mark) + " "
}

// receiptWords says, before "You:", that moderation held or stopped the seller's reply ("not
// delivered to the buyer: shortened link · "), in the mark's colour; "" otherwise.
func (m *Model) receiptWords(r *row) string {
	switch r.Receipt.State {
	case common.ReceiptNotDelivered, common.ReceiptModeration:
		words := r.Receipt.Words(m.c.Now(), m.c.Location)
		return markStyle(m.c.Styles, r.Receipt).Render(words) + m.c.Styles.Subtle.Render(" · ")
	}
	return ""
}

func markStyle(st *common.Styles, r common.Receipt) lipgloss.Style {
	switch r.State {
	case common.ReceiptRead:
		return st.Success
	case common.ReceiptNotDelivered, common.ReceiptModeration:
		return st.Warning
	}
	return st.Subtle
}

// receiptWatch is how long after a reply the interval poll keeps asking whether the buyer read
// it; past that only a manual refresh (R) looks again, so replies a buyer ignores cost nothing.
const receiptWatch = 7 * 24 * time.Hour

// awaitReceipts marks stale the rows whose newest message is the seller's, recent (any age on
// R) and not yet read (nor stopped by moderation), so the headers fetched for the rows on screen
// bring news of it: unread counts alone never change when the buyer reads. Over a store the
// header fetched is stored, and every list reading it follows.
func (m *Model) awaitReceipts(manual bool) {
	now := m.c.Now()
	for _, r := range m.rows {
		if r.header == headerDone && r.LastMine && !r.Receipt.Final() && (manual || now.Sub(r.LastAt) < receiptWatch) {
			r.stale = true
		}
	}
}

// receiptLegend is the `?` overlay's explanation of the marks: one entry per mark, never bound
// to a key anyone can type.
func receiptLegend() []key.Binding {
	var out []key.Binding
	for _, l := range common.ReceiptLegend(false) {
		out = append(out, key.NewBinding(key.WithKeys("\x00receipt "+l[0]), key.WithHelp(l[0], l[1])))
	}
	return out
}

// draftMark starts the preview of a row with an unsent reply.
const draftMark = "✎ draft"

// hasDraft reports whether the seller left an unsent reply in pack (this session or on disk).
func (m *Model) hasDraft(pack string) bool { return m.c.DraftMarks.Has(pack) }
