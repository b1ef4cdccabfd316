package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/compose"
	"github.com/postsale/postsale/ui/conversation"
	"github.com/postsale/postsale/ui/uitest"
)

var testNow = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

// Demo packs the tests rely on (assets/demo/demo.json).
const (
	packTopUnread = "2000004533445566" // Beatriz Souza, newest unread
	packHostile   = "2000004900001111" // Mariana Costa: a message full of escape sequences
	packBlocked   = "2000004123450000" // blocked_by_buyer
	packReadOld   = "2000004600112233" // Carlos Restrepo, read, days old
)

// probeMsg asks the program goroutine for the root's state, so tests never touch the model
// from another goroutine.
type probeMsg chan probe

type probe struct {
	idle bool
	view string
	gen  int
}

// probed wraps the root to answer probes; everything else goes to the root untouched.
type probed struct{ *Model }

func (p probed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ch, ok := msg.(probeMsg); ok {
		ch <- probe{idle: p.idle(), view: p.View(), gen: p.tickGen}
		return p, nil
	}
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

// idle: the start's work has begun (Init), and nothing is loading or sending anywhere. Each view
// sets its busy flag in the same Update that starts the request, so there is no gap before the
// task registers.
func (m *Model) idle() bool {
	if !m.started || len(m.c.Tasks.InFlight()) > 0 || m.list.Busy() {
		return false
	}
	if cv, ok := m.conv.(*conversation.Model); ok && cv.Loading() {
		return false
	}
	for _, cm := range m.composes {
		if c, ok := cm.(*compose.Model); ok && c.Sending() {
			return false
		}
	}
	return true
}

type app struct {
	t      *testing.T
	sb     *sandbox.Server
	client *api.Client
	tm     *teatest.TestModel
}

func newApp(t *testing.T, opts Options, setup ...func(*sandbox.Server)) *app {
	t.Helper()
	e := uitest.New(t, uitest.At(testNow))
	for _, f := range setup {
		f(e.Sandbox)
	}
	return startApp(t, e, probed{New(e.Common, opts)}, 5*time.Second)
}

// startApp runs root (the real Model, wrapped to answer probes) in teatest at 100×30, and quits
// it when the test ends, waiting up to quit for the program to finish.
func startApp(t *testing.T, e *uitest.Env, root tea.Model, quit time.Duration) *app {
	t.Helper()
	tm := teatest.NewTestModel(t, root, teatest.WithInitialTermSize(100, 30))
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(quit))
		// As the CLI does after the program: write what typing left pending, so no debounced
		// save wakes when the test's context ends and writes into its removed folders.
		if f, ok := root.(interface{ FlushDrafts() error }); ok {
			_ = f.FlushDrafts()
		}
	})
	return &app{t: t, sb: e.Sandbox, client: e.Client, tm: tm}
}

// settle waits until nothing is in flight and cond holds on the root's view, and returns it.
// With busyText, it waits for a view showing busyText instead, in flight or not.
func (a *app) settle(what string, cond func(view string) bool, busyText ...string) string {
	a.t.Helper()
	deadline := time.Now().Add(30 * time.Second) // generous: returns as soon as settled; CI machines are shared
	var last string
	for time.Now().Before(deadline) {
		ch := make(probeMsg, 1)
		a.tm.Send(ch)
		select {
		case p := <-ch:
			last = p.view
			if len(busyText) > 0 && strings.Contains(p.view, busyText[0]) {
				return p.view
			}
			if p.idle && cond(p.view) {
				return p.view
			}
		case <-time.After(5 * time.Second):
			a.t.Fatalf("%s: the program stopped answering", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
	a.t.Fatalf("%s: never happened; last view:\n%s", what, last)
	return ""
}

func (a *app) settleOn(texts ...string) string {
	a.t.Helper()
	return a.settle("view showing "+strings.Join(texts, ", "), func(v string) bool {
		for _, s := range texts {
			if !strings.Contains(v, s) {
				return false
			}
		}
		return true
	})
}

// unreadOnServer reports whether Mercado Libre (the sandbox) still counts pack unread.
func (a *app) unreadOnServer(pack string) bool {
	a.t.Helper()
	u, err := a.client.UnreadPacks(context.Background())
	if err != nil {
		a.t.Fatal(err)
	}
	for _, r := range u.Results {
		if r.PackID() == pack {
			return true
		}
	}
	return false
}

func (a *app) gen() int {
	ch := make(probeMsg, 1)
	a.tm.Send(ch)
	return (<-ch).gen
}

// keys presses named keys ("enter", "ctrl+s") and types anything else.
func (a *app) keys(keys ...string) {
	for _, k := range keys {
		if key := uitest.Key(k); key.Type != tea.KeyRunes {
			a.tm.Send(key)
		} else {
			a.tm.Type(k)
		}
	}
}

// openPack filters the list down to one pack and opens it.
func (a *app) openPack(packID string) string {
	a.t.Helper()
	a.settleOn("All 17]") // the list has loaded (how many are new depends on what was opened)
	a.keys("/", packID, "enter", "enter")
	return a.settleOn("Pack " + packID)
}

func (a *app) sends(packID string) []api.SendRequest {
	var out []api.SendRequest
	for _, r := range a.sb.Requests() {
		if r.Method == "POST" && r.Path == "/marketplace/messages/packs/"+packID {
			if len(r.Body) == 0 { // a scripted failure answers before reading the body
				out = append(out, api.SendRequest{})
				continue
			}
			var req api.SendRequest
			if err := json.Unmarshal(r.Body, &req); err != nil {
				a.t.Fatalf("send body: %v", err)
			}
			out = append(out, req)
		}
	}
	return out
}

func (a *app) count(method, path string) int { return uitest.CountRequests(a.sb, method, path) }

func TestListShowsUnreadFirst(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	view := a.settleOn("Beatriz Souza", "NORTHWIND_CBT")
	top, read := strings.Index(view, "Beatriz Souza"), strings.Index(view, "Jorge Mendoza")
	if top < 0 || read < 0 || top > read {
		t.Fatalf("unread Beatriz should be above read Jorge:\n%s", view)
	}
	for _, want := range []string{"#" + packTopUnread + " · MLB", "▸", "7 new", "5m", "enter open", "? help"} {
		if !strings.Contains(view, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	golden.RequireEqual(t, []byte(view))
}

func TestOpenConversationAndToggleTranslation(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.settleOn("Beatriz Souza")
	a.keys("enter")
	view := a.settleOn("Pack "+packTopUnread, "translation: original")
	if !strings.Contains(view, "Vocês emitem nota fiscal?") {
		t.Fatalf("conversation lacks the buyer's message:\n%s", view)
	}
	golden.RequireEqual(t, []byte(view))

	a.keys("t")
	view = a.settleOn("translation: translated")
	if strings.Contains(view, "Vocês emitem nota fiscal?") || !strings.Contains(view, "invoice") {
		t.Errorf("translated mode should show the English text only:\n%s", view)
	}
	a.keys("t")
	view = a.settleOn("translation: both", "Vocês emitem nota fiscal?")
	if !strings.Contains(view, "invoice") {
		t.Errorf("both mode lacks the translation:\n%s", view)
	}

	// Reading never marks anything read: the pack is still unread on the server.
	if !a.unreadOnServer(packTopUnread) {
		t.Error("opening the conversation marked it read")
	}

	a.keys("esc")
	a.settle("back on the list", func(v string) bool {
		return strings.Contains(v, "Beatriz Souza") && !strings.Contains(v, "Pack "+packTopUnread)
	})
}

func TestReplyReachesSandboxAndAppears(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.openPack(packReadOld)
	a.keys("r")
	view := a.settleOn("· pack " + packReadOld)
	golden.RequireEqual(t, []byte(view))

	a.keys("q") // in a text field q is a letter, not quit
	a.keys("Thanks Carlos, anything else?")
	a.settleOn("qThanks Carlos, anything else?")
	a.keys("ctrl+s")
	view = a.settle("sent", func(v string) bool {
		return strings.Contains(v, "Message sent.") && !strings.Contains(v, "· pack ")
	})
	if !strings.Contains(view, "qThanks Carlos, anything else?") {
		t.Errorf("the sent message is not in the conversation:\n%s", view)
	}
	sent := a.sends(packReadOld)
	if len(sent) != 1 || sent[0].Text != "qThanks Carlos, anything else?" {
		t.Fatalf("sandbox got %#v", sent)
	}
	conv, err := a.client.PackMessages(context.Background(), packReadOld, api.PageOptions{Limit: 1})
	if err != nil || len(conv.Messages) == 0 || conv.Messages[0].Text != "qThanks Carlos, anything else?" {
		t.Fatalf("reading back: %v %+v", err, conv)
	}
	// The draft went with the send: compose opens empty.
	a.keys("r")
	view = a.settleOn("· pack " + packReadOld)
	if strings.Contains(view, "qThanks") || !strings.Contains(view, "0/350") {
		t.Errorf("compose kept a sent draft:\n%s", view)
	}
}

func TestSendRefusedOver350Characters(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.openPack(packReadOld)
	a.keys("r")
	a.settleOn("· pack " + packReadOld)
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("a", 351)), Paste: true}) // one paste, not 351 frames
	a.settleOn("351/350")
	a.keys("ctrl+s")
	view := a.settleOn("351/350", "too long")
	if !strings.Contains(view, "· pack "+packReadOld) {
		t.Errorf("left compose after a refused send:\n%s", view)
	}
	if n := len(a.sends(packReadOld)); n != 0 {
		t.Fatalf("a refused send reached the sandbox %d times", n)
	}
}

// A file gone by the time of sending fails its upload: the composer says so once, beside the
// draft, and the status bar does not say it again (the same sentence twice, one copy cut).
func TestUploadErrorIsSaidOnce(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	path := filepath.Join(t.TempDir(), "gone.txt")
	if err := os.WriteFile(path, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	a.openPack(packReadOld)
	a.keys("r")
	a.settleOn("· pack " + packReadOld)
	a.keys("Here is the file", "ctrl+o")
	a.settleOn("Attach a file")
	a.keys("tab", path, "enter")
	a.settleOn("gone.txt · 5 B")
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	a.keys("ctrl+s")
	view := a.settleOn("Upload failed", "press ctrl+s to try again")
	if n := strings.Count(view, "Upload failed"); n != 1 {
		t.Errorf("the upload's error is shown %d times:\n%s", n, view)
	}
	if n := len(a.sends(packReadOld)); n != 0 {
		t.Errorf("a send went out without its file (%d)", n)
	}
}

func TestBlockedConversationRefusesCompose(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	reason := common.BlockedReason("blocked_by_buyer")
	a.openPack(packBlocked)
	a.settleOn(reason)
	a.keys("r")
	view := a.settleOn("You cannot reply")
	if !strings.Contains(view, reason) || strings.Contains(view, "· pack ") {
		t.Fatalf("blocked conversation should refuse compose with %q:\n%s", reason, view)
	}
	if n := len(a.sends(packBlocked)); n != 0 {
		t.Fatalf("blocked conversation sent %d messages", n)
	}
}

// A 500 to a send may hide a stored message: the conversation is read back first (here it is
// not there), the draft stays, and nothing invites a blind "try again".
func TestServerErrorOnSendIsCheckedAndKeepsDraft(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.sb.Fail(sandbox.RouteSend, sandbox.FailServerError, 3)
	a.openPack(packReadOld)
	a.keys("r")
	a.settleOn("· pack " + packReadOld)
	a.keys("Your invoice is on its way")
	a.keys("ctrl+s")
	// Said once, beside the draft: the status bar does not repeat the composer's own error.
	view := a.settleOn("The answer to your send was lost", "not in the conversation yet")
	if strings.Count(view, "The answer to your send was lost") != 1 || strings.Contains(view, "may have stored it") {
		t.Errorf("the send's error is said more than once:\n%s", view)
	}
	if strings.Contains(view, "try again in a moment") {
		t.Fatalf("a 500 to a send is not 'try again':\n%s", view)
	}
	if !strings.Contains(view, "· pack "+packReadOld) || !strings.Contains(view, "Your invoice is on its way") {
		t.Fatalf("after a failed send compose and the draft must stay:\n%s", view)
	}
	if n := len(a.sends(packReadOld)); n != 1 {
		t.Fatalf("want exactly one send attempt, got %d", n)
	}
	conv, err := a.client.PackMessages(context.Background(), packReadOld, api.PageOptions{Limit: 1})
	if err != nil || len(conv.Messages) == 0 || conv.Messages[0].Text == "Your invoice is on its way" {
		t.Fatalf("the failed message should not be stored: %v", err)
	}
	// esc and back: the draft survives until it is sent.
	a.keys("esc")
	a.settle("back in the conversation", func(v string) bool { return !strings.Contains(v, "· pack ") })
	a.keys("r")
	a.settleOn("· pack "+packReadOld, "Your invoice is on its way")
}

func TestEscapeSequencesRenderInert(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	list := a.settleOn("Mariana Costa", "Quero trocar.")
	a.openPack(packHostile)
	view := a.settleOn("Quero trocar.")
	a.keys("t", "t")
	both := a.settleOn("translation: both", "I want to exchange it.")
	for name, v := range map[string]string{"list": list, "conversation": view, "both": both} {
		if strings.ContainsAny(v, "\x1b\x07\u009b\u009d") {
			t.Errorf("%s view contains control bytes: %q", name, v)
		}
		if strings.Contains(v, "]52;") || strings.Contains(v, "Y3VybCBodHRw") {
			t.Errorf("%s view shows the OSC 52 payload", name)
		}
	}
}

func TestGlobalKeys(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.settleOn("Beatriz Souza")

	a.keys("esc") // esc never quits
	a.keys("?")
	view := a.settleOn("Keys", "refresh now", "quit (anywhere)", "/ filter")
	golden.RequireEqual(t, []byte(view))
	a.keys("?")
	a.settle("help closed", func(v string) bool { return !strings.Contains(v, "quit (anywhere)") })

	unread := a.count("GET", "/marketplace/messages/unread")
	a.keys("R")
	a.settle("manual refresh", func(string) bool { return a.count("GET", "/marketplace/messages/unread") > unread })
	if a.count("GET", "/marketplace/orders/search") < 2 {
		t.Error("R did not reload the orders")
	}

	// The interval tick polls unread counts and the open conversation; a stale tick does nothing.
	a.openPack(packTopUnread)
	a.settleOn("Pack " + packTopUnread)
	unread = a.count("GET", "/marketplace/messages/unread")
	convReads := a.count("GET", "/marketplace/messages/packs/"+packTopUnread)
	a.tm.Send(refreshTickMsg{gen: a.gen() - 1})
	a.settleOn("Pack " + packTopUnread)
	if a.count("GET", "/marketplace/messages/unread") != unread {
		t.Error("a stale tick polled")
	}
	a.tm.Send(refreshTickMsg{gen: a.gen()})
	a.settle("interval refresh", func(string) bool {
		return a.count("GET", "/marketplace/messages/unread") > unread &&
			a.count("GET", "/marketplace/messages/packs/"+packTopUnread) > convReads
	})

	a.keys("q")
	a.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestRefreshInterval(t *testing.T) {
	c := uitest.Offline(testNow, termenv.Ascii)
	for in, want := range map[time.Duration]time.Duration{
		0:                DefaultRefreshInterval,
		-time.Second:     DefaultRefreshInterval,
		time.Second:      MinRefreshInterval,
		30 * time.Second: 30 * time.Second,
	} {
		if got := New(c, Options{RefreshInterval: in}).RefreshInterval(); got != want {
			t.Errorf("RefreshInterval(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestAnySizeWithoutPanic(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.openPack(packReadOld)
	a.keys("r")
	a.settleOn("· pack " + packReadOld)
	a.keys("Hola")
	for _, step := range []string{"compose", "esc", "esc", "?"} {
		if step != "compose" {
			a.keys(step)
		}
		for _, size := range [][2]int{{1, 1}, {2, 2}, {5, 3}, {20, 4}, {60, 20}, {80, 24}, {100, 30}, {37, 11}} {
			a.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			view := a.settle("resize", func(string) bool { return true })
			lines := strings.Split(view, "\n")
			if len(lines) != size[1] {
				t.Errorf("%s at %dx%d: %d lines", step, size[0], size[1], len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != size[0] {
					t.Errorf("%s at %dx%d: line %d is %d wide: %q", step, size[0], size[1], i, w, l)
				}
			}
		}
	}
	a.tm.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	a.keys("?")
	a.settle("help closed at 80x24", func(v string) bool { return !strings.Contains(v, "quit (anywhere)") })
	view := a.settleOn("Carlos Restrepo")
	if !strings.Contains(view, "Conversations") || !strings.Contains(view, "? help") {
		t.Errorf("80x24 list lost its header or help:\n%s", view)
	}
}

// Terminals deliver fast input in one read; each rune is still its own key.
func TestChunkedKeys(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.settleOn("Beatriz Souza", "João Silva")
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjj")})
	a.keys("enter")
	a.settleOn("Pack 2000004587654321") // the fourth row
	a.keys("r")
	a.settleOn("· pack 2000004587654321")
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("the ")})
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("right")})
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(" one")})
	a.settleOn("the right one")
}

func TestAccountErrorThenRetry(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{}, func(sb *sandbox.Server) { sb.Fail(sandbox.RouteMe, sandbox.FailServerError, 1) })
	view := a.settleOn("Could not load conversations", "R retries.")
	if !strings.Contains(view, "Mercado Libre had a problem (500)") {
		t.Errorf("the status bar lacks the error sentence:\n%s", view)
	}
	if a.count("GET", "/marketplace/orders/search") != 0 {
		t.Error("searched orders without knowing the seller")
	}
	a.keys("R")
	a.settleOn("Beatriz Souza", "NORTHWIND_CBT")
	if n := a.count("GET", "/users/me"); n != 2 {
		t.Errorf("want two /users/me, got %d", n)
	}
}

func TestListGoldenSmallTerminals(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			a := newApp(t, Options{})
			a.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			view := a.settle("list at "+t.Name(), func(v string) bool {
				return strings.Contains(v, "Beatriz Souza") && len(strings.Split(v, "\n")) == size[1]
			})
			if !strings.Contains(view, "? help") || !strings.Contains(view, "postsale") {
				t.Errorf("header or help lost:\n%s", view)
			}
			golden.RequireEqual(t, []byte(view))
		})
	}
}

// A window sized only after the list loaded (or made larger) gets the headers of the rows it now
// shows, instead of leaving them "loading…" until the next poll.
func TestResizeLoadsHeadersOfRowsItShows(t *testing.T) {
	e := uitest.New(t, uitest.At(testNow))
	tm := teatest.NewTestModel(t, probed{New(e.Common, Options{})}) // no size yet: one row "fits"
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	})
	a := &app{t: t, sb: e.Sandbox, client: e.Client, tm: tm}
	// With no size the list fits one row, so it asks for two headers (that row and one ahead).
	a.settle("list loaded before any window size", func(string) bool {
		return a.count("GET", "/marketplace/messages/packs/") >= 2
	})
	if n := a.count("GET", "/marketplace/messages/packs/"); n != 2 {
		t.Fatalf("%d header requests before any window size, want 2", n)
	}
	a.tm.Send(tea.WindowSizeMsg{Width: 60, Height: 20})
	view := a.settle("every shown row with its header", func(v string) bool {
		return len(strings.Split(v, "\n")) == 20 && !strings.Contains(v, "loading…")
	})
	if !strings.Contains(view, "Beatriz Souza") || !strings.Contains(view, "Rafael Lima") {
		t.Errorf("headers of the rows on screen missing:\n%s", view)
	}
}
