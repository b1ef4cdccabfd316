package ui

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/config/seen"
	"github.com/postsale/postsale/ui/uitest"
)

// rowBadge is the badge drawn before the buyer's name in pack's row ("" without one).
func rowBadge(view, pack string) string {
	for l := range strings.SplitSeq(view, "\n") {
		if strings.Contains(l, "#"+pack) {
			if m := regexp.MustCompile(`^[▸ ]\s*(\d+\+?) `).FindStringSubmatch(l); m != nil {
				return m[1]
			}
			return ""
		}
	}
	return "no row"
}

// A buyer message that arrives while its conversation is open, and that the conversation shows,
// has been seen: back in the list, neither the row's badge nor the "new" count counts it, nor
// the message seen when the conversation opened. One that arrives after the seller left is new,
// and the badge counts it alone.
func TestMessagesShownWhileOpenAreSeen(t *testing.T) {
	t.Parallel()
	const (
		whileOpen = "¿Ya tienen el código de rastreo?"
		afterLeft = "¿Me pueden responder, por favor?"
	)
	for _, source := range []string{"store", "api"} {
		t.Run(source, func(t *testing.T) {
			t.Parallel()
			// One clock for Mercado Libre and the seller, moving on as buyers write: each message
			// is dated after the last.
			var clock atomic.Int64
			clock.Store(testNow.UnixNano())
			now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
			e := uitest.New(t, uitest.At(testNow), uitest.WithSandbox(sandbox.WithClock(now)))
			e.Common.Now = now
			a := startFrom(t, e, source, SessionOptions{Seller: e.Sandbox.SellerID(), RefreshInterval: time.Hour})
			view := a.settleOn("7 new", "Beatriz Souza")
			if b := rowBadge(view, packTopUnread); b != "1" || !strings.Contains(selectedLine(view), "Beatriz Souza") {
				t.Fatalf("Beatriz is not the selected row with badge 1 (badge %q):\n%s", b, view)
			}
			a.keys("enter")
			a.settleOn("Pack " + packTopUnread)

			clock.Add(int64(time.Minute))
			if _, err := e.Sandbox.BuyerWrites(packTopUnread, whileOpen); err != nil {
				t.Fatal(err)
			}
			a.keys("R")
			a.settleOn("Pack "+packTopUnread, whileOpen) // the sync shows it in the open conversation
			a.keys("esc")
			// The list has the new message (its preview) once its own sync is merged.
			view = a.settle("the list with the message that came while open", func(v string) bool {
				return strings.Contains(rowPreview(v, packTopUnread), "código de rastreo")
			})
			if b := rowBadge(view, packTopUnread); b != "" {
				t.Errorf("a message shown in the open conversation left the badge %q:\n%s", b, view)
			}
			if !strings.Contains(view, "· 6 new") {
				t.Errorf("the \"new\" count counts the conversation just read:\n%s", view)
			}

			// A message that arrives with the list on screen is new, and counted alone.
			clock.Add(int64(time.Minute))
			if _, err := e.Sandbox.BuyerWrites(packTopUnread, afterLeft); err != nil {
				t.Fatal(err)
			}
			a.keys("R")
			view = a.settle("the list with the message that came after leaving", func(v string) bool {
				return strings.Contains(rowPreview(v, packTopUnread), "responder")
			})
			if b := rowBadge(view, packTopUnread); b != "1" {
				t.Errorf("one message since the seller left shows badge %q, want 1:\n%s", b, view)
			}
			if !strings.Contains(view, "· 7 new") {
				t.Errorf("the conversation with a message since is not counted new:\n%s", view)
			}
		})
	}
}

// What the open conversation showed stays seen when the seller goes on to the next conversation
// with n (never pressing esc on it) and after a restart: the marks are saved as it shows them.
func TestMessagesShownWhileOpenStaySeenAfterNAndARestart(t *testing.T) {
	t.Parallel()
	const whileOpen = "¿Ya tienen el código de rastreo?"
	var clock atomic.Int64 // Mercado Libre's: the buyer's message is dated a minute on
	clock.Store(testNow.UnixNano())
	e := uitest.New(t, uitest.At(testNow),
		uitest.WithSandbox(sandbox.WithClock(func() time.Time { return time.Unix(0, clock.Load()).UTC() })))
	dir := seenDir(t)
	a := triageAppOn(t, e, 100, 30, dir, false)
	a.settleOn("7 new", "Beatriz Souza")
	a.keys("enter")
	a.settleOn("Pack " + packTopUnread)
	clock.Add(int64(time.Minute))
	if _, err := e.Sandbox.BuyerWrites(packTopUnread, whileOpen); err != nil {
		t.Fatal(err)
	}
	a.keys("R")
	a.settleOn("Pack "+packTopUnread, whileOpen)
	a.keys("n")
	a.settle("the next conversation", func(v string) bool { return packOf(v) != "" && packOf(v) != packTopUnread })
	waitFor(t, "Beatriz's mark counting both messages", func() bool {
		b, err := os.ReadFile(seen.NewDir(dir).Path("523132944"))
		if err != nil {
			return false
		}
		var f struct {
			Packs map[string]seen.Mark `json:"packs"`
		}
		return json.Unmarshal(b, &f) == nil && f.Packs[packTopUnread].Unread == 2
	})

	b := triageAppOn(t, e, 100, 30, dir, false)
	view := b.settle("the restarted list with the message that came while open", func(v string) bool {
		return strings.Contains(rowPreview(v, packTopUnread), "código de rastreo")
	})
	if badge := rowBadge(view, packTopUnread); badge != "" {
		t.Errorf("after a restart, the message shown while open left the badge %q:\n%s", badge, view)
	}
}
