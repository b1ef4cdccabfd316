package conversation

import (
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// `g` goes to the real beginning: it loads every older page in turn, saying so at the top, and
// the header tells the position in the whole conversation.
func TestTopLoadsToTheRealBeginning(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packLong, 100, 30)
	pos := regexp.MustCompile(`message (\d+) of (\d+)`)
	first := pos.FindStringSubmatch(m.View())
	if first == nil || first[1] == "1" || first[2] == "50" {
		t.Fatalf("position before g: %v\n%s", first, m.View())
	}
	_, cmd := m.Update(uitest.Key("g"))
	if cmd == nil || !strings.Contains(m.View(), "loading older messages to the beginning… 50 of "+first[2]) {
		t.Fatalf("g shows no loading state:\n%s", m.View())
	}
	uitest.Run(m, cmd)
	view := m.View()
	if m.MoreOlder() || !strings.Contains(view, "beginning of the conversation") || !strings.Contains(view, "message 1 of "+first[2]) {
		t.Fatalf("g did not reach the first message (%d of %d loaded):\n%s", m.serverCount(), m.total, view)
	}
	// A scroll down after that says where the view is.
	uitest.Press(m, "pgdown")
	if got := pos.FindStringSubmatch(m.View()); got == nil || got[1] == "1" {
		t.Errorf("position after pgdown: %v", got)
	}
}

// A scroll while g is loading stops the jump (the seller chose another place).
func TestScrollCancelsTheJumpToTheBeginning(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packLong, 100, 30)
	_, cmd := m.Update(uitest.Key("g"))
	uitest.Press(m, "j")
	uitest.Run(m, cmd)
	if !m.MoreOlder() {
		t.Fatal("g kept loading after the seller scrolled away")
	}
}

// Opening counts as seen: buyer messages up to the last opening are not marked "● new" again,
// and leaving the conversation clears the marks shown.
func TestNewMarksFollowTheSellersOwnSeenState(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packLinks, 100, 30)
	if !strings.Contains(m.View(), "● new") {
		t.Fatalf("the first opening marks nothing new:\n%s", m.View())
	}
	m.ClearNew()
	if strings.Contains(m.View(), "● new") {
		t.Fatalf("leaving did not clear the marks:\n%s", m.View())
	}
	e.Common.Seen.Set(e.Common, packLinks, common.SeenMark{At: time.Now().Add(24 * time.Hour)})
	again := openPack(t, e, packLinks, 100, 30)
	if strings.Contains(again.View(), "● new") {
		t.Errorf("a conversation seen since shows new marks:\n%s", again.View())
	}
}

// Shown tells the newest message held and how many buyer messages Mercado Libre counts unread,
// what the root hands the list while the conversation is on screen; a message a refresh brings
// counts at once, and a reply (which reads the buyer's messages) leaves none unread.
func TestShownFollowsTheMessagesHeld(t *testing.T) {
	var now atomic.Int64 // the sandbox's clock: the buyer's message is dated a minute on
	now.Store(clock.UnixNano())
	e := uitest.New(t, uitest.AsSeller("MLM", "Demo Seller"),
		uitest.WithSandbox(sandbox.WithClock(func() time.Time { return time.Unix(0, now.Load()).UTC() })))
	m := openPack(t, e, packLinks, 100, 30)
	newest, n := m.Shown()
	if n != unread(t, e, packLinks) || n == 0 || newest.IsZero() || newest.After(clock) {
		t.Fatalf("Shown() = %v, %d; the sandbox counts %d unread", newest, n, unread(t, e, packLinks))
	}
	later := clock.Add(time.Minute)
	now.Store(later.UnixNano())
	if _, err := e.Sandbox.BuyerWrites(packLinks, "¿Hay novedades?"); err != nil {
		t.Fatal(err)
	}
	uitest.Deliver(m, common.RefreshMsg{})
	if got, after := m.Shown(); !got.Equal(later) || after != n+1 {
		t.Fatalf("after the buyer wrote, Shown() = %v, %d; want %v, %d", got, after, later, n+1)
	}
	if _, err := e.Common.Client.SendMessage(e.Common.Ctx, packLinks, api.SendRequest{Text: "Sí, sale hoy."}); err != nil {
		t.Fatal(err)
	}
	uitest.Deliver(m, common.RefreshMsg{})
	if _, after := m.Shown(); after != 0 {
		t.Fatalf("after a reply %d messages are still counted unread", after)
	}
}

// At 40 columns the title gives way so the position stays in sight.
func TestPositionShowsOnANarrowTerminal(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packLong, 40, 12)
	first := strings.Split(m.View(), "\n")[0]
	if !regexp.MustCompile(`\d+/\d+$`).MatchString(strings.TrimSpace(first)) {
		t.Fatalf("no position in the 40-column header: %q", first)
	}
}
