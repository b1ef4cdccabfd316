package ui

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// openStore opens the store at path (a new one in a temporary folder when path is ""), closed
// when the test ends.
func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "store.db")
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// damagedStore opens a store over a file that is not a database: set aside, a new one begun.
func damagedStore(t *testing.T) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.db")
	if err := os.WriteFile(path, bytes.Repeat([]byte("not a database "), 400), 0o600); err != nil {
		t.Fatal(err)
	}
	return openStore(t, path)
}

// filledStore is a store that has seen the whole demo account once: a delta sync, the backfill
// to its end and users/me kept, as an earlier run of the inbox would leave it.
func filledStore(t *testing.T, e *uitest.Env) *store.Store {
	t.Helper()
	ctx := context.Background()
	st := openStore(t, "")
	d := store.NewData(st, e.Client, store.SyncOptions{BackfillShare: 1})
	if _, err := d.Me(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Syncer().Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := d.Syncer().Backfill(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return st
}

// deadClient is a client whose API is gone: a port nothing listens on any more.
func deadClient(t *testing.T) *api.Client {
	t.Helper()
	ts := httptest.NewServer(nil)
	url := ts.URL
	ts.Close()
	c, err := api.New(api.StaticToken("gone"), api.WithBaseURL(url))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// storedSession builds the inbox the CLI builds over a store: NewSession with store.Data.
func storedSession(t *testing.T, e *uitest.Env, st *store.Store, client store.API, o SessionOptions) *Model {
	t.Helper()
	o.Ctx, o.Data = e.Common.Ctx, store.NewData(st, client, store.SyncOptions{})
	o.Renderer, o.Now, o.Location = e.Common.Renderer, e.Common.Now, time.UTC
	o.Width, o.Height = 100, 30
	m, err := NewSession(o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// startStored runs a session over st (storedSession) and waits for the stored inbox, its whole
// history, on screen.
func startStored(t *testing.T, e *uitest.Env, st *store.Store, o SessionOptions) *app {
	t.Helper()
	a := startApp(t, e, probed{storedSession(t, e, st, e.Client, o)}, 5*time.Second)
	a.settleOn("whole history", "Beatriz Souza")
	return a
}

// startFrom runs a session with o whose list is filled from the store ("store": the sandbox's
// history stored first) or from the API ("api"), for tests that must hold for both.
func startFrom(t *testing.T, e *uitest.Env, source string, o SessionOptions) *app {
	t.Helper()
	if source == "store" {
		return startStored(t, e, filledStore(t, e), o)
	}
	o.Ctx, o.Data, o.Renderer, o.Now, o.Location = e.Common.Ctx, e.Client, e.Common.Renderer, e.Common.Now, time.UTC
	m, err := NewSession(o)
	if err != nil {
		t.Fatal(err)
	}
	return startApp(t, e, probed{m}, 5*time.Second)
}

// draftReplyToCarlos opens Carlos Restrepo's conversation through the list's filter and types
// text into a reply, not sent yet.
func (a *app) draftReplyToCarlos(text string) {
	a.t.Helper()
	a.keys("/", "Carlos", "enter", "enter")
	a.settleOn("Pack " + packReadOld)
	a.keys("r")
	a.settleOn("· pack " + packReadOld)
	a.keys(text)
	a.settleOn(text)
}

// With Mercado Libre unreachable, the inbox starts on the store: the first frame (before any
// command ran) shows the stored conversations and how far the history goes, the status bar says
// offline, a conversation opens from the store, and search finds and opens at a message.
func TestStoreStartsOfflineAndReadsAndSearchesEverything(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	st := filledStore(t, e)
	m := storedSession(t, e, st, deadClient(t), SessionOptions{})

	first := m.View()
	for _, want := range []string{"Beatriz Souza", "João Silva", "All 17] · 7 new", "whole history to "} {
		if !strings.Contains(first, want) {
			t.Fatalf("first frame lacks %q:\n%s", want, first)
		}
	}

	a := startApp(t, e, probed{m}, 5*time.Second)
	// Nothing answered in this session: the status bar says the data is the store's, as of its
	// last sync (not "nothing loaded yet" over a full list).
	a.settleOn("offline — stored data from ", "Beatriz Souza")
	// The quick filter still works on stored rows.
	a.keys("/", "Carlos", "enter", "enter")
	view := a.settleOn("Pack 2000004600112233", "Carlos Restrepo")
	if !strings.Contains(view, "offline") {
		t.Fatalf("conversation read offline should say so:\n%s", view)
	}
	a.keys("esc", "esc", "s")
	a.settleOn("search:")
	a.keys("Beatriz")
	view = a.settleOn(" · enter opens")
	if !strings.Contains(view, "Beatriz Souza") {
		t.Fatalf("search for a buyer's name finds nothing:\n%s", view)
	}
	a.keys("enter")
	view = a.settleOn("Pack "+packTopUnread, "◆ found")
	a.keys("esc")
	a.settleOn("search: Beatriz")
	a.keys("esc")
	a.settleOn("All 17]")
}

// Started offline, the first frame already counts a conversation the seller opened in an earlier
// run as seen, as an online start does: the marks are in the store, read with the first screen,
// not after /users/me (which offline answers only once the client has given up retrying).
func TestStoreStartsOfflineWithWhatTheSellerOpened(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	st := filledStore(t, e)
	const ana = "2000004512345671" // Ana Lucía Pérez: 2 unread, second in the list
	earlier := NewStoreSeen(st, "", nil)
	if err := earlier.Save(context.Background(), e.Sandbox.SellerID(), 1, map[string]common.SeenMark{ana: {At: testNow, Unread: 2}}); err != nil {
		t.Fatal(err)
	}
	m := storedSession(t, e, st, deadClient(t), SessionOptions{Seen: NewStoreSeen(st, "", nil)})
	first := m.View()
	if !strings.Contains(first, "All 17] · 6 new") {
		t.Fatalf("the first frame counts Ana's opened conversation as new:\n%s", first)
	}
	for _, l := range strings.Split(first, "\n") {
		if strings.Contains(l, "Ana Lucía Pérez") && strings.Contains(l, " 2 Ana") {
			t.Fatalf("the first frame marks Ana's opened conversation unread:\n%s", first)
		}
	}
	// The order does not change once the account is known (offline, from the store's copy).
	rows := func(v string) string {
		names := []string{"Beatriz Souza", "Ana Lucía Pérez", "Valentina Rojas", "田中 ゆき", "Jorge Mendoza"}
		slices.SortStableFunc(names, func(a, b string) int { return strings.Index(v, a) - strings.Index(v, b) })
		return strings.Join(names, ", ")
	}
	a := startApp(t, e, probed{m}, 5*time.Second)
	view := a.settleOn("offline — stored data from ")
	if rows(view) != rows(first) || !strings.Contains(view, "· 6 new") {
		t.Fatalf("the list changed once the account was known; first frame:\n%s\nthen:\n%s", first, view)
	}
}

// The stored inbox at the sizes sellers use: the title line gives up words (the tabs' long
// names, the history's longer wording) so the history's date stays whole from 80 columns up,
// and below that shows no history note rather than half a date.
func TestStoredListGoldens(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{120, 30}, {100, 30}, {80, 24}, {60, 20}, {40, 12}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			e := uitest.New(t, uitest.At(testNow))
			a := startStored(t, e, filledStore(t, e), SessionOptions{})
			a.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			view := a.settle("the stored list at "+t.Name(), func(v string) bool {
				return strings.Contains(v, "Beatriz Souza") && len(strings.Split(v, "\n")) == size[1] &&
					!strings.Contains(v, "syncing")
			})
			title := strings.Split(view, "\n")[1]
			if has := strings.Contains(title, "history"); size[0] >= 80 && !has || has && !regexp.MustCompile(`history(, back| back)? to \d{4}-\d\d-\d\d`).MatchString(title) {
				t.Errorf("the history's date is not whole: %q", title)
			}
			golden.RequireEqual(t, []byte(view))
		})
	}
}

// Inside the inbox, a start with nothing changed costs the delta sync's two requests and no
// conversation or header request; a buyer writing costs one conversation page on the next
// refresh, moves the row to the top and rings the bell (with the terminal's notification).
func TestStoreDeltaSyncInsideTheInboxAndNewMessageNotice(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	st := filledStore(t, e)
	before := len(e.Sandbox.Requests())
	bell := &uitest.Buffer{}
	env := map[string]string{"TERM_PROGRAM": "WezTerm", "TERM": "xterm-256color"}
	m := storedSession(t, e, st, e.Client, SessionOptions{
		Seller: e.Sandbox.SellerID(), NotifyOut: bell, NotifyEnv: func(k string) string { return env[k] },
	})
	a := startApp(t, e, probed{m}, 5*time.Second)
	a.settleOn("whole history", "Beatriz Souza")
	reqs := e.Sandbox.Requests()[before:]
	routes := map[string]int{}
	for _, r := range reqs {
		routes[r.Route]++
	}
	if len(reqs) != 2 || routes[sandbox.RouteUnread] != 1 || routes[sandbox.RouteOrderSearch] != 1 {
		t.Fatalf("a start with nothing changed made %d requests (%v), want unread + orders", len(reqs), routes)
	}
	if bell.String() != "" {
		t.Fatalf("nothing new, yet the terminal got %q", bell.String())
	}

	if _, err := e.Sandbox.BuyerWrites(packReadOld, "¿Llegó el reembolso?"); err != nil {
		t.Fatal(err)
	}
	before = len(e.Sandbox.Requests())
	a.keys("R")
	view := a.settle("the new message on top", func(v string) bool {
		return strings.Contains(v, "Llegó el reembolso") && strings.Index(v, "Carlos Restrepo") < strings.Index(v, "Beatriz Souza")
	})
	if !strings.Contains(view, "8 new") {
		t.Fatalf("the new message's pack is not counted unread:\n%s", view)
	}
	// The cursor stays on the buyer it was on: an enter pressed as the row arrives must not
	// open (and mark read) another buyer's conversation.
	if sel := selectedLine(view); !strings.Contains(sel, "Beatriz Souza") {
		t.Fatalf("the cursor moved to %q when a row arrived above it:\n%s", sel, view)
	}
	if got := len(e.Sandbox.Requests()) - before; got != 3 {
		t.Fatalf("one new message cost %d requests, want unread + orders + one page", got)
	}
	teatest.WaitFor(t, strings.NewReader(""), func([]byte) bool { return strings.Contains(bell.String(), "\a") },
		teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	if want := "\a\x1b]9;postsale: 1 new message from Carlos Restrepo\a"; bell.String() != want {
		t.Fatalf("notice = %q, want %q", bell.String(), want)
	}
}

// The notification follows the terminal: OSC 9 where it shows one, OSC 777 for foot and urxvt,
// the bell alone inside tmux or elsewhere; hostile buyer names cannot end it early.
func TestNotifySequenceFollowsTheTerminal(t *testing.T) {
	msg := commonNewMessages(2, "Ana; \x1b]52;c;evil\a", "Bruno")
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TERM_PROGRAM": "iTerm.app"}, "\a\x1b]9;postsale: 2 new messages from Ana, , Bruno\a"},
		{map[string]string{"TERM": "xterm-kitty"}, "\a\x1b]9;postsale: 2 new messages from Ana, , Bruno\a"},
		{map[string]string{"TERM": "foot"}, "\a\x1b]777;notify;postsale;2 new messages from Ana, , Bruno\a"},
		{map[string]string{"TERM_PROGRAM": "WezTerm", "TMUX": "/tmp/tmux-1/default,1,0"}, "\a"},
		{map[string]string{"TERM": "xterm-256color"}, "\a"},
	} {
		n := newNotifier(&bytes.Buffer{}, func(k string) string { return tc.env[k] })
		if got := n.sequence(msg); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.env, got, tc.want)
		}
	}
	if cmd := newNotifier(nil, nil).cmd(msg); cmd != nil {
		t.Error("notices off still ring")
	}
}

// A store set aside as damaged says so once: in the first frame's status bar, until a key.
func TestStoreSetAsideNoticeShownOnce(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	st := damagedStore(t)
	if st.Notice() == "" {
		t.Fatal("a damaged store was not set aside")
	}
	m := storedSession(t, e, st, e.Client, SessionOptions{Notice: st.Notice()})
	words := strings.Fields(sanitizeLine(st.Notice()))[:3]
	if v := m.View(); !strings.Contains(v, strings.Join(words, " ")) {
		t.Fatalf("the first frame does not say the store was set aside (%q):\n%s", st.Notice(), v)
	}
	m.Update(uitest.Key("j"))
	if v := m.View(); strings.Contains(v, strings.Join(words, " ")) {
		t.Fatalf("the notice outlives the next key:\n%s", v)
	}
}

// A damaged store set aside while Mercado Libre cannot be reached says so too: the failed
// requests' errors do not replace the sentence, which then says the new store will be rebuilt
// once Mercado Libre can be reached (nothing is being rebuilt); a key ends it.
func TestStoreSetAsideNoticeShownOffline(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	st := damagedStore(t)
	offline := st.NoticeFor(store.RebuildWhenReachable)
	if offline == "" || offline == st.Notice() {
		t.Fatalf("offline notice %q", offline)
	}
	m := storedSession(t, e, st, deadClient(t), SessionOptions{Notice: st.Notice(), OfflineNotice: offline})
	a := startApp(t, e, probed{m}, 5*time.Second)
	// The status bar wraps the sentence over lines, breaking the file's name at its dash.
	flat := func(v string) string { return strings.Join(strings.Fields(v), "") }
	view := a.settle("offline, the notice still said", func(v string) bool {
		return strings.Contains(v, "offline — ") && strings.Contains(v, "Cannot reach Mercado Libre") &&
			strings.Contains(flat(v), flat(offline))
	})
	if strings.Contains(view, "being rebuilt") {
		t.Fatalf("offline, the notice says the store is being rebuilt:\n%s", view)
	}
	a.keys("j")
	a.settle("the notice gone after a key", func(v string) bool { return !strings.Contains(v, "set aside") })
}

// The first frame reads only as many stored packs as the terminal has lines (the newest and the
// unread ones): the rest arrive from Init's command, and the list ends up whole.
func TestFirstScreenReadsWhatTheTerminalShowsThenTheRest(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.SetMeta(ctx, store.MetaSeller, "1234")
	for i := range 50 {
		pack := strconv.Itoa(2000000000000000 + i)
		at := testNow.Add(-time.Duration(50-i) * time.Hour)
		m := api.Message{ID: "m" + pack, Status: api.StatusAvailable, Text: "hola",
			MessageDate: api.MessageDate{Created: api.Time{Time: at}, Received: api.Time{Time: at}},
			From:        api.Party{UserID: "1234"}, // the seller wrote last: nothing unread
			To:          api.Party{UserID: api.ID(strconv.Itoa(9000 + i)), Name: "Comprador " + strconv.Itoa(i)},
			Resources:   []api.Resource{{ID: api.ID(pack), Name: "packs"}}}
		if err := st.PutPage(ctx, store.Page{PackID: pack, Messages: []api.Message{m}, Total: 1, Fetched: true}); err != nil {
			t.Fatal(err)
		}
	}
	m := storedSession(t, e, st, deadClient(t), SessionOptions{})
	first := m.View()
	for _, want := range []string{"Comprador 49", "All 30]"} {
		if !strings.Contains(first, want) {
			t.Fatalf("first frame (30 lines) lacks %q:\n%s", want, first)
		}
	}
	a := startApp(t, e, probed{m}, 5*time.Second)
	a.settleOn("All 50]")
}

// An empty store's first sync (a first run, the demo) shows the orders as soon as they are
// stored, before the conversations come (here held back until the test lets them through), and
// fills them in as they do; the list asks for no conversation of its own meanwhile.
func TestFirstSyncShowsTheOrdersBeforeTheConversations(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	e := uitest.New(t, uitest.At(testNow), uitest.Behind(func(sb *sandbox.Server) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/messages/packs/") {
				select {
				case <-release:
				case <-r.Context().Done():
					return
				}
			}
			sb.ServeHTTP(w, r)
		})
	}))
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m := storedSession(t, e, st, e.Client, SessionOptions{Seller: e.Sandbox.SellerID()})
	a := startApp(t, e, probed{m}, 5*time.Second)
	// Busy (the sync waits for its conversations), yet the orders' buyers (their nicknames: the
	// names come with the messages) are on screen.
	view := a.settle("the orders while the conversations are held", func(string) bool { return false }, "BEATRIZ_SOUZA")
	for _, want := range []string{"JOAOSILVA88", "loading…", "Syncing conversations"} {
		if !strings.Contains(view, want) {
			t.Fatalf("while the conversations are held, the list lacks %q:\n%s", want, view)
		}
	}
	if n := uitest.RouteCount(e.Sandbox, sandbox.RoutePackMessages); n != 0 {
		t.Fatalf("%d conversations answered while they were held", n)
	}
	close(release)
	view = a.settleOn("Beatriz Souza", "Vocês emitem nota fiscal?")
	if strings.Contains(view, "loading…") {
		t.Fatalf("rows still loading after the sync:\n%s", view)
	}
	// Each conversation was asked once per page: by the sync, not again by the list.
	seen := map[string]int{}
	for _, r := range e.Sandbox.Requests() {
		if r.Route == sandbox.RoutePackMessages && (!strings.Contains(r.RawQuery, "offset=") || strings.Contains(r.RawQuery, "offset=0&") || strings.HasSuffix(r.RawQuery, "offset=0")) {
			seen[r.Path]++
		}
	}
	for path, n := range seen {
		if n > 1 {
			t.Errorf("%s's first page was asked %d times", path, n)
		}
	}
}

// A stored conversation opens at once, from the store, while Mercado Libre is asked for it (here
// held back until the test lets it through); its answer then merges in, duplicating nothing.
func TestConversationOpensFromTheStoreWhileTheAPIIsAsked(t *testing.T) {
	t.Parallel()
	var hold atomic.Bool
	release := make(chan struct{})
	e := uitest.New(t, uitest.At(testNow), uitest.Behind(func(sb *sandbox.Server) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if hold.Load() && strings.Contains(r.URL.Path, "/messages/packs/"+packReadOld) {
				select {
				case <-release:
				case <-r.Context().Done():
					return
				}
			}
			sb.ServeHTTP(w, r)
		})
	}))
	st := filledStore(t, e)
	hold.Store(true)
	m := storedSession(t, e, st, e.Client, SessionOptions{Seller: e.Sandbox.SellerID()})
	a := startApp(t, e, probed{m}, 5*time.Second)
	a.settleOn("All 17]")
	a.keys("/", packReadOld, "enter", "enter")
	// Busy (the API's page is held), yet the stored messages are on screen.
	view := a.settle("the stored conversation", func(string) bool { return false }, "¡Perfecto, muchas gracias!")
	if !strings.Contains(view, "Pack "+packReadOld) || strings.Contains(view, "Loading conversation…") {
		t.Fatalf("the stored conversation did not open at once:\n%s", view)
	}
	close(release)
	view = a.settleOn("Pack "+packReadOld, "¡Perfecto, muchas gracias!")
	if n := strings.Count(view, "¡Perfecto, muchas gracias!"); n != 1 {
		t.Fatalf("after the API's answer the message shows %d times:\n%s", n, view)
	}
}

// A reply is the row's newest message as soon as it is sent, and the store keeps it as Mercado
// Libre does: the sync the send starts fetches that conversation (an unread count that did not
// move would not have), so the row still says so after any later sync, and in the next run.
func TestReplyShowsInTheRowAndReachesTheStore(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	st := filledStore(t, e)
	a := startStored(t, e, st, SessionOptions{Seller: e.Sandbox.SellerID()})
	const reply = "Gracias a usted, Carlos. Buen dia!"
	a.draftReplyToCarlos(reply)
	a.keys("ctrl+s")
	a.settleOn("Message sent.")
	a.keys("esc", "esc")
	a.settle("the reply in Carlos's row", func(v string) bool {
		return strings.Contains(v, "You: "+reply) && !strings.Contains(v, "Pack "+packReadOld)
	})
	stored := func() bool {
		p, ok, err := st.Pack(context.Background(), packReadOld)
		return err == nil && ok && p.LastMessageText == reply && p.LastFromSeller
	}
	teatest.WaitFor(t, strings.NewReader(""), func([]byte) bool { return stored() },
		teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	// A later sync reads the row from the store: it still shows the reply.
	a.keys("R")
	a.settle("the reply after a sync", func(v string) bool {
		return strings.Contains(v, "You: "+reply) && !strings.Contains(v, "Syncing")
	})
}

// Two sessions over one store, as a served team inbox has them: a reply one sends shows in the
// other's list without a key or a poll there (its own syncs are an hour apart here): the store
// tells the other list when the sending session's sync stored the reply.
func TestAReplyShowsInTheOtherSessionsList(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	st := filledStore(t, e)
	opts := SessionOptions{Seller: e.Sandbox.SellerID(), RefreshInterval: time.Hour}
	other := startStored(t, e, st, opts)
	a := startStored(t, e, st, opts)
	const reply = "Ya le respondo desde el equipo."
	a.draftReplyToCarlos(reply)
	a.keys("ctrl+s")
	a.settleOn("Message sent.")
	other.keys("/", "Carlos")
	other.settle("the teammate's reply in the other list", func(v string) bool {
		return strings.Contains(v, "You: "+reply)
	})
}

// sentMark is a sent reply's receipt on its own line of the conversation.
var sentMark = regexp.MustCompile(`(?m)^\s*sent\s*$`)

// A reply whose conversation the following sync cannot reach (Mercado Libre took the send,
// then the line dropped) still reaches the store: the next refresh that can reach Mercado Libre
// asks for it (the row waits for the buyer's read receipt, which reads the conversation).
func TestReplyFetchedByTheNextSyncAfterBeingOffline(t *testing.T) {
	t.Parallel()
	var reads atomic.Bool // cut every GET, let the send through
	reads.Store(true)
	e := uitest.New(t, uitest.At(testNow), uitest.Behind(func(sb *sandbox.Server) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && !reads.Load() {
				panic(http.ErrAbortHandler)
			}
			sb.ServeHTTP(w, r)
		})
	}))
	st := filledStore(t, e)
	a := startStored(t, e, st, SessionOptions{Seller: e.Sandbox.SellerID()})
	const reply = "Le escribo sin red."
	a.draftReplyToCarlos(reply)
	reads.Store(false)
	a.keys("ctrl+s")
	a.settle("sent, then offline", func(v string) bool {
		return strings.Contains(v, "offline") && !strings.Contains(v, "· pack ") && sentMark.MatchString(v)
	})
	a.keys("esc", "esc")
	if p, _, _ := st.Pack(context.Background(), packReadOld); p.LastMessageText == reply {
		t.Fatal("the reply reached the store with every read cut")
	}
	reads.Store(true)
	a.keys("R")
	teatest.WaitFor(t, strings.NewReader(""), func([]byte) bool {
		p, ok, err := st.Pack(context.Background(), packReadOld)
		return err == nil && ok && p.LastMessageText == reply
	}, teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// A buyer's new message rings in every session sharing the store (each teammate's terminal),
// whichever session's sync fetched it: here only one session syncs, the other's polls are an
// hour apart.
func TestNewMessageRingsInEverySessionSharingTheStore(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	st := filledStore(t, e)
	env := map[string]string{"TERM_PROGRAM": "WezTerm", "TERM": "xterm-256color"}
	session := func(bell *uitest.Buffer) *app {
		return startStored(t, e, st, SessionOptions{
			Seller: e.Sandbox.SellerID(), RefreshInterval: time.Hour,
			NotifyOut: bell, NotifyEnv: func(k string) string { return env[k] },
		})
	}
	ringA, ringB := &uitest.Buffer{}, &uitest.Buffer{}
	a := session(ringA)
	b := session(ringB)
	if ringA.String() != "" || ringB.String() != "" {
		t.Fatalf("nothing new, yet the terminals got %q and %q", ringA.String(), ringB.String())
	}
	if _, err := e.Sandbox.BuyerWrites(packReadOld, "¿Llegó el reembolso?"); err != nil {
		t.Fatal(err)
	}
	a.keys("R")
	const want = "\a\x1b]9;postsale: 1 new message from Carlos Restrepo\a"
	teatest.WaitFor(t, strings.NewReader(""), func([]byte) bool { return ringA.String() == want && ringB.String() == want },
		teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	b.settle("the new message in the other session's list", func(v string) bool {
		return strings.Contains(v, "Llegó el reembolso") && strings.Contains(v, "8 new")
	})
	// Each terminal rang once.
	a.settle("settled", func(string) bool { return true })
	if ringA.String() != want || ringB.String() != want {
		t.Fatalf("the terminals got %q and %q, want one notice each", ringA.String(), ringB.String())
	}
}

// Opening the search again from the list (s or ctrl+f) starts a new query: typing never extends
// the last one. Back from a result, the search is as it was.
func TestSearchOpensFreshFromTheList(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	st := filledStore(t, e)
	a := startApp(t, e, probed{storedSession(t, e, st, deadClient(t), SessionOptions{})}, 5*time.Second)
	a.settleOn("Beatriz Souza")
	a.keys("s")
	a.settleOn("search:")
	a.keys("Beatriz")
	a.settleOn("search: Beatriz", " · enter opens")
	a.keys("enter")
	a.settleOn("Pack "+packTopUnread, "◆ found")
	a.keys("esc")
	a.settleOn("search: Beatriz", " · enter opens") // back from the result: the same search
	a.keys("esc")
	a.settleOn("All 17]")
	for _, open := range []string{"s", "ctrl+f"} {
		a.keys(open)
		view := a.settleOn("Type to search every stored message.")
		if strings.Contains(view, "Beatriz") {
			t.Fatalf("%s opened the search on the last query:\n%s", open, view)
		}
		a.keys("Carlos")
		view = a.settleOn("search: Carlos", "Carlos Restrepo")
		if strings.Contains(view, "BeatrizCarlos") {
			t.Fatalf("typing extended the last query:\n%s", view)
		}
		a.keys("esc")
		a.settleOn("All 17]")
	}
}

// A search result found by its translation opens showing the translation (the view in "both"
// when it showed the message as written), so the seller sees the words that matched; one found
// by its text opens in the session's mode, and the next conversation does too.
func TestSearchResultInTheTranslationOpensShowingIt(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	st := filledStore(t, e)
	a := startApp(t, e, probed{storedSession(t, e, st, deadClient(t), SessionOptions{})}, 5*time.Second)
	a.settleOn("Beatriz Souza")
	const valentina = "2000004777000111"

	// Found by the text, as written: the mode stays.
	a.keys("s")
	a.settleOn("search:")
	a.keys("garantia ")
	a.settleOn("search: garantia", "Valentina Rojas", " · enter opens")
	a.keys("enter")
	view := a.settleOn("Pack "+valentina, "◆ found", "Última pregunta: ¿tienen garantía en Chile?")
	if !strings.Contains(view, "translation: original") || strings.Contains(view, "warranty") {
		t.Fatalf("a result found by its text opens in another mode:\n%s", view)
	}
	a.keys("esc", "esc", "esc")
	a.settleOn("All 17]")

	// Found by the translation: it shows, beside the text.
	a.keys("s")
	a.settleOn("search:")
	a.keys("warranty")
	a.settleOn("search: warranty", "Last question: do you have a warranty in Chile?", " · enter opens")
	a.keys("enter")
	a.settleOn("Pack "+valentina, "◆ found", "Última pregunta: ¿tienen garantía en Chile?",
		"↳ Last question: do you have a warranty in Chile?", "translation: both")

	// The session's mode is the seller's: the next conversation opens in it.
	a.keys("esc", "esc", "esc")
	a.settleOn("All 17]")
	a.keys("/", "Carlos", "enter", "enter")
	view = a.settleOn("Pack "+packReadOld, "Carlos Restrepo")
	if !strings.Contains(view, "translation: original") {
		t.Fatalf("the next conversation does not open in the session's mode:\n%s", view)
	}
}
