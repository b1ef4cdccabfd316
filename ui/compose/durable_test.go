package compose

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/transport"
	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

func instant(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// withDrafts gives e a drafts store in a temp dir.
func withDrafts(t *testing.T, e *env) *drafts.Store {
	t.Helper()
	store := drafts.NewStore(filepath.Join(t.TempDir(), "drafts"))
	e.Common.Drafts = store
	return store
}

// newDurable opens compose on pack with instant debouncing.
func newDurable(t *testing.T, c *common.Common, pack string) *Model {
	t.Helper()
	m := New(c, pack, "MLM")
	if m.saver == nil {
		t.Fatal("compose has no draft saver although Common has a store")
	}
	m.saver.SetSleep(instant)
	uitest.Run(m, m.Init()) // reads the saved draft
	m.SetSize(80, 24)
	staticCursor(m)
	uitest.Run(m, m.Focus())
	return m
}

func typeDraft(m *Model, s string) {
	for _, r := range s {
		uitest.Press(m, string(r))
	}
}

func TestDraftSavedAsTypedAndRestoredInANewSession(t *testing.T) {
	e := newEnv(t)
	store := withDrafts(t, e)
	m := newDurable(t, e.Common, packOpen)
	typeDraft(m, "Hola Ana")
	uitest.Press(m, "tab")
	typeDraft(m, "Hi Ana")
	d, err := store.Load(packOpen)
	if err != nil || d.Text != "Hola Ana" || d.TextTranslated != "Hi Ana" {
		t.Fatalf("on disk: %+v, %v; want what was typed", d, err)
	}
	// A new program (after a crash) opens the pack and finds the draft in place.
	again := newDurable(t, e.Common, packOpen)
	if got := again.Draft(); got.Text != "Hola Ana" || got.TextTranslated != "Hi Ana" {
		t.Fatalf("restored draft %+v", got)
	}
	if !strings.Contains(again.View(), "Hola Ana") {
		t.Fatalf("restored draft not shown:\n%s", again.View())
	}
	// Another pack has its own (empty) draft.
	if other := newDurable(t, e.Common, packBlocked); !other.Empty() {
		t.Fatalf("pack %s got another pack's draft: %+v", packBlocked, other.Draft())
	}
}

func TestDraftRemovedOnlyAfterASuccessfulSend(t *testing.T) {
	e := newEnv(t)
	store := withDrafts(t, e)
	m := newDurable(t, e.Common, packOpen)
	typeDraft(m, "Your parcel left today.")
	e.Sandbox.Fail(sandbox.RouteSend, sandbox.FailRateLimit, 1)
	out := uitest.Press(m, "ctrl+s")
	if done, ok := uitest.Find[common.SendDoneMsg](out); !ok || done.Err == nil {
		t.Fatalf("want a failed send, got %#v", out)
	}
	if d, _ := store.Load(packOpen); d.Text != "Your parcel left today." {
		t.Fatalf("a failed send removed the draft: %+v", d)
	}
	out = uitest.Press(m, "ctrl+s")
	if done, ok := uitest.Find[common.SendDoneMsg](out); !ok || done.Err != nil {
		t.Fatalf("want a successful send, got %#v", out)
	}
	if _, err := os.Stat(store.Path(packOpen)); !os.IsNotExist(err) {
		t.Fatalf("draft still on disk after the send: %v", err)
	}
	if again := newDurable(t, e.Common, packOpen); !again.Empty() {
		t.Fatalf("a sent reply came back as a draft: %+v", again.Draft())
	}
}

func TestDraftKeepsChosenFiles(t *testing.T) {
	e := newEnv(t)
	store := withDrafts(t, e)
	dir := t.TempDir()
	keep, gone := filepath.Join(dir, "factura.pdf"), filepath.Join(dir, "foto.png")
	os.WriteFile(keep, []byte("%PDF-1.4\n%%EOF\n"), 0o600)
	os.WriteFile(gone, []byte("\x89PNG\r\n\x1a\n0000"), 0o600)
	m := newDurable(t, e.Common, packOpen)
	typeDraft(m, "Attached the invoice.")
	uitest.Run(m, m.pick(keep))
	uitest.Run(m, m.pick(gone))
	uitest.Run(m, m.saveIfChanged())
	d, _ := store.Load(packOpen)
	if len(d.Files) != 2 || d.Files[0] != keep || d.Files[1] != gone {
		t.Fatalf("draft files %q, want both chosen paths", d.Files)
	}
	os.Remove(gone)
	again := newDurable(t, e.Common, packOpen)
	files := again.Files()
	if len(files) != 1 || files[0].File.Path != keep {
		t.Fatalf("restored files %+v, want the one that still exists", files)
	}
	if !strings.Contains(again.Err(), "foto.png") {
		t.Fatalf("the missing file is not named: %q", again.Err())
	}
}

func TestDamagedDraftIsReportedAndKept(t *testing.T) {
	e := newEnv(t)
	store := withDrafts(t, e)
	os.MkdirAll(store.Dir(), 0o700)
	os.WriteFile(store.Path(packOpen), []byte("{not json"), 0o600)
	m := New(e.Common, packOpen, "MLM")
	staticCursor(m)
	uitest.Run(m, m.Init())
	if !strings.Contains(m.Err(), "could not be read") {
		t.Fatalf("err = %q, want the damaged draft reported", m.Err())
	}
	// It is set aside as .bad, named in the notice, and no later save (an empty one removes the
	// draft file) can delete it.
	bad := store.Path(packOpen) + ".bad"
	if !strings.Contains(m.Err(), bad) {
		t.Fatalf("err = %q does not say where the draft is kept", m.Err())
	}
	if err := store.Save(drafts.Draft{PackID: packOpen}); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(bad); string(data) != "{not json" {
		t.Fatal("the damaged draft was lost")
	}
}

// How lossyNetwork treats the next send.
const (
	passSend      int32 = iota // straight through
	storeThenDrop              // stored, then the connection drops before the answer
	storeThenHang              // stored, then no answer until the client gives up
	holdThenDrop               // the connection drops; the send lands only when land is called
)

// lossyNetwork sits between postsale and the sandbox and can lose a send's answer after (or
// before) the sandbox stored it, like a connection that breaks at the wrong moment.
type lossyNetwork struct {
	sb    *sandbox.Server
	mode  atomic.Int32
	posts atomic.Int32 // sends postsale wrote, whether or not they reached the sandbox

	mu   sync.Mutex
	held []*http.Request
}

func (n *lossyNetwork) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/marketplace/messages/packs/") {
		n.sb.ServeHTTP(w, r)
		return
	}
	n.posts.Add(1)
	switch n.mode.Swap(passSend) {
	case storeThenDrop:
		n.sb.ServeHTTP(httptest.NewRecorder(), r)
		dropConnection(w)
	case storeThenHang:
		n.sb.ServeHTTP(httptest.NewRecorder(), r)
		<-r.Context().Done()
	case holdThenDrop:
		body, _ := io.ReadAll(r.Body)
		late := httptest.NewRequest(r.Method, r.URL.String(), bytes.NewReader(body))
		late.Header = r.Header.Clone()
		n.mu.Lock()
		n.held = append(n.held, late)
		n.mu.Unlock()
		dropConnection(w)
	default:
		n.sb.ServeHTTP(w, r)
	}
}

// land stores the sends held back so far, as if they had been slow to arrive.
func (n *lossyNetwork) land() {
	n.mu.Lock()
	held := n.held
	n.held = nil
	n.mu.Unlock()
	for _, r := range held {
		n.sb.ServeHTTP(httptest.NewRecorder(), r)
	}
}

// dropConnection closes the connection with a cut-off status line, so Go's transport sees a
// broken answer rather than silently retrying on a fresh connection.
func dropConnection(w http.ResponseWriter) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_, _ = buf.WriteString("HTTP/1.1 201 Created\r\nContent-Type: appl")
	_ = buf.Flush()
	conn.Close()
}

// newLossyEnv is newEnv with postsale's real transport (one attempt, a short timeout so a
// hung send ends quickly) behind a lossy network.
func newLossyEnv(t *testing.T) (*env, *lossyNetwork) {
	t.Helper()
	netw := &lossyNetwork{}
	hc := transport.NewClient(transport.Config{MaxAttempts: 1, Timeout: 2 * time.Second})
	e := uitest.New(t, uitest.AsSeller("MLM", "Demo Seller"),
		uitest.Behind(func(sb *sandbox.Server) http.Handler { netw.sb = sb; return netw }),
		uitest.WithClient(api.WithHTTPClient(hc)))
	return e, netw
}

// waits records compose's waits between re-reads instead of waiting; then runs before each.
type waits struct {
	mu   sync.Mutex
	got  []time.Duration
	then func(n int)
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.got = append(w.got, d)
	n, then := len(w.got), w.then
	w.mu.Unlock()
	if then != nil {
		then(n)
	}
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.got)
}

// newLossyCompose opens compose on packOpen with drafts on disk and recorded waits.
func newLossyCompose(t *testing.T, e *env) (*Model, *drafts.Store, *waits) {
	t.Helper()
	store := withDrafts(t, e)
	m := newDurable(t, e.Common, packOpen)
	w := &waits{}
	m.sleep = w.sleep
	return m, store, w
}

func sendsTo(sb *sandbox.Server, pack string) int {
	return uitest.CountRequests(sb, http.MethodPost, "/marketplace/messages/packs/"+pack)
}

func reads(sb *sandbox.Server) int { return uitest.RouteCount(sb, sandbox.RoutePackMessages) }

func countText(t *testing.T, c *common.Common, pack, text string) int {
	t.Helper()
	conv, err := c.Client.PackMessages(context.Background(), pack, api.PageOptions{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range conv.Messages {
		if m.Text == text {
			n++
		}
	}
	return n
}

const lostNotice = "The answer to your send was lost and the message is not in the conversation yet. It may still arrive. " +
	"Press ctrl+s to check again; send again only after checking (ctrl+s twice)."

// confirmedSent checks that out ends the send as sent, from the conversation, and that
// nothing of it is left in compose or on disk.
func confirmedSent(t *testing.T, m *Model, store *drafts.Store, out []tea.Msg, text string) {
	t.Helper()
	done, ok := uitest.Find[common.SendDoneMsg](out)
	if !ok || done.Err != nil || done.Message == nil || done.Message.Text != text {
		t.Fatalf("want the send confirmed from the conversation, got %#v (err %q)", done, m.Err())
	}
	if m.Sending() || !m.Empty() || m.Err() != "" {
		t.Fatalf("compose still sending=%v, holding %+v, saying %q", m.Sending(), m.Draft(), m.Err())
	}
	if _, err := os.Stat(store.Path(packOpen)); !os.IsNotExist(err) {
		t.Fatal("the draft of a reply that went through is still on disk")
	}
}

func TestLostAnswerToAStoredSendCountsAsSent(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode int32
	}{{"dropped", storeThenDrop}, {"timed out", storeThenHang}} {
		t.Run(tc.name, func(t *testing.T) {
			e, netw := newLossyEnv(t)
			m, store, w := newLossyCompose(t, e)
			const text = "Refund issued, you will see it in 2 days."
			typeDraft(m, text)
			netw.mode.Store(tc.mode)
			out := uitest.Press(m, "ctrl+s")
			confirmedSent(t, m, store, out, text)
			if got := w.all(); !slices.Equal(got, api.LostSendDelays()[:1]) {
				t.Fatalf("waits %v, want one wait of %v before the re-read that found it", got, api.LostSendDelays()[0])
			}
			// The seller presses ctrl+s again out of habit: nothing is left to send.
			uitest.Press(m, "ctrl+s")
			if n := sendsTo(e.Sandbox, packOpen); n != 1 {
				t.Fatalf("sandbox got %d sends, want exactly 1", n)
			}
			if n := countText(t, e.Common, packOpen, text); n != 1 {
				t.Fatalf("the buyer sees the reply %d times, want 1", n)
			}
		})
	}
}

func TestLostSendThatLandsAfterTheFirstReadCountsAsSent(t *testing.T) {
	e, netw := newLossyEnv(t)
	m, store, w := newLossyCompose(t, e)
	const text = "Your invoice is on its way."
	typeDraft(m, text)
	// The first re-read finds nothing; the send lands before the second one.
	w.then = func(n int) {
		if n == 2 {
			netw.land()
		}
	}
	netw.mode.Store(holdThenDrop)
	before := reads(e.Sandbox)
	out := uitest.Press(m, "ctrl+s")
	confirmedSent(t, m, store, out, text)
	if n := reads(e.Sandbox) - before; n != 2 {
		t.Fatalf("%d re-reads, want 2", n)
	}
	if got := w.all(); !slices.Equal(got, api.LostSendDelays()) {
		t.Fatalf("waits %v, want %v", got, api.LostSendDelays())
	}
	if p := netw.posts.Load(); p != 1 {
		t.Fatalf("postsale wrote %d sends, want 1", p)
	}
	if n := countText(t, e.Common, packOpen, text); n != 1 {
		t.Fatalf("the buyer sees the reply %d times, want 1", n)
	}
}

func TestLostSendNotFoundIsCheckedBeforeItIsSentAgain(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail sandbox.Failure
	}{{"dropped", sandbox.FailDrop}, {"timed out", sandbox.FailTimeout}} {
		t.Run(tc.name, func(t *testing.T) {
			e, netw := newLossyEnv(t)
			m, store, w := newLossyCompose(t, e)
			const text = "Tracking: it arrives tomorrow."
			typeDraft(m, text)
			e.Sandbox.Fail(sandbox.RouteSend, tc.fail, 1) // lost before the sandbox stored it
			before := reads(e.Sandbox)
			out := uitest.Press(m, "ctrl+s")
			if done, ok := uitest.Find[common.SendDoneMsg](out); !ok || done.Err == nil {
				t.Fatalf("want an unresolved send, got %#v", out)
			}
			if m.Err() != lostNotice {
				t.Fatalf("err = %q\nwant %q", m.Err(), lostNotice)
			}
			if n := reads(e.Sandbox) - before; n != 2 {
				t.Fatalf("%d re-reads, want 2", n)
			}
			if got := w.all(); !slices.Equal(got, api.LostSendDelays()) {
				t.Fatalf("waits %v, want %v", got, api.LostSendDelays())
			}
			if d, _ := store.Load(packOpen); d.Text != text || m.Draft().Text != text {
				t.Fatalf("draft lost: disk %+v, compose %+v", d, m.Draft())
			}
			// The first ctrl+s only checks again.
			before = reads(e.Sandbox)
			uitest.Press(m, "ctrl+s")
			if p := netw.posts.Load(); p != 1 {
				t.Fatalf("ctrl+s after a lost send posted again (%d sends)", p)
			}
			if n := reads(e.Sandbox) - before; n != 1 {
				t.Fatalf("ctrl+s made %d re-reads, want 1", n)
			}
			if !strings.Contains(m.Err(), "still not in the conversation") || !strings.Contains(m.Err(), "ctrl+s again") {
				t.Fatalf("err after the check = %q", m.Err())
			}
			// The second, within the window, sends.
			out = uitest.Press(m, "ctrl+s")
			confirmedSent(t, m, store, out, text)
			if p := netw.posts.Load(); p != 2 {
				t.Fatalf("postsale wrote %d sends, want 2 (the lost one and the confirmed one)", p)
			}
			if n := countText(t, e.Common, packOpen, text); n != 1 {
				t.Fatalf("the buyer sees the reply %d times, want 1", n)
			}
		})
	}
}

func TestResendConfirmationExpires(t *testing.T) {
	e, netw := newLossyEnv(t)
	now := clock
	e.Common.Now = func() time.Time { return now }
	m, _, _ := newLossyCompose(t, e)
	typeDraft(m, "Sent by courier.")
	e.Sandbox.Fail(sandbox.RouteSend, sandbox.FailDrop, 1)
	uitest.Press(m, "ctrl+s") // lost
	uitest.Press(m, "ctrl+s") // checked: not there
	now = now.Add(resendWindow + time.Second)
	before := reads(e.Sandbox)
	uitest.Press(m, "ctrl+s") // too late to count as the confirmation: checks again
	if p := netw.posts.Load(); p != 1 {
		t.Fatalf("a late ctrl+s sent again (%d sends)", p)
	}
	if n := reads(e.Sandbox) - before; n != 1 {
		t.Fatalf("a late ctrl+s made %d re-reads, want 1 check", n)
	}
	if m.Draft().Text != "Sent by courier." {
		t.Fatalf("draft lost: %+v", m.Draft())
	}
}

func TestLostSendThatLandsLateIsFoundByTheNextCheck(t *testing.T) {
	e, netw := newLossyEnv(t)
	m, store, _ := newLossyCompose(t, e)
	const text = "Held in moderation for a while."
	typeDraft(m, text)
	netw.mode.Store(holdThenDrop)
	uitest.Press(m, "ctrl+s")
	if m.Err() != lostNotice {
		t.Fatalf("err = %q", m.Err())
	}
	netw.land() // it arrives after both re-reads
	out := uitest.Press(m, "ctrl+s")
	confirmedSent(t, m, store, out, text)
	// The conversation dropped the pending row when the send looked lost: it gets it back.
	started, ok := uitest.Find[common.SendStartedMsg](out)
	if !ok || started.LocalID != m.localID || started.Request.Text != text {
		t.Fatalf("no pending row for the found reply: %#v", out)
	}
	if p := netw.posts.Load(); p != 1 {
		t.Fatalf("postsale wrote %d sends, want 1", p)
	}
	if n := countText(t, e.Common, packOpen, text); n != 1 {
		t.Fatalf("the buyer sees the reply %d times, want 1", n)
	}
}

func TestEarlierReplyWithTheSameTextDoesNotConfirmALostSend(t *testing.T) {
	e, netw := newLossyEnv(t)
	m, _, _ := newLossyCompose(t, e)
	typeDraft(m, "Ok")
	if done, ok := uitest.Find[common.SendDoneMsg](uitest.Press(m, "ctrl+s")); !ok || done.Err != nil {
		t.Fatalf("first send: %#v", done)
	}
	typeDraft(m, "Ok")
	e.Sandbox.Fail(sandbox.RouteSend, sandbox.FailDrop, 1)
	uitest.Press(m, "ctrl+s")
	if m.Err() != lostNotice || m.Draft().Text != "Ok" {
		t.Fatalf("the first Ok confirmed the second: err %q, draft %+v", m.Err(), m.Draft())
	}
	if p := netw.posts.Load(); p != 2 {
		t.Fatalf("%d sends, want 2", p)
	}
}

func TestUncheckableSendIsCheckedAgainNotResent(t *testing.T) {
	e, netw := newLossyEnv(t)
	m, store, _ := newLossyCompose(t, e)
	const text = "We will replace the item."
	typeDraft(m, text)
	netw.mode.Store(storeThenDrop)
	e.Sandbox.Fail(sandbox.RoutePackMessages, sandbox.FailServerError, 2) // both re-reads fail
	out := uitest.Press(m, "ctrl+s")
	if done, ok := uitest.Find[common.SendDoneMsg](out); !ok || done.Err == nil {
		t.Fatalf("want an unresolved send, got %#v", out)
	}
	if !strings.Contains(m.Err(), "may have gone through") || m.Draft().Text != text {
		t.Fatalf("err = %q, draft %+v", m.Err(), m.Draft())
	}
	// ctrl+s now checks first; the reply is there, so it is not sent again.
	out = uitest.Press(m, "ctrl+s")
	confirmedSent(t, m, store, out, text)
	if p := netw.posts.Load(); p != 1 {
		t.Fatalf("postsale wrote %d sends, want 1", p)
	}
	if n := countText(t, e.Common, packOpen, text); n != 1 {
		t.Fatalf("the buyer sees the reply %d times, want 1", n)
	}
}

var _ tea.Model = (*Model)(nil)
