package ui

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/uitest"
)

// receiptMark is the mark before "You: " on the list row whose newest message starts with text
// ("" when the row has none), or "no row" when no row shows it.
func receiptMark(view, text string) string {
	for _, line := range strings.Split(view, "\n") {
		if before, _, ok := strings.Cut(line, "You: "+text); ok {
			f := strings.Fields(before)
			if len(f) == 0 {
				return ""
			}
			return f[len(f)-1]
		}
	}
	return "no row"
}

// Every session sharing a store shows the same receipt mark on a reply, the one the store keeps:
// not what one session happened to fetch itself. The buyer being told of a reply, then reading
// it, reaches the store through the session that asked (R) and from there every list.
func TestReceiptMarksComeFromTheStoreInEverySession(t *testing.T) {
	t.Parallel()
	var clock atomic.Int64 // the sandbox's: its buyers are told of a reply 30 s after it, read it 5 min later
	clock.Store(testNow.UnixNano())
	e := uitest.New(t, uitest.At(testNow), uitest.WithSandbox(sandbox.WithReceiptsPack(),
		sandbox.WithBuyerReads(sandbox.DefaultBuyerReads()),
		sandbox.WithClock(func() time.Time { return time.Unix(0, clock.Load()).UTC() })))
	st := filledStore(t, e)
	opts := SessionOptions{Seller: e.Sandbox.SellerID(), RefreshInterval: time.Hour}
	a := startStored(t, e, st, opts)
	b := startStored(t, e, st, opts)
	const (
		jorge    = "Thank you for your purchase, Jorge!" // read long ago
		tracking = "Tracking number: 43210988800."       // sent 10 s ago
	)
	marks := func(who *app, name, wantJorge, wantTracking string) {
		t.Helper()
		who.settle(name, func(v string) bool {
			return receiptMark(v, jorge) == wantJorge && receiptMark(v, tracking) == wantTracking
		})
	}
	marks(a, "the stored marks in the first session", "✓✓", "")
	marks(b, "the stored marks in the second session", "✓✓", "")

	clock.Add(int64(time.Minute)) // the buyer was told
	a.keys("R")
	marks(a, "delivered, in the session that asked", "✓✓", "✓")
	marks(b, "delivered, in the other session", "✓✓", "✓")

	clock.Add(int64(10 * time.Minute)) // and read it
	a.keys("R")
	marks(a, "read, in the session that asked", "✓✓", "✓✓")
	marks(b, "read, in the other session", "✓✓", "✓✓")
}
