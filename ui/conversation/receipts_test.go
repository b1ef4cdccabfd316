package conversation

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

const packReceipts = "2000004688776655" // assets/demo/receipts.json: a seller message in every state

// movingClock is the sandbox's clock in these tests: moved forward, never slept on.
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

// receiptsEnv is the demo seller with buyers who read on the sandbox's (movable) clock, shown
// in a zone six hours behind UTC: receipts are in the seller's local time.
func receiptsEnv(t *testing.T) (*env, *movingClock) {
	t.Helper()
	sc := &movingClock{now: clock}
	e := uitest.New(t, uitest.AsSeller("MLM", "Demo Seller"), uitest.WithSandbox(
		sandbox.WithClock(sc.Now), sandbox.WithReceiptsPack(), sandbox.WithBuyerReads(sandbox.DefaultBuyerReads())))
	e.Common.Location = time.FixedZone("CST", -6*60*60)
	return e, sc
}

// rowOf is the receipt line (the last text line) of the seller message whose text has text.
func receiptOf(t *testing.T, m *Model, text string) string {
	t.Helper()
	for _, e := range m.entries {
		if e.msg.Text == text {
			ls := e.lines(m.width, m.mode, m.c, m.links)
			return strings.TrimSpace(ls[len(ls)-2])
		}
	}
	t.Fatalf("no message %q", text)
	return ""
}

func TestEverySellerMessageSaysWhereItStands(t *testing.T) {
	e, _ := receiptsEnv(t)
	m := openPack(t, e, packReceipts, 100, 40)
	m.Update(common.SendStartedMsg{PackID: packReceipts, LocalID: "l1", Request: api.SendRequest{Text: "Anything else?"}, At: clock})
	want := map[string]string{
		"Hi Lucía! Yes, a 1 m USB-C cable is in the box.":          "read Nov 26 05:07",
		"Sure, here it is: https://bit.ly/nw-charger-manual":       "not delivered to the buyer: shortened link",
		"The manual is also on the product page, under Documents.": "read 03:22",
		"If it helps, call us at 55 1234 5678 any weekday.":        "in moderation",
		"Your order ships tomorrow morning.":                       "delivered 05:58",
		"Tracking number: 43210988800.":                            "sent",
		"Anything else?":                                           "sending…",
	}
	for text, words := range want {
		if got := receiptOf(t, m, text); got != words {
			t.Errorf("%q ends with %q, want %q", text, got, words)
		}
	}
	v := m.View()
	if !strings.Contains(lines(v)[0], "last reply: sending…") {
		t.Errorf("header does not show the newest reply's state:\n%s", v)
	}
	golden.RequireEqual(t, []byte(v))
}

// A poll that finds the buyer read a message updates its receipt in place: the entries are the
// same, only the changed ones are drawn again, and the header follows.
func TestPollFlipsAReceiptToRead(t *testing.T) {
	e, sc := receiptsEnv(t)
	m := openPack(t, e, packReceipts, 100, 40)
	_ = m.View()
	const delivered, sent = "Your order ships tomorrow morning.", "Tracking number: 43210988800."
	if got := receiptOf(t, m, delivered); got != "delivered 05:58" {
		t.Fatalf("before the buyer reads: %q", got)
	}
	if got := m.LastReceipt(); got.State != common.ReceiptSent {
		t.Fatalf("newest reply is %v, want sent", got.State)
	}
	before := append([]*entry(nil), m.entries...)
	caches := map[*entry]string{}
	for _, en := range m.entries {
		caches[en] = strings.Join(en.cache, "\n")
	}

	sc.Advance(4 * time.Minute) // 3.5 min after its notification: the buyer reads the first
	uitest.Deliver(m, common.RefreshMsg{})
	if got := receiptOf(t, m, delivered); got != "read 06:03" {
		t.Fatalf("after the poll: %q, want read 06:03", got)
	}
	if got := receiptOf(t, m, sent); got != "delivered 06:00" {
		t.Fatalf("after the poll the newest reply says %q, want delivered 06:00", got)
	}
	if len(m.entries) != len(before) {
		t.Fatalf("%d entries after the poll, want %d", len(m.entries), len(before))
	}
	for i, en := range m.entries {
		if en != before[i] {
			t.Fatalf("entry %d was replaced: the poll must update messages in place", i)
		}
		changed := en.msg.Text == delivered || en.msg.Text == sent
		if !changed && strings.Join(en.cache, "\n") != caches[en] {
			t.Errorf("entry %q was redrawn though nothing about it changed", en.msg.Text)
		}
	}
	if !strings.Contains(lines(m.View())[0], "last reply: delivered 06:00") {
		t.Errorf("header does not follow the poll:\n%s", m.View())
	}
	if n := uitest.RouteCount(e.Sandbox, sandbox.RoutePackMessages); n != 2 {
		t.Errorf("%d page requests, want 2 (the first load and one refresh of the newest page)", n)
	}
}

// The header's newest-reply note is found again only when entries change, not per frame.
func TestHeaderReceiptIsCached(t *testing.T) {
	m := loadedModel(t, 2_000, 100, 30)
	first := m.newestSellerEntry()
	if first == nil || first != m.entries[len(m.entries)-2] {
		t.Fatal("the newest seller message is not the one before the last buyer message")
	}
	m.entries[len(m.entries)-2] = &entry{seller: true} // a change of shape the cache cannot see
	if m.newestSellerEntry() != first {
		t.Fatal("the header walked the entries again although their count and last entry are the same")
	}
	m.addPending(common.SendStartedMsg{PackID: m.packID, LocalID: "p", Request: api.SendRequest{Text: "hi"}, At: clock})
	if got := m.newestSellerEntry(); got == first || !got.pending {
		t.Fatal("a pending send did not become the newest reply")
	}
}

// Receipts drawn today say only the time; the next day the messages on screen are drawn again
// and say which day.
func TestReceiptsGainTheirDateTheNextDay(t *testing.T) {
	e, _ := receiptsEnv(t)
	m := openPack(t, e, packReceipts, 100, 40)
	_ = m.View()
	const delivered = "Your order ships tomorrow morning."
	if got := receiptOf(t, m, delivered); got != "delivered 05:58" {
		t.Fatalf("today: %q", got)
	}
	tomorrow := clock.Add(24 * time.Hour)
	e.Common.Now = func() time.Time { return tomorrow }
	v := m.View()
	if !strings.Contains(v, "delivered Nov 27 05:58") {
		t.Fatalf("the next day the receipt still reads as today's:\n%s", v)
	}
}
