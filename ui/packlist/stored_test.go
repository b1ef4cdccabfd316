package packlist

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// TestSyncReadsOnlyTheRowsThatChanged: after a delta sync the list reads the stored rows that
// changed since its last read, not every stored pack: none when nothing changed, the one a
// buyer wrote in, and a row another process changed in the same store.
func TestSyncReadsOnlyTheRowsThatChanged(t *testing.T) {
	ctx := context.Background()
	u := uitest.New(t, uitest.At(testNow), uitest.AsSeller("", ""))
	path := filepath.Join(t.TempDir(), "store.db")
	st, d := syncedStore(t, u, path)
	all, err := st.Packs(ctx, 0, 0)
	if err != nil || len(all) < 3 {
		t.Fatalf("stored packs = %d, %v", len(all), err)
	}
	u.Common.Client = d
	m := New(u.Common) // reads every stored row: fewer than a first screen
	m.SetSize(100, 40)
	sync := func(t *testing.T) []string {
		t.Helper()
		fin, ok := m.syncCmd()().(common.TaskFinishedMsg)
		if !ok {
			t.Fatal("the sync is not a task of the list")
		}
		res, ok := fin.Msg.(syncedMsg)
		if fin.Err != nil || !ok {
			t.Fatalf("sync: %v, %T", fin.Err, fin.Msg)
		}
		u.Common.Tasks.Finish(fin.Task.ID)
		m.Update(fin)
		var ids []string
		for _, r := range res.Rows {
			ids = append(ids, r.id)
		}
		slices.Sort(ids)
		return ids
	}

	if got := sync(t); len(got) != 0 {
		t.Fatalf("nothing changed, yet the list read %v", got)
	}

	buyer := all[len(all)-1].ID
	if _, err := u.Sandbox.BuyerWrites(buyer, "¿Y el reembolso?"); err != nil {
		t.Fatal(err)
	}
	if got := sync(t); !slices.Equal(got, []string{buyer}) {
		t.Fatalf("a buyer wrote in %s; the list read %v", buyer, got)
	}

	// Another process (a CLI command, another served session) stores a message the API has
	// not shown this one: the sync changes nothing, the row still comes.
	other, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	elsewhere := all[1].ID
	msg := api.Message{ID: "elsewhere-1", Text: "Enviado desde otra terminal"}
	msg.From.UserID = api.ID(u.Sandbox.SellerID())
	msg.MessageDate.Created = api.Time{Time: testNow}
	if err := other.PutPage(ctx, store.Page{PackID: elsewhere, Messages: []api.Message{msg}, Total: -1}); err != nil {
		t.Fatal(err)
	}
	if got := sync(t); !slices.Equal(got, []string{elsewhere}) {
		t.Fatalf("another process changed %s; the list read %v", elsewhere, got)
	}
	if v := m.View(); !strings.Contains(v, "Enviado desde otra terminal") {
		t.Fatalf("the row another process changed is not shown:\n%s", v)
	}
	if got := sync(t); len(got) != 0 {
		t.Fatalf("nothing changed since, yet the list read %v", got)
	}
}

// Two reads in flight can answer out of order: the older row never replaces the newer one.
func TestOlderStoredRowIsNotMerged(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.m.mergeStored([]storedRow{{id: "P1", buyer: "Ana", last: "la nueva", header: true, rev: 9}})
	h.m.mergeStored([]storedRow{{id: "P1", buyer: "Ana", last: "la vieja", header: true, rev: 4}})
	if r := h.m.byID["P1"]; r.Last != "la nueva" || r.storedRev != 9 {
		t.Fatalf("row = %q at rev %d, want the newer one", r.Last, r.storedRev)
	}
}

// The notice counts the rows whose unread count went up. A read of every row also brings rows
// the list had not read yet (past the first screen): those are not news; a read of the rows
// changed since the last one brings new packs, which are.
func TestNoticeCountsUnreadGoingUp(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.m.mergeStored([]storedRow{
		{id: "P1", buyer: "Ana", unread: 1, rev: 1, lastAt: testNow.Add(-time.Hour)},
		{id: "P2", buyer: "Bruno", unread: 0, rev: 2, lastAt: testNow.Add(-2 * time.Hour)},
	})
	rows := []storedRow{
		{id: "P1", buyer: "Ana", unread: 3, rev: 5, lastAt: testNow},                     // two more
		{id: "P2", buyer: "Bruno", unread: 0, rev: 6},                                    // read elsewhere, nothing new
		{id: "P3", buyer: "Carla", unread: 1, rev: 7, lastAt: testNow.Add(-time.Minute)}, // not read before
	}
	notice := func(cmd tea.Cmd) common.NewMessagesMsg {
		t.Helper()
		if cmd == nil {
			return common.NewMessagesMsg{}
		}
		return cmd().(common.NewMessagesMsg)
	}
	if got := notice(h.m.notifyNew(rows, true)); got.Count != 2 || !slices.Equal(got.Buyers, []string{"Ana"}) {
		t.Errorf("reading every row: %+v, want 2 from Ana", got)
	}
	if got := notice(h.m.notifyNew(rows, false)); got.Count != 3 || !slices.Equal(got.Buyers, []string{"Ana", "Carla"}) {
		t.Errorf("reading the changed rows: %+v, want 3 from Ana and Carla", got)
	}
	h.m.mergeStored(rows)
	if got := notice(h.m.notifyNew(rows, false)); got.Count != 0 {
		t.Errorf("the same rows again: %+v, want nothing", got)
	}
}

// Over the store, the list knows each sale's ids as the order search gave them (orders,
// shipment) and hands them on with PackInfo, as it does without a store.
func TestStoredRowsKnowTheSale(t *testing.T) {
	for _, c := range []struct {
		name    string
		opts    []uitest.Option
		pack    string
		want    common.PackInfo
		flavour api.Flavor
	}{
		{"cross-border", nil, "2000004512345671",
			common.PackInfo{Orders: []string{"4512345671", "4512345672"}, Shipping: "43210987651"}, api.FlavorMarketplace},
		{"domestic", []uitest.Option{uitest.WithSandbox(sandbox.Domestic()), uitest.WithClient(api.WithFlavor(api.FlavorAuto))}, "2000009100000002",
			common.PackInfo{Orders: []string{"4600000000000021", "4600000000000022"}, Shipping: "44100000000021"}, api.FlavorDomestic},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := uitest.New(t, append([]uitest.Option{uitest.At(testNow), uitest.AsSeller("", "")}, c.opts...)...)
			_, d := syncedStore(t, u, filepath.Join(t.TempDir(), "store.db"))
			u.Common.Client = d
			m := New(u.Common) // the stored rows
			got := m.PackInfo(c.pack)
			if !slices.Equal(got.Orders, c.want.Orders) || got.Shipping != c.want.Shipping {
				t.Fatalf("PackInfo = %+v, want %+v", got, c.want)
			}
		})
	}
}

// syncedStore opens a store at path (closed when the test ends) and syncs the sandbox into it.
func syncedStore(t *testing.T, u *uitest.Env, path string) (*store.Store, *store.Data) {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := store.NewData(st, u.Client, store.SyncOptions{})
	if _, err := d.Syncer().Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st, d
}

// The title line gives up its least important words first, so the history's date is never cut:
// whole from 80 columns up, in every state of the history, and below that either whole or not
// shown at all. "syncing" comes and goes with every poll; the tabs and the history's wording do
// not change with it.
func TestTitleKeepsTheHistoryDateWhole(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.drain(t, h.m.Init())
	oldest := time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)
	title := func(width int, hist store.History) string {
		h.m.stored = &storedState{history: hist, known: true, rev: -1}
		h.m.SetSize(width, 24)
		return strings.Split(h.m.View(), "\n")[0]
	}
	// before is the line up to the history note: the tabs and the new count.
	before := func(line string) string {
		if i := strings.Index(line, "history"); i >= 0 {
			return line[:i]
		}
		return strings.TrimRight(line, " ")
	}
	for width := 40; width <= 140; width++ {
		for _, done := range []bool{false, true} {
			quiet := title(width, store.History{Oldest: oldest, Done: done})
			busy := title(width, store.History{Oldest: oldest, Done: done, Syncing: true})
			for _, line := range []string{quiet, busy} {
				has := strings.Contains(line, "history")
				if has && !strings.Contains(line, "to 2025-03-02") || width >= 80 && !has {
					t.Errorf("%d columns: the history's date is not whole: %q", width, line)
				}
				if width >= 50 && strings.Contains(line, "…") { // below, the tabs themselves do not fit
					t.Errorf("%d columns: the title is cut: %q", width, line)
				}
			}
			if before(quiet) != before(busy) || strings.Contains(quiet, "syncing") {
				t.Errorf("%d columns: the title moves with the sync:\n%q\n%q", width, quiet, busy)
			}
			if strings.TrimRight(quiet, " ") != strings.TrimSuffix(strings.TrimRight(busy, " "), " · syncing") {
				t.Errorf("%d columns: the history's wording changes with the sync:\n%q\n%q", width, quiet, busy)
			}
		}
	}
	for width, want := range map[int]string{
		140: " Needs reply 9   Waiting for buyer 3   Blocked 5  [All 17] · 7 new · whole history, back to 2025-03-02",
		100: " Needs reply 9   Waiting for buyer 3   Blocked 5  [All 17] · 7 new · whole history to 2025-03-02",
		80:  "Reply 9 Waiting 3 Blocked 5 [All 17] · 7 new · whole history to 2025-03-02",
	} {
		if got := strings.TrimRight(title(width, store.History{Oldest: oldest, Done: true}), " "); got != want {
			t.Errorf("%d columns:\n got %q\nwant %q", width, got, want)
		}
	}
}

// In a served inbox the team filter's words give way first: the key hint, then "showing all"
// (nothing is filtered), each with room for the history's "syncing" so they do not come and go
// with it; a filter that keeps some rows is always said, before the history note.
func TestTitleGivesUpShowingAllBeforeTheHistory(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.c.Team = titleTeam{}
	h.drain(t, h.m.Init())
	h.m.stored = &storedState{history: store.History{Oldest: time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC), Done: true}, known: true, rev: -1}
	title := func(width int) string {
		h.m.SetSize(width, 24)
		return strings.TrimRight(strings.Split(h.m.View(), "\n")[0], " ")
	}
	for width, want := range map[int]string{
		150: " Needs reply 9   Waiting for buyer 3   Blocked 5  [All 17] · 7 new · showing all (m: mine, unassigned) · whole history, back to 2025-03-02",
		130: " Needs reply 9   Waiting for buyer 3   Blocked 5  [All 17] · 7 new · showing all · whole history, back to 2025-03-02",
		120: " Needs reply 9   Waiting for buyer 3   Blocked 5  [All 17] · 7 new · whole history, back to 2025-03-02",
		100: " Needs reply 9   Waiting for buyer 3   Blocked 5  [All 17] · 7 new · whole history to 2025-03-02",
		80:  "Reply 9 Waiting 3 Blocked 5 [All 17] · 7 new · whole history to 2025-03-02",
	} {
		if got := title(width); got != want {
			t.Errorf("%d columns:\n got %q\nwant %q", width, got, want)
		}
	}
	for width := 80; width <= 160; width++ {
		quiet := title(width)
		h.m.stored.history.Syncing = true
		busy := title(width)
		h.m.stored.history.Syncing = false
		if quiet != strings.TrimSuffix(busy, " · syncing") {
			t.Errorf("%d columns: the title moves with the sync:\n%q\n%q", width, quiet, busy)
		}
	}
	h.m.team.filter = common.FilterMine
	h.m.applyFilter("")
	for width, want := range map[int]string{
		100: "Reply 9 Waiting 3 Blocked 5 [All 17] · 7 new · showing mine (0 of 17) · whole history to 2025-03-02",
		80:  "Reply 9 Waiting 3 Blocked 5 [All 17] · 7 new · showing mine (0 of 17)",
	} {
		if got := title(width); got != want {
			t.Errorf("filtered, %d columns:\n got %q\nwant %q", width, got, want)
		}
	}
}

// titleTeam is a team in which nobody is anywhere and nothing is assigned.
type titleTeam struct{}

func (titleTeam) Me() string                               { return "ana" }
func (titleTeam) Members() []string                        { return []string{"ana"} }
func (titleTeam) OnPack(string) (viewing, typing []string) { return nil, nil }
func (titleTeam) Assignee(string) string                   { return "" }
func (titleTeam) Assign(string, string) error              { return nil }
func (titleTeam) Notes(string) []common.TeamNote           { return nil }
func (titleTeam) AddNote(string, string) error             { return nil }
func (titleTeam) SentBy(string) string                     { return "" }

// A list built on the first screen its store saved (NewFrom) shows that screen without reading
// the store, and reads every stored row once the first frame is out (InitStored): what changed
// since the screen was saved replaces it.
func TestListStartsOnItsSavedFirstScreenThenReadsTheStore(t *testing.T) {
	ctx := context.Background()
	u := uitest.New(t, uitest.At(testNow), uitest.AsSeller("", ""))
	st, d := syncedStore(t, u, filepath.Join(t.TempDir(), "store.db"))
	first, err := st.ReadFirstScreen(ctx, "", 40)
	if err != nil || len(first.Packs) < 2 {
		t.Fatalf("first screen: %d packs, %v", len(first.Packs), err)
	}
	stored := first.Packs[0].LastMessageText
	first.Packs[0].LastMessageText = "Como estaba al salir"
	u.Common.Client = d
	m := NewFrom(u.Common, &first)
	m.SetSize(100, 40)
	if v := m.View(); !strings.Contains(v, "Como estaba al salir") {
		t.Fatalf("the first frame is not the saved screen:\n%s", v)
	}
	if !m.stored.partial {
		t.Fatal("a list started on a saved screen does not read the store after it")
	}
	owned, ok := m.readRowsCmd()().(common.OwnedMsg)
	if !ok {
		t.Fatal("no stored rows read")
	}
	m.Update(owned.Msg)
	if v := m.View(); strings.Contains(v, "Como estaba al salir") || !strings.Contains(v, firstLine(stored)) {
		t.Fatalf("the store's rows do not replace the saved screen (%q):\n%s", stored, v)
	}
}

// firstLine is the start of a preview as a row shows it.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s[:min(len(s), 20)]
}
