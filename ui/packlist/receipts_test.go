package packlist

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/help"

	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

const packReceipts = "2000004688776655" // assets/demo/receipts.json: the newest message is the seller's, just sent

type movingClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *movingClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *movingClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// rowText is the plain text of the pack's row, both lines.
func rowText(t *testing.T, h *harness, packID string) string {
	t.Helper()
	r := h.m.byID[packID]
	if r == nil {
		t.Fatalf("no row for %s", packID)
	}
	return strings.Join(h.m.rowLines(r, false), "\n")
}

// The interval poll looks again at a row whose reply the buyer has not read yet, and its mark
// goes from none (sent) to ✓ (delivered) to ✓✓ (read) as the sandbox's buyer reads it; once
// read, polls leave the row alone.
func TestPollMarksTheSellersReplyDeliveredThenRead(t *testing.T) {
	sc := &movingClock{now: testNow}
	u := uitest.New(t, uitest.At(testNow), uitest.AsSeller("", ""), uitest.WithSandbox(
		sandbox.WithClock(sc.Now), sandbox.WithReceiptsPack(), sandbox.WithBuyerReads(sandbox.DefaultBuyerReads())))
	m := New(u.Common)
	m.SetSize(100, 200)
	h := &harness{sb: u.Sandbox, c: u.Common, m: m}
	h.drain(t, h.m.Init())
	poll := func() {
		_, cmd := h.m.Update(common.RefreshMsg{})
		h.drain(t, cmd)
	}
	row := rowText(t, h, packReceipts)
	if !strings.Contains(row, "    You: Tracking number") || strings.Contains(row, "✓") {
		t.Fatalf("a reply just sent has no mark yet:\n%s", row)
	}
	sc.Advance(time.Minute)
	poll()
	if row := rowText(t, h, packReceipts); !strings.Contains(row, " ✓ You: Tracking number") {
		t.Fatalf("after the buyer was notified the row is:\n%s", row)
	}
	sc.Advance(5 * time.Minute)
	poll()
	if row := rowText(t, h, packReceipts); !strings.Contains(row, "✓✓ You: Tracking number") {
		t.Fatalf("after the buyer read it the row is:\n%s", row)
	}
	headers := h.countRequests("GET", "/marketplace/messages/packs/"+packReceipts)
	sc.Advance(time.Hour)
	poll()
	if got := h.countRequests("GET", "/marketplace/messages/packs/"+packReceipts); got != headers {
		t.Errorf("a read reply was fetched again on a poll (%d → %d requests)", headers, got)
	}
}

func TestHelpExplainsTheMarks(t *testing.T) {
	h := newHarness(t, 100, 30)
	hm := help.New()
	hm.ShowAll = true
	v := hm.FullHelpView(h.m.FullHelp())
	for _, want := range []string{"✓ ", "✓✓", "read by buyer", "not delivered"} {
		if !strings.Contains(v, want) {
			t.Errorf("the ? overlay lacks %q:\n%s", want, v)
		}
	}
	for _, b := range receiptLegend() {
		for _, k := range b.Keys() {
			if len([]rune(k)) == 1 {
				t.Errorf("legend entry %q is bound to a key one can type", k)
			}
		}
	}
}

// A reply the buyer has left unread for over a week is no longer polled (R still looks).
func TestOldUnreadRepliesAreNotPolled(t *testing.T) {
	u := uitest.New(t, uitest.At(testNow), uitest.AsSeller("", ""), uitest.WithSandbox(sandbox.WithReceiptsPack()))
	m := New(u.Common)
	m.SetSize(100, 200)
	h := &harness{sb: u.Sandbox, c: u.Common, m: m}
	h.drain(t, h.m.Init())
	path := "/marketplace/messages/packs/" + packReceipts
	before := h.countRequests("GET", path)
	_, cmd := h.m.Update(common.RefreshMsg{})
	h.drain(t, cmd)
	if got := h.countRequests("GET", path); got != before+1 {
		t.Fatalf("a fresh unread reply was not looked at again on a poll (%d → %d)", before, got)
	}
	h.m.byID[packReceipts].LastAt = testNow.Add(-8 * 24 * time.Hour)
	_, cmd = h.m.Update(common.RefreshMsg{})
	h.drain(t, cmd)
	if got := h.countRequests("GET", path); got != before+1 {
		t.Errorf("a week-old unread reply was polled (%d → %d)", before+1, got)
	}
	_, cmd = h.m.Update(common.RefreshMsg{Manual: true})
	h.drain(t, cmd)
	if got := h.countRequests("GET", path); got != before+2 {
		t.Errorf("R did not look at it again (%d requests)", got)
	}
}
