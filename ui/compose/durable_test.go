package compose

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
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
	m.SetSize(80, 24)
	// A static cursor sends no blink ticks, so running a key's commands does not wait on them.
	m.text.Cursor.SetMode(cursor.CursorStatic)
	m.translated.Cursor.SetMode(cursor.CursorStatic)
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
	e.Sandbox.Fail(sandbox.RouteSend, sandbox.FailServerError, 1)
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
	if !strings.Contains(m.Err(), "could not be read") {
		t.Fatalf("err = %q, want the damaged draft reported", m.Err())
	}
	if data, _ := os.ReadFile(store.Path(packOpen)); string(data) != "{not json" {
		t.Fatal("the damaged draft was overwritten before the seller typed anything")
	}
}

// lossyNetwork delivers sends to the sandbox but can lose the answer, like a connection that
// drops right after Mercado Libre stored the message.
type lossyNetwork struct {
	sb         *sandbox.Server
	loseAnswer atomic.Bool
}

func (n *lossyNetwork) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && n.loseAnswer.Load() {
		n.sb.ServeHTTP(httptest.NewRecorder(), r) // stored...
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close() // ...but the answer never arrives
			return
		}
	}
	n.sb.ServeHTTP(w, r)
}

// newLossyEnv is newEnv with postsale's real transport (one attempt) behind a lossy network.
func newLossyEnv(t *testing.T) (*env, *lossyNetwork) {
	t.Helper()
	netw := &lossyNetwork{}
	e := uitest.New(t, uitest.AsSeller("MLM", "Demo Seller"),
		uitest.Behind(func(sb *sandbox.Server) http.Handler { netw.sb = sb; return netw }),
		uitest.WithClient(api.WithHTTPClient(transport.NewClient(transport.Config{MaxAttempts: 1}))))
	return e, netw
}

func sendsTo(sb *sandbox.Server, pack string) int {
	n := 0
	for _, r := range sb.Requests() {
		if r.Method == http.MethodPost && r.Path == "/marketplace/messages/packs/"+pack {
			n++
		}
	}
	return n
}

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

func TestLostAnswerToAStoredSendCountsAsSent(t *testing.T) {
	e, netw := newLossyEnv(t)
	store := withDrafts(t, e)
	m := newDurable(t, e.Common, packOpen)
	const text = "Refund issued, you will see it in 2 days."
	typeDraft(m, text)
	netw.loseAnswer.Store(true)
	out := uitest.Press(m, "ctrl+s")
	netw.loseAnswer.Store(false)
	done, ok := uitest.Find[common.SendDoneMsg](out)
	if !ok || done.Err != nil || done.Message == nil || done.Message.Text != text {
		t.Fatalf("want the send confirmed from the conversation, got %#v (err %q)", done, m.Err())
	}
	if m.Sending() || !m.Empty() {
		t.Fatalf("compose still sending=%v or holding %+v", m.Sending(), m.Draft())
	}
	// The seller presses ctrl+s again out of habit: nothing is left to send.
	uitest.Press(m, "ctrl+s")
	if n := sendsTo(e.Sandbox, packOpen); n != 1 {
		t.Fatalf("sandbox got %d sends, want exactly 1", n)
	}
	if n := countText(t, e.Common, packOpen, text); n != 1 {
		t.Fatalf("the buyer sees the reply %d times", n)
	}
	if _, err := os.Stat(store.Path(packOpen)); !os.IsNotExist(err) {
		t.Fatal("the draft of a reply that went through is still on disk")
	}
}

func TestDroppedSendThatDidNotArriveIsOfferedAgain(t *testing.T) {
	e, _ := newLossyEnv(t)
	store := withDrafts(t, e)
	m := newDurable(t, e.Common, packOpen)
	const text = "Tracking: it arrives tomorrow."
	typeDraft(m, text)
	e.Sandbox.Fail(sandbox.RouteSend, sandbox.FailDrop, 1) // dropped before the sandbox stored it
	out := uitest.Press(m, "ctrl+s")
	done, ok := uitest.Find[common.SendDoneMsg](out)
	if !ok || done.Err == nil {
		t.Fatalf("want a failed send, got %#v", out)
	}
	if !strings.Contains(m.Err(), "not in the conversation") || !strings.Contains(m.Err(), "ctrl+s sends it again") {
		t.Fatalf("err = %q", m.Err())
	}
	if d, _ := store.Load(packOpen); d.Text != text {
		t.Fatalf("draft lost: %+v", d)
	}
	out = uitest.Press(m, "ctrl+s")
	if done, ok := uitest.Find[common.SendDoneMsg](out); !ok || done.Err != nil {
		t.Fatalf("second send: %#v", out)
	}
	if n := countText(t, e.Common, packOpen, text); n != 1 {
		t.Fatalf("the buyer sees the reply %d times, want 1", n)
	}
}

func TestUncheckableSendIsCheckedAgainNotResent(t *testing.T) {
	e, netw := newLossyEnv(t)
	withDrafts(t, e)
	m := newDurable(t, e.Common, packOpen)
	const text = "We will replace the item."
	typeDraft(m, text)
	netw.loseAnswer.Store(true)
	e.Sandbox.Fail(sandbox.RoutePackMessages, sandbox.FailServerError, 1) // the check fails too
	out := uitest.Press(m, "ctrl+s")
	netw.loseAnswer.Store(false)
	if done, ok := uitest.Find[common.SendDoneMsg](out); !ok || done.Err == nil {
		t.Fatalf("want an unresolved send, got %#v", out)
	}
	if !strings.Contains(m.Err(), "may have gone through") || m.Draft().Text != text {
		t.Fatalf("err = %q, draft %+v", m.Err(), m.Draft())
	}
	// ctrl+s now checks first; the reply is there, so it is not sent again.
	out = uitest.Press(m, "ctrl+s")
	if done, ok := uitest.Find[common.SendDoneMsg](out); !ok || done.Err != nil || done.Message == nil {
		t.Fatalf("want the check to confirm the send, got %#v (err %q)", out, m.Err())
	}
	if n := sendsTo(e.Sandbox, packOpen); n != 1 {
		t.Fatalf("sandbox got %d sends, want 1", n)
	}
	if n := countText(t, e.Common, packOpen, text); n != 1 {
		t.Fatalf("the buyer sees the reply %d times, want 1", n)
	}
}

func TestFindSent(t *testing.T) {
	at := func(min int) api.MessageDate {
		return api.MessageDate{Created: api.Time{Time: clock.Add(time.Duration(min) * time.Minute)}}
	}
	req := api.SendRequest{Text: "Hello there"}
	msgs := []api.Message{
		{ID: "buyer", From: api.Party{UserID: "9"}, Text: "Hello there", MessageDate: at(1)},
		{ID: "old", From: api.Party{UserID: "1"}, Text: "Hello there", MessageDate: at(-10)},
		{ID: "other", From: api.Party{UserID: "1"}, Text: "Hello", MessageDate: at(1)},
		{ID: "it", From: api.Party{UserID: "1"}, Text: " Hello there ", MessageDate: at(0)},
	}
	if got := findSent(msgs, req, "1", clock.Add(-sendSkew)); got == nil || got.ID != "it" {
		t.Fatalf("findSent = %+v, want the seller's new copy", got)
	}
	if got := findSent(msgs[:3], req, "1", clock.Add(-sendSkew)); got != nil {
		t.Fatalf("findSent = %+v, want nothing (buyer's, too old, different text)", got)
	}
}

var _ tea.Model = (*Model)(nil)
