package store

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
)

type fixture struct {
	sb     *sandbox.Server
	srv    *httptest.Server
	client *api.Client
	store  *Store
	path   string
	clock  *clock
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	sb := sandbox.New()
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	c, err := api.New(api.StaticToken(sb.Token()), api.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{sb: sb, srv: srv, client: c, path: filepath.Join(t.TempDir(), "store.db"), clock: &clock{t: time.Now().UTC()}}
	f.store, err = Open(context.Background(), f.path, WithClock(f.clock.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.store.Close() })
	return f
}

// requests counts the sandbox's logged requests, the API's own view of what was asked.
func (f *fixture) requests() int { return len(f.sb.Requests()) }

func (f *fixture) sync(t *testing.T, sy *Syncer, open ...string) SyncReport {
	t.Helper()
	before := f.requests()
	rep, err := sy.Sync(context.Background(), open...)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.requests() - before; got != rep.Requests {
		t.Fatalf("the report says %d requests, the sandbox logged %d", rep.Requests, got)
	}
	if len(rep.Failed) > 0 {
		t.Fatalf("failed fetches: %v", rep.Failed)
	}
	return rep
}

func TestDeltaSyncRequestCounts(t *testing.T) {
	f := newFixture(t)
	sy := NewSyncer(f.store, f.client, SyncOptions{})
	first := f.sync(t, sy)
	if len(first.Fetched) == 0 || first.Requests < 3+len(first.Fetched) {
		t.Fatalf("first sync: %d requests, %d fetched", first.Requests, len(first.Fetched))
	}
	st, _ := f.store.Stats(context.Background())
	if st.Packs == 0 || st.Messages == 0 {
		t.Fatalf("first sync stored %+v", st)
	}
	// Which rows a list re-reads after each sync (PacksSince): none when nothing changed.
	all, rev, err := f.store.PacksSince(context.Background(), -1)
	if err != nil || len(all) != st.Packs {
		t.Fatalf("PacksSince(-1) = %d packs, %v; want all %d", len(all), err, st.Packs)
	}
	changed := func(t *testing.T, want ...string) {
		t.Helper()
		packs, next, err := f.store.PacksSince(context.Background(), rev)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range packs {
			got = append(got, p.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("rows changed by the sync = %v, want %v", got, want)
		}
		rev = next
	}

	t.Run("nothing changed", func(t *testing.T) {
		rep := f.sync(t, sy)
		if rep.Requests > 3 || len(rep.Fetched) != 0 {
			t.Errorf("nothing changed: %d requests, fetched %v; want at most 3 and none", rep.Requests, rep.Fetched)
		}
		changed(t)
	})

	t.Run("nothing changed, new process", func(t *testing.T) {
		f.store.Close()
		s2, err := Open(context.Background(), f.path, WithClock(f.clock.now))
		if err != nil {
			t.Fatal(err)
		}
		f.store = s2
		rep := f.sync(t, NewSyncer(s2, f.client, SyncOptions{}))
		if rep.Requests > 3 || len(rep.Fetched) != 0 {
			t.Errorf("restart: %d requests, fetched %v", rep.Requests, rep.Fetched)
		}
		changed(t)
	})

	t.Run("one new message", func(t *testing.T) {
		sy := NewSyncer(f.store, f.client, SyncOptions{})
		packs, _ := f.store.Packs(context.Background(), 1, 5)
		pack := packs[0].ID
		id, err := f.sb.BuyerWrites(pack, "¿Y mi pedido? Ya pasó una semana")
		if err != nil {
			t.Fatal(err)
		}
		rep := f.sync(t, sy)
		if rep.Requests != 3 || !slices.Equal(rep.Fetched, []string{pack}) {
			t.Errorf("one new message: %d requests, fetched %v; want 3 and [%s]", rep.Requests, rep.Fetched, pack)
		}
		if len(rep.NewMessages) != 1 || rep.NewMessages[0] != (NewMessage{PackID: pack, MessageID: id}) {
			t.Errorf("new messages = %v", rep.NewMessages)
		}
		changed(t, pack)
		res, _ := results(f.store.Search(context.Background(), SearchQuery{Text: "semana pedido"}))
		if len(res) != 1 || res[0].MessageID != id {
			t.Errorf("the new message is not searchable: %+v", res)
		}
	})

	t.Run("one new order", func(t *testing.T) {
		sy := NewSyncer(f.store, f.client, SyncOptions{})
		pack, err := f.sb.NewOrder("NUEVO_COMPRADOR", "Lucía Zuñiga", "Hola, ¿hacen factura?")
		if err != nil {
			t.Fatal(err)
		}
		rep := f.sync(t, sy)
		if rep.Requests != 3 || !slices.Equal(rep.Fetched, []string{pack}) {
			t.Errorf("one new order: %d requests, fetched %v; want 3 and [%s]", rep.Requests, rep.Fetched, pack)
		}
		p, ok, _ := f.store.Pack(context.Background(), pack)
		if !ok || p.BuyerNickname != "NUEVO_COMPRADOR" || p.LastMessageText != "Hola, ¿hacen factura?" || p.Unread != 1 {
			t.Errorf("new pack = %+v", p)
		}
		changed(t, pack)
		res, _ := results(f.store.Search(context.Background(), SearchQuery{Text: "zuniga"}))
		if len(res) != 1 || res[0].PackID != pack {
			t.Errorf("the new buyer is not searchable: %+v", res)
		}
	})

	t.Run("open conversation is fetched again", func(t *testing.T) {
		packs, _ := f.store.Packs(context.Background(), 1, 3)
		rep := f.sync(t, NewSyncer(f.store, f.client, SyncOptions{}), packs[0].ID)
		if rep.Requests != 3 || !slices.Equal(rep.Fetched, []string{packs[0].ID}) {
			t.Errorf("open: %d requests, fetched %v", rep.Requests, rep.Fetched)
		}
	})

	t.Run("stale copies are fetched again", func(t *testing.T) {
		f.clock.add(DefaultStaleAfter + time.Minute)
		rep := f.sync(t, NewSyncer(f.store, f.client, SyncOptions{}))
		if len(rep.Fetched) == 0 {
			t.Error("nothing refetched after the staleness bound")
		}
		rep = f.sync(t, NewSyncer(f.store, f.client, SyncOptions{}))
		if rep.Requests > 3 {
			t.Errorf("after refreshing: %d requests", rep.Requests)
		}
	})
}

func TestSyncStoresRawJSONAsServed(t *testing.T) {
	f := newFixture(t)
	sy := NewSyncer(f.store, f.client, SyncOptions{})
	f.sync(t, sy)
	packs, _ := f.store.Packs(context.Background(), 1, 0)
	conv, err := f.client.PackMessagesRaw(context.Background(), packs[0].ID, api.PageOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := f.store.Messages(context.Background(), packs[0].ID)
	byID := map[string]string{}
	for _, m := range stored {
		byID[m.ID] = string(m.Raw)
	}
	for i, m := range conv.Messages {
		if byID[m.ID] != string(conv.Raw[i]) {
			t.Errorf("message %s stored as %s, served as %s", m.ID, byID[m.ID], conv.Raw[i])
		}
	}
}

func TestOfflineReadingAndSearch(t *testing.T) {
	f := newFixture(t)
	sy := NewSyncer(f.store, f.client, SyncOptions{})
	f.sync(t, sy)
	f.srv.Close() // the network is gone
	_, err := sy.Sync(context.Background())
	var ne *api.NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("offline sync error = %v, want a network error", err)
	}
	packs, err := f.store.Packs(context.Background(), 20, 0)
	if err != nil || len(packs) == 0 {
		t.Fatalf("offline packs: %d, %v", len(packs), err)
	}
	msgs, err := f.store.Messages(context.Background(), packs[0].ID)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("offline messages: %d, %v", len(msgs), err)
	}
	word := MatchQuery(msgs[0].Text)
	if word == "" {
		t.Skip("first message has no words")
	}
	res, err := results(f.store.Search(context.Background(), SearchQuery{Text: msgs[0].Text}))
	if err != nil || len(res) == 0 {
		t.Fatalf("offline search for %q: %v, %v", msgs[0].Text, res, err)
	}
}

func TestBackfillWalksEveryOrderResumablyWithinItsShare(t *testing.T) {
	f := newFixture(t)
	// A high budget keeps the test fast; the pacing itself is the limiter's.
	opts := SyncOptions{RecentOrders: 5, RateBudget: 600_000}
	sy := NewSyncer(f.store, f.client, opts)
	f.sync(t, sy)
	ctx, cancel := context.WithCancel(context.Background())
	var seen []History
	err := sy.Backfill(ctx, func(h History) {
		seen = append(seen, h)
		cancel() // stop after the first page of orders, as quitting would
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted backfill: %v", err)
	}
	b, _ := f.store.Bookmark(context.Background(), BackfillResource)
	if b.Cursor == "" || b.Done || len(seen) != 1 || !seen[0].Syncing {
		t.Fatalf("after one page: bookmark %+v, progress %v", b, seen)
	}

	// Paused: a new run makes no request until resumed.
	sy2 := NewSyncer(f.store, f.client, opts)
	resume := sy2.Pause()
	before := f.requests()
	ctx2, cancel2 := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sy2.Backfill(ctx2, nil) }()
	cancel2()
	if err := <-done; !errors.Is(err, context.Canceled) || f.requests() != before {
		t.Fatalf("paused backfill: %v, %d requests", err, f.requests()-before)
	}
	resume()

	var last History
	if err := sy2.Backfill(context.Background(), func(h History) { last = h }); err != nil {
		t.Fatal(err)
	}
	if !last.Done || last.Oldest.IsZero() {
		t.Fatalf("finished backfill: %+v", last)
	}
	// Every order the API has is stored and fetched.
	all := 0
	for scroll := ""; ; {
		res, err := f.client.SearchOrders(context.Background(), api.OrderSearchOptions{Seller: f.sb.SellerID(), Sort: api.SortDateDesc, Limit: 50, ScrollID: scroll})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Results {
			all++
			sp, ok, _ := f.store.Pack(context.Background(), string(p.ID))
			if !ok || sp.FetchedAt.IsZero() {
				t.Errorf("pack %s not backfilled", p.ID)
			}
		}
		if scroll = res.Paging.ScrollID; scroll == "" {
			break
		}
	}
	h, _ := sy2.History(context.Background())
	if h.Syncing || !h.Done || h.String() != "whole history, back to "+h.Oldest.Format("2006-01-02") {
		t.Errorf("history = %+v %q", h, h.String())
	}
	// A finished backfill costs nothing more.
	before = f.requests()
	if err := sy2.Backfill(context.Background(), nil); err != nil || f.requests() != before+0 {
		t.Errorf("done backfill: %v, %d requests", err, f.requests()-before)
	}
}

// A conversation Mercado Libre could not serve during the walk (a 500, a 429) is not left out
// of the history: the run ends before the bookmark moves past its page, and the next run
// fetches it. One that fails run after run is gone past after backfillTries runs, so the walk
// is never stuck on it.
func TestBackfillComesBackForAConversationThatFailed(t *testing.T) {
	ctx := context.Background()
	for _, failure := range []sandbox.Failure{sandbox.FailServerError, sandbox.FailRateLimit} {
		f := newFixture(t)
		opts := SyncOptions{RecentOrders: 5, RateBudget: 600_000}
		sy := NewSyncer(f.store, f.client, opts)
		f.sync(t, sy)
		// The walk's first conversation read fails.
		f.sb.Fail(sandbox.RoutePackMessages, failure, 1)
		err := sy.Backfill(ctx, nil)
		var apiErr *api.Error
		if !errors.As(err, &apiErr) || !apiErr.Temporary() {
			t.Fatalf("failure %d: the run went on past the conversation it could not read: %v", failure, err)
		}
		if h, _ := sy.History(ctx); h.Done {
			t.Fatalf("failure %d: the walk ended at the conversation it could not read", failure)
		}
		if err := sy.Backfill(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if missing := unfetchedOrders(t, f); len(missing) != 0 {
			t.Errorf("failure %d: conversations never fetched: %v", failure, missing)
		}
	}

	// One pack that always fails: three runs stop for it, the fourth walks past it to the end.
	f := newFixture(t)
	opts := SyncOptions{RecentOrders: 5, RateBudget: 600_000}
	f.sync(t, NewSyncer(f.store, f.client, opts))
	waiting := unfetchedOrders(t, f)
	if len(waiting) == 0 {
		t.Fatal("the sync fetched every conversation: nothing for the walk to fetch")
	}
	broken := waiting[0] // the first conversation the walk reads
	sy := NewSyncer(f.store, brokenPack{f.client, broken}, opts)
	for run := 1; run <= backfillTries; run++ {
		if err := sy.Backfill(ctx, nil); err == nil {
			t.Fatalf("run %d went past pack %s", run, broken)
		}
	}
	if err := sy.Backfill(ctx, nil); err != nil {
		t.Fatalf("run %d: %v", backfillTries+1, err)
	}
	if h, _ := sy.History(ctx); !h.Done {
		t.Fatalf("the walk did not end past the broken pack: %+v", h)
	}
	if missing := unfetchedOrders(t, f); len(missing) != 1 || missing[0] != broken {
		t.Errorf("not fetched: %v, want only %s", missing, broken)
	}
}

// brokenPack is the API with one conversation that always answers 500 (a Source only, so the
// sync reads through PackMessages).
type brokenPack struct {
	Source
	pack string
}

func (b brokenPack) PackMessages(ctx context.Context, packID string, opts api.PageOptions) (*api.Conversation, error) {
	if packID == b.pack {
		return nil, &api.Error{StatusCode: 500, Message: "internal_error"}
	}
	return b.Source.PackMessages(ctx, packID, opts)
}

// unfetchedOrders lists the orders the API has whose conversation the store never fetched.
func unfetchedOrders(t *testing.T, f *fixture) []string {
	t.Helper()
	var missing []string
	for scroll := ""; ; {
		res, err := f.client.SearchOrders(context.Background(), api.OrderSearchOptions{Seller: f.sb.SellerID(), Sort: api.SortDateDesc, Limit: 50, ScrollID: scroll})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Results {
			if sp, ok, _ := f.store.Pack(context.Background(), string(p.ID)); !ok || sp.FetchedAt.IsZero() {
				missing = append(missing, string(p.ID))
			}
		}
		if scroll = res.Paging.ScrollID; scroll == "" {
			return missing
		}
	}
}

// The domestic order search names the items bought: the sync keeps their titles, so the list
// shows them and search finds a conversation by what was bought.
func TestSyncKeepsTheItemTitlesTheOrdersName(t *testing.T) {
	ctx := context.Background()
	sb := sandbox.New(sandbox.Domestic())
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	c, err := api.New(api.StaticToken(sb.Token()), api.WithBaseURL(srv.URL), api.WithFlavor(api.FlavorDomestic))
	if err != nil {
		t.Fatal(err)
	}
	st, err := Open(ctx, filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := NewSyncer(st, c, SyncOptions{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := c.SearchOrders(ctx, api.OrderSearchOptions{Seller: sb.SellerID(), Sort: api.SortDateDesc, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var titled *api.Pack
	for i, p := range res.Results {
		if n, _ := st.countMessages(ctx, string(p.ID)); len(p.Titles) > 0 && n > 0 {
			titled = &res.Results[i]
			break
		}
	}
	if titled == nil {
		t.Fatal("the domestic sandbox names no item in a conversation with messages")
	}
	sp, ok, err := st.Pack(ctx, string(titled.ID))
	if err != nil || !ok {
		t.Fatalf("pack %s not stored: %v", titled.ID, err)
	}
	if !slices.Equal(sp.ItemTitles, titled.Titles) {
		t.Fatalf("stored titles %q, the orders name %q", sp.ItemTitles, titled.Titles)
	}
	word := strings.Fields(titled.Titles[0])[0]
	found, err := results(st.Search(ctx, SearchQuery{Text: word, PackID: string(titled.ID)}))
	if err != nil || len(found) == 0 {
		t.Fatalf("search %q in pack %s: %v, %v", word, titled.ID, found, err)
	}
}

func TestHistoryString(t *testing.T) {
	d := time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)
	for h, want := range map[History]string{
		{Oldest: d, Syncing: true}: "history back to 2025-03-02 · syncing",
		{Oldest: d}:                "history back to 2025-03-02",
		{Oldest: d, Done: true}:    "whole history, back to 2025-03-02",
		{Syncing: true}:            "no history yet · syncing",
	} {
		if h.String() != want {
			t.Errorf("%+v = %q, want %q", h, h.String(), want)
		}
	}
	for h, want := range map[History]string{
		{Oldest: d, Syncing: true}: "history to 2025-03-02 · syncing",
		{Oldest: d}:                "history to 2025-03-02",
		{Oldest: d, Done: true}:    "whole history to 2025-03-02",
		{Syncing: true}:            "no history yet · syncing",
	} {
		if h.Short() != want {
			t.Errorf("%+v short = %q, want %q", h, h.Short(), want)
		}
	}
}

func TestBackfillPaceIsAShareOfTheBudget(t *testing.T) {
	sy := NewSyncer(nil, nil, SyncOptions{})
	if got := float64(sy.opts.RateBudget) * sy.opts.BackfillShare; got != 50 {
		t.Errorf("default backfill pace = %v/min, want 50 (10%% of 500)", got)
	}
}

// An empty store's first sync tells the inbox when there is something to show: first with the
// orders stored and no conversation fetched yet, then after each conversation it stored.
func TestFirstSyncTellsWhenTheOrdersAreStored(t *testing.T) {
	f := newFixture(t)
	sy := NewSyncer(f.store, f.client, SyncOptions{})
	ctx := context.Background()
	type seen struct{ packs, withMessages int }
	var mu sync.Mutex
	var calls []seen
	rep, err := sy.SyncNotify(ctx, func() {
		packs, err := f.store.Packs(ctx, 0, 0)
		if err != nil {
			t.Error(err)
			return
		}
		s := seen{packs: len(packs)}
		for _, p := range packs {
			if p.LastMessageID != "" {
				s.withMessages++
			}
		}
		mu.Lock()
		calls = append(calls, s)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Fetched) == 0 || len(calls) != 1+len(rep.Fetched) {
		t.Fatalf("%d conversations fetched, told %d times; want once for the orders and once for each", len(rep.Fetched), len(calls))
	}
	if first := calls[0]; first.packs == 0 || first.withMessages != 0 {
		t.Fatalf("first call saw %d packs, %d with messages; want the orders and no conversation yet", first.packs, first.withMessages)
	}
	if last := calls[len(calls)-1]; last.withMessages == 0 {
		t.Fatalf("after the last conversation no pack had messages: %+v", last)
	}
	// Nothing changed: told once (the orders and counts re-stored), nothing fetched.
	calls = nil
	rep, err = sy.SyncNotify(ctx, func() { mu.Lock(); calls = append(calls, seen{}); mu.Unlock() })
	if err != nil || len(rep.Fetched) != 0 || len(calls) != 1 {
		t.Fatalf("second sync: fetched %v, told %d times, err %v", rep.Fetched, len(calls), err)
	}
}
