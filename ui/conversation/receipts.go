package conversation

// Read receipts: each of the seller's messages ends with where it stands (common.ReceiptOf in
// words), and the header repeats the newest one's. A poll that brings a message's new
// message_date replaces the held message (merge) and invalidates that entry only.

import (
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/ui/common"
)

// receipt is where the entry's message stands; zero for a buyer's message.
func (e *entry) receipt() common.Receipt {
	if !e.seller {
		return common.Receipt{}
	}
	return common.ReceiptOf(&e.msg, e.pending)
}

// receiptStyle colours a receipt: read green, stopped by moderation yellow, the rest subtle.
func receiptStyle(st *common.Styles, r common.Receipt) lipgloss.Style {
	switch r.State {
	case common.ReceiptRead:
		return st.Success
	case common.ReceiptNotDelivered, common.ReceiptModeration:
		return st.Warning
	}
	return st.Subtle
}

// receiptLines are the last lines of a seller's message: its receipt in words, at the right
// edge of inner cells (wrapped when longer). None for a buyer's message.
func receiptLines(e *entry, inner int, c *common.Common) []string {
	r := e.receipt()
	if r.State == common.ReceiptNone {
		return nil
	}
	words := r.Words(c.Now(), c.Location)
	style := receiptStyle(c.Styles, r)
	var out []string
	for _, l := range wrap(words, inner) {
		gap := max(0, inner-ansi.StringWidth(l))
		out = append(out, spaces(gap)+style.Render(l))
	}
	return out
}

func spaces(n int) string {
	const blank = "                                                                                "
	if n <= len(blank) {
		return blank[:n]
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

// newestSeller is the newest seller message held (pending sends included), or nil. It is found
// again only when the entries changed shape (a page, a send, a removal), never per frame: an
// entry updated in place keeps its pointer, and its receipt is read afresh from it.
type newestSeller struct {
	n     int    // len(entries) when found
	last  *entry // entries[n-1] when found
	entry *entry
	valid bool
	// The header's words for receipt on day (now's, in the seller's zone), so a frame that
	// changes nothing formats nothing.
	words   string
	styled  string
	wordsOf common.Receipt
	day     int
	// drawnDay is the day the seller's messages were drawn on (0: none yet).
	drawnDay int
}

func (m *Model) newestSellerEntry() *entry {
	ns := &m.receipts
	n := len(m.entries)
	if ns.valid && ns.n == n && (n == 0 || m.entries[n-1] == ns.last) {
		return ns.entry
	}
	ns.valid, ns.n, ns.entry, ns.last = true, n, nil, nil
	if n > 0 {
		ns.last = m.entries[n-1]
	}
	for i := n - 1; i >= 0; i-- {
		if m.entries[i].seller {
			ns.entry = m.entries[i]
			break
		}
	}
	return ns.entry
}

// LastReceipt is where the seller's newest message in this conversation stands (State
// ReceiptNone when the seller has not written).
func (m *Model) LastReceipt() common.Receipt {
	if e := m.newestSellerEntry(); e != nil {
		return e.receipt()
	}
	return common.Receipt{}
}

// headerReceipt is the header's note on the newest seller message, "last reply: read 14:31",
// plain (to measure) and styled; both "" when the seller has not written.
func (m *Model) headerReceipt() (string, string) {
	now, loc := m.c.Now(), m.c.Location
	if loc == nil {
		loc = time.UTC
	}
	local := now.In(loc)
	day := local.Year()*1000 + local.YearDay()
	ns := &m.receipts
	if ns.drawnDay != day {
		// A new day: "read 14:31" drawn yesterday must now say which day. Once a day, the
		// seller's messages are marked stale; only those on screen are drawn again.
		if ns.drawnDay != 0 {
			for _, e := range m.entries {
				if e.seller {
					e.stale = true
				}
			}
		}
		ns.drawnDay = day
	}
	r := m.LastReceipt()
	if r.State == common.ReceiptNone {
		return "", ""
	}
	if ns.words == "" || ns.wordsOf != r || ns.day != day {
		ns.words, ns.wordsOf, ns.day = "last reply: "+r.Words(now, loc), r, day
		ns.styled = receiptStyle(m.c.Styles, r).Render(ns.words)
	}
	return ns.words, ns.styled
}
