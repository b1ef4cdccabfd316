package packlist

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

var testNow = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

type harness struct {
	sb *sandbox.Server
	c  *common.Common
	m  *Model
	// maxHeaders is the most header requests seen in flight at once.
	maxHeaders int
}

func newHarness(t *testing.T, width, height int) *harness {
	t.Helper()
	u := uitest.New(t, uitest.At(testNow), uitest.AsSeller("", ""))
	m := New(u.Common)
	m.SetSize(width, height)
	return &harness{sb: u.Sandbox, c: u.Common, m: m}
}

// drain runs cmd and every command it leads to, feeding results back into the model the way
// Bubble Tea would (sequentially), and returns the messages meant for someone else.
func (h *harness) drain(t *testing.T, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	h.countHeaders()
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			t.Fatal("commands never settle")
		}
		next := queue[0]
		queue = queue[1:]
		if next == nil {
			continue
		}
		switch msg := next().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case common.TaskFinishedMsg:
			h.c.Tasks.Finish(msg.Task.ID) // what the root does
			_, c := h.m.Update(msg)
			h.countHeaders()
			queue = append(queue, c)
		default:
			out = append(out, msg)
		}
	}
	return out
}

// countHeaders notes how many header requests are in flight now (tasks register when made).
func (h *harness) countHeaders() {
	n := 0
	for _, t := range h.c.Tasks.InFlight() {
		if strings.HasPrefix(t.Label, "Loading conversation ") || strings.HasPrefix(t.Label, "Loading the conversation with ") {
			n++
		}
	}
	h.maxHeaders = max(h.maxHeaders, n)
}

func (h *harness) key(t *testing.T, k string) []tea.Msg {
	t.Helper()
	_, cmd := h.m.Update(uitest.Key(k))
	return append(h.drain(t, cmd), h.c.Nav.Take()...)
}

// typeKeys presses each character of s in turn, as typing does.
func (h *harness) typeKeys(t *testing.T, s string) {
	t.Helper()
	for _, r := range s {
		h.key(t, string(r))
	}
}

func (h *harness) countRequests(method, pathPrefix string) int {
	return uitest.CountRequests(h.sb, method, pathPrefix)
}

func TestLoadSortsUnreadFirstThenNewest(t *testing.T) {
	h := newHarness(t, 100, 200) // tall: every row is visible, so every header loads
	h.drain(t, h.m.Init())
	if len(h.m.visible) < 15 {
		t.Fatalf("got %d rows, want the demo's 15+", len(h.m.visible))
	}
	seenRead := false
	for i, r := range h.m.visible {
		if r.header != headerDone {
			t.Errorf("row %s header state %v, want loaded", r.PackID, r.header)
		}
		if r.Unread == 0 {
			seenRead = true
		} else if seenRead {
			t.Errorf("unread row %s (%d) after a read row", r.PackID, i)
		}
		if i > 0 {
			prev := h.m.visible[i-1]
			if (prev.Unread > 0) == (r.Unread > 0) && r.LastAt.After(prev.LastAt) {
				t.Errorf("row %s (%v) is newer than the row above it %s (%v)", r.PackID, r.LastAt, prev.PackID, prev.LastAt)
			}
		}
	}
	if !seenRead || h.m.visible[0].Unread == 0 {
		t.Fatalf("want unread and read rows, unread on top")
	}
	if h.maxHeaders > MaxHeadersInFlight || h.maxHeaders == 0 {
		t.Errorf("max header requests in flight = %d, want 1..%d", h.maxHeaders, MaxHeadersInFlight)
	}
	for _, r := range h.sb.Requests() {
		if strings.HasPrefix(r.Path, "/marketplace/orders/search") && !strings.Contains(r.RawQuery, "sort=date_desc") {
			t.Errorf("order search without date_desc: %s", r.RawQuery)
		}
	}
}

func TestHeadersOnlyForVisibleRowsAndOneScreenAhead(t *testing.T) {
	h := newHarness(t, 80, 9) // title + 4 rows of 2 lines
	h.drain(t, h.m.Init())
	page := h.m.pageRows()
	if page != 4 {
		t.Fatalf("pageRows = %d, want 4", page)
	}
	got := h.countRequests("GET", "/marketplace/messages/packs/")
	// Rows re-sort as their headers arrive, so a few more than two screens may be asked for,
	// but never the whole list.
	if got < 2*page || got >= len(h.m.rows) {
		t.Errorf("header requests after load = %d, want at least %d and fewer than all %d rows", got, 2*page, len(h.m.rows))
	}
	// Scrolling down past the prefetched rows asks for the next ones, not all of them.
	for range 2 * page {
		h.key(t, "j")
	}
	after := h.countRequests("GET", "/marketplace/messages/packs/")
	if after <= got {
		t.Errorf("header requests after scrolling = %d, want more than %d", after, got)
	}
}

func TestFilterAndEmptyStates(t *testing.T) {
	h := newHarness(t, 100, 200)
	h.drain(t, h.m.Init())
	total := len(h.m.visible)

	h.key(t, "/")
	if !h.m.Typing() {
		t.Fatal("/ did not focus the filter")
	}
	h.typeKeys(t, "田中")
	if len(h.m.visible) != 1 || h.m.visible[0].PackID != "2000004811223344" {
		t.Fatalf("filter by a non-Latin buyer name: %d rows", len(h.m.visible))
	}
	h.key(t, "esc")
	if h.m.Typing() || h.m.filter.Value() != "" || len(h.m.visible) != total {
		t.Fatalf("esc did not clear the filter: typing=%v value=%q rows=%d/%d", h.m.Typing(), h.m.filter.Value(), len(h.m.visible), total)
	}

	// By pack id.
	h.key(t, "/")
	h.typeKeys(t, "4587654321")
	if len(h.m.visible) != 1 || h.m.visible[0].PackID != "2000004587654321" {
		t.Fatalf("filter by pack id: got %d rows", len(h.m.visible))
	}
	h.key(t, "enter") // keeps the filter, leaves the input
	if h.m.Typing() || len(h.m.visible) != 1 {
		t.Fatalf("enter should keep the filter and blur: typing=%v rows=%d", h.m.Typing(), len(h.m.visible))
	}
	out := h.key(t, "enter")
	if len(out) != 1 || out[0] != (common.OpenPackMsg{PackID: "2000004587654321", Site: "MLB"}) {
		t.Fatalf("enter on the row yielded %#v, want OpenPackMsg for 2000004587654321", out)
	}
	h.key(t, "esc")

	// By buyer name, case-insensitively, and by message text.
	h.key(t, "/")
	h.typeKeys(t, "joão")
	if len(h.m.visible) != 1 || h.m.visible[0].Buyer != "João Silva" {
		t.Fatalf("filter by buyer: %d rows", len(h.m.visible))
	}
	h.key(t, "esc")
	h.key(t, "/")
	h.typeKeys(t, "viernes")
	if len(h.m.visible) != 1 || h.m.visible[0].PackID != "2000004512345671" {
		t.Fatalf("filter by text: %d rows", len(h.m.visible))
	}

	// No match says how to get out.
	h.key(t, "z")
	view := h.m.View()
	if !strings.Contains(view, `No match for "viernesz" — esc clears the filter`) {
		t.Fatalf("no-match empty state missing:\n%s", view)
	}
	h.key(t, "esc")
	if strings.Contains(h.m.View(), "No match") {
		t.Fatal("esc left the no-match state")
	}
}

func TestEmptyListSaysWhatToDo(t *testing.T) {
	h := newHarness(t, 100, 10)
	h.m.Update(common.TaskFinishedMsg{Task: common.Task{Owner: common.ListOwner()}, Msg: packsLoadedMsg{Full: true, Unread: []api.UnreadPack{}}})
	if v := h.m.View(); !strings.Contains(v, "No conversations yet — buyers' messages appear here") {
		t.Fatalf("empty state missing:\n%s", v)
	}
	// Keys on an empty list are harmless and help does not offer them.
	h.key(t, "j")
	h.key(t, "enter")
	if h.m.keys.Open.Enabled() || h.m.keys.Down.Enabled() {
		t.Error("open/down enabled on an empty list")
	}
}

func TestBlockedRowShowsReasonAndHostileTextIsInert(t *testing.T) {
	h := newHarness(t, 120, 200)
	h.drain(t, h.m.Init())
	view := h.m.View()
	for _, want := range []string{
		"⊘ blocked",
		common.BlockedReason("blocked_by_buyer"),
		common.BlockedReason("blocked_by_mediation"),
		"田中 ゆき 🌸",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q", want)
		}
	}
	if strings.ContainsAny(view, "\x1b\u009b\x07") {
		t.Errorf("control bytes reached the view: %q", view)
	}
}

func TestRefreshPollsUnreadOnlyAndNeverMarksRead(t *testing.T) {
	h := newHarness(t, 100, 200)
	h.drain(t, h.m.Init())
	before := map[string]int{}
	for _, r := range h.m.rows {
		before[r.PackID] = r.Unread
	}
	orders := h.countRequests("GET", "/marketplace/orders/search")
	_, cmd := h.m.Update(common.RefreshMsg{})
	h.drain(t, cmd)
	if got := h.countRequests("GET", "/marketplace/orders/search"); got != orders {
		t.Errorf("interval refresh searched orders again (%d → %d)", orders, got)
	}
	for _, r := range h.m.rows {
		if r.Unread != before[r.PackID] {
			t.Errorf("pack %s unread %d → %d after reading its header", r.PackID, before[r.PackID], r.Unread)
		}
	}
	_, cmd = h.m.Update(common.RefreshMsg{Manual: true})
	h.drain(t, cmd)
	if got := h.countRequests("GET", "/marketplace/orders/search"); got <= orders {
		t.Errorf("manual refresh did not reload orders")
	}
}

func TestViewFitsAnySize(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.drain(t, h.m.Init())
	for _, size := range [][2]int{{1, 1}, {2, 3}, {10, 2}, {60, 20}, {80, 24}, {100, 30}, {0, 0}} {
		h.m.SetSize(size[0], size[1])
		v := h.m.View()
		if size[0] == 0 {
			if v != "" {
				t.Errorf("0×0 view = %q", v)
			}
			continue
		}
		lines := strings.Split(v, "\n")
		if len(lines) != size[1] {
			t.Errorf("%v: %d lines", size, len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != size[0] {
				t.Errorf("%v: line %d is %d cells wide: %q", size, i, w, l)
			}
		}
	}
}

func TestCursorFollowsTheChosenRowWhenRowsResort(t *testing.T) {
	h := newHarness(t, 100, 200)
	h.drain(t, h.m.Init())
	// Choose the second read row; the last (oldest read) row will jump above it.
	firstRead := 0
	for firstRead < len(h.m.visible) && h.m.visible[firstRead].Unread > 0 {
		firstRead++
	}
	for range firstRead + 1 {
		h.key(t, "j")
	}
	chosen := h.m.Selected()
	before := h.m.cursor
	last := h.m.visible[len(h.m.visible)-1]
	if chosen == "" || last.PackID == chosen || last.Unread > 0 {
		t.Fatal("need a chosen read row that is not the last one")
	}
	conv := &api.Conversation{Messages: []api.Message{{
		Text:        "new\x1b[2J message",
		From:        api.Party{UserID: "1", Name: "Someone"},
		MessageDate: api.MessageDate{Created: api.Time{Time: testNow}},
	}}}
	h.m.Update(common.TaskFinishedMsg{Task: common.Task{Owner: common.ListOwner()}, Msg: headerLoadedMsg{PackID: last.PackID, Conv: conv}})
	if h.m.Selected() != chosen {
		t.Fatalf("cursor moved from %s to %s when rows re-sorted", chosen, h.m.Selected())
	}
	if last.Last != "new message" {
		t.Errorf("last message not sanitised: %q", last.Last)
	}
	if h.m.cursor != before+1 || h.m.visible[firstRead].PackID != last.PackID {
		t.Fatalf("want the updated row on top of the read rows and the cursor one lower (%d → %d)", before, h.m.cursor)
	}
}

// A filter typed before the rows' headers arrived (a seller types while the list loads) must
// still find a row once its header tells its text: rows not yet known stay listed (and so get
// fetched) instead of being dropped unjudged.
func TestFilterTypedBeforeHeadersLoadStillFindsRows(t *testing.T) {
	probe := newHarness(t, 100, 8) // short: only the first rows' headers load
	probe.drain(t, probe.m.Init())
	var far *row
	for _, r := range probe.m.visible {
		if r.header == headerNone {
			far = r
		}
	}
	if far == nil {
		t.Fatal("every header loaded; the terminal is too tall for this test")
	}
	conv, err := probe.c.Client.PackMessages(context.Background(), far.PackID, api.PageOptions{Limit: 1})
	if err != nil || len(conv.Messages) == 0 {
		t.Fatalf("read %s: %v", far.PackID, err)
	}
	// The longest word of the last message: only the header tells it (the order search has no text).
	word := ""
	for _, w := range strings.Fields(conv.Messages[0].Text) {
		if len([]rune(w)) > len([]rune(word)) {
			word = w
		}
	}

	h := newHarness(t, 100, 8)
	initCmd := h.m.Init()
	h.key(t, "/")
	h.typeKeys(t, word)
	h.drain(t, initCmd)
	found := false
	for _, r := range h.m.visible {
		if r.PackID == far.PackID {
			found = r.header == headerDone
		}
	}
	if !found {
		t.Fatalf("filter %q typed while loading does not show pack %s:\n%s", word, far.PackID, h.m.View())
	}
}

func TestSlashStartsAFreshFilter(t *testing.T) {
	h := newHarness(t, 100, 200)
	h.drain(t, h.m.Init())
	h.key(t, "/")
	h.typeKeys(t, "joão")
	h.key(t, "enter") // keep the filter, leave the input
	if h.m.filter.Value() != "joão" || len(h.m.visible) != 1 {
		t.Fatalf("kept filter: value %q, %d rows", h.m.filter.Value(), len(h.m.visible))
	}
	h.key(t, "/")
	if !h.m.Typing() || h.m.filter.Value() != "" {
		t.Fatalf("/ over a kept filter: typing=%v value=%q, want a fresh empty filter", h.m.Typing(), h.m.filter.Value())
	}
	h.typeKeys(t, "田中")
	if got := h.m.filter.Value(); got != "田中" {
		t.Fatalf("second filter searched %q, want %q", got, "田中")
	}
	if len(h.m.visible) != 1 || h.m.visible[0].PackID != "2000004811223344" {
		t.Fatalf("second filter: %d rows", len(h.m.visible))
	}
	h.key(t, "esc")
	if h.m.filter.Value() != "" || h.m.Typing() {
		t.Fatalf("esc after a fresh filter: value %q typing %v", h.m.filter.Value(), h.m.Typing())
	}
}

func TestPreviewRendersLinksAsText(t *testing.T) {
	h := newHarness(t, 160, 200)
	h.drain(t, h.m.Init())
	const pack = "2000004411223300" // newest message: the seller's <a href> to a firmware page
	r := h.m.byID[pack]
	if r == nil || r.header != headerDone {
		t.Fatalf("row %s not loaded: %+v", pack, r)
	}
	if want := "firmware update (https://northwind.example.com/c2/firmware)"; !strings.Contains(r.Last, want) {
		t.Fatalf("preview %q lacks %q", r.Last, want)
	}
	view := h.m.View()
	if strings.Contains(view, "<a") || strings.Contains(view, "href") || strings.Contains(view, "</a>") {
		t.Fatalf("raw HTML in the list:\n%s", view)
	}
	if !strings.Contains(view, "firmware update (https://") {
		t.Fatalf("rendered link missing from the row:\n%s", view)
	}
}

// A header request that never answers frees its slot after the timeout: the rows behind it
// still load, and the stuck row says it failed instead of "loading…" forever.
func TestHungHeaderRequestDoesNotStallTheList(t *testing.T) {
	h := newHarness(t, 100, 200)
	h.m.headerTimeout = time.Second // long enough that a loaded CI machine still answers the others in time
	h.sb.Fail(sandbox.RoutePackMessages, sandbox.FailTimeout, MaxHeadersInFlight)
	h.drain(t, h.m.Init())
	failed, done := 0, 0
	for _, r := range h.m.visible {
		switch r.header {
		case headerFailed:
			failed++
		case headerDone:
			done++
		default:
			t.Fatalf("pack %s still waits for its header", r.PackID)
		}
	}
	if failed != MaxHeadersInFlight || done != len(h.m.visible)-MaxHeadersInFlight {
		t.Fatalf("%d headers failed and %d loaded of %d rows; want the %d hung ones failed and the rest loaded", failed, done, len(h.m.visible), MaxHeadersInFlight)
	}
}
