package store

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/postsale/postsale/api"
)

// Source is the part of the API the sync engine reads; *api.Client satisfies it.
type Source interface {
	Me(ctx context.Context) (*api.User, error)
	UnreadPacks(ctx context.Context) (*api.Unread, error)
	SearchOrders(ctx context.Context, opts api.OrderSearchOptions) (*api.OrderSearch, error)
	PackMessages(ctx context.Context, packID string, opts api.PageOptions) (*api.Conversation, error)
}

// RawSource is a Source that can also hand over the JSON as served (*api.Client does). Without
// it, messages are stored re-encoded from the decoded values.
type RawSource interface {
	PackMessagesRaw(ctx context.Context, packID string, opts api.PageOptions) (*api.RawConversation, error)
}

// Sync defaults.
const (
	// DefaultStaleAfter: a conversation on the first screen whose stored copy is older than this
	// is fetched again even when nothing says it changed (status changes, a message the unread
	// count missed because the seller answered elsewhere).
	DefaultStaleAfter = 24 * time.Hour
	// DefaultRecentOrders is how many of the newest orders each delta sync reads (one request).
	DefaultRecentOrders = 50
	// DefaultPageSize is the conversation window asked for per request.
	DefaultPageSize = 50
	// DefaultBackfillShare is the share of the rate budget the backfill may use.
	DefaultBackfillShare = 0.10
	// DefaultRateBudget is Mercado Libre's budget, requests a minute.
	DefaultRateBudget = 500
	// maxPagesPerPack stops paging a conversation on a server that keeps reporting more.
	maxPagesPerPack = 200
	// fetchWorkers is how many conversations a delta sync fetches at once.
	fetchWorkers = 4
)

// SyncOptions tune a Syncer; zero values take the defaults.
type SyncOptions struct {
	StaleAfter    time.Duration
	RecentOrders  int
	PageSize      int
	BackfillShare float64 // of RateBudget, for the backfill only
	RateBudget    int     // requests a minute
}

// Syncer keeps a Store up to date from the API: a delta sync at start and on each refresh, and a
// background backfill of older history. Safe for concurrent use.
type Syncer struct {
	store *Store
	src   Source
	opts  SyncOptions

	mu      sync.Mutex
	paused  int
	resumed chan struct{} // closed when paused drops to 0
	filling atomic.Bool   // a backfill is running
	// missed counts, per pack, the backfill runs a conversation's read failed in for a reason
	// that may pass (a 5xx, a 429, no answer). Only the running backfill (one at a time) uses it.
	missed map[string]int
}

// backfillTries is how many backfill runs stop at a conversation Mercado Libre could not serve
// before the walk goes past it (the delta sync still fetches it when it changes).
const backfillTries = 3

// NewSyncer returns a Syncer writing into st from src.
func NewSyncer(st *Store, src Source, opts SyncOptions) *Syncer {
	if opts.StaleAfter <= 0 {
		opts.StaleAfter = DefaultStaleAfter
	}
	if opts.RecentOrders <= 0 {
		opts.RecentOrders = DefaultRecentOrders
	}
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	if opts.BackfillShare <= 0 || opts.BackfillShare > 1 {
		opts.BackfillShare = DefaultBackfillShare
	}
	if opts.RateBudget <= 0 {
		opts.RateBudget = DefaultRateBudget
	}
	return &Syncer{store: st, src: src, opts: opts}
}

// SyncReport says what a delta sync did.
type SyncReport struct {
	Requests    int              // API requests made
	Fetched     []string         // packs whose conversation was fetched
	NewMessages []NewMessage     // messages from buyers that were not stored before
	Failed      map[string]error // packs whose fetch failed (their stored copy stays)
	Took        time.Duration    // wall time
}

// NewMessage is a buyer message the sync brought in.
type NewMessage struct {
	PackID, MessageID string
}

// counted wraps a Source and counts requests.
type counted struct {
	Source
	n atomic.Int64
}

func (c *counted) Me(ctx context.Context) (*api.User, error) {
	c.n.Add(1)
	return c.Source.Me(ctx)
}

func (c *counted) UnreadPacks(ctx context.Context) (*api.Unread, error) {
	c.n.Add(1)
	return c.Source.UnreadPacks(ctx)
}

func (c *counted) SearchOrders(ctx context.Context, o api.OrderSearchOptions) (*api.OrderSearch, error) {
	c.n.Add(1)
	return c.Source.SearchOrders(ctx, o)
}

// page fetches one conversation window, raw when the source can.
func (c *counted) page(ctx context.Context, packID string, o api.PageOptions) (*api.RawConversation, error) {
	c.n.Add(1)
	if r, ok := c.Source.(RawSource); ok {
		return r.PackMessagesRaw(ctx, packID, o)
	}
	conv, err := c.Source.PackMessages(ctx, packID, o)
	if err != nil {
		return nil, err
	}
	return &api.RawConversation{Conversation: *conv}, nil
}

// seller returns the seller id the store belongs to, asking the API once. A store that
// belongs to another seller is refused rather than mixed.
func (s *Syncer) seller(ctx context.Context, src *counted) (string, error) {
	id, err := s.store.Meta(ctx, MetaSeller)
	if err != nil || id != "" {
		return id, err
	}
	me, err := src.Me(ctx)
	if err != nil {
		return "", err
	}
	if me.ID == "" {
		return "", errors.New("the API did not say which seller this is")
	}
	return string(me.ID), s.store.SetMeta(ctx, MetaSeller, string(me.ID))
}

// Sync is the delta sync: the unread counts and the newest orders (two requests, plus users/me
// once per store), then a conversation is fetched only when its unread count changed, it is
// new, it is one of open (the conversations on screen), or its stored copy on the first screen
// is older than StaleAfter. Errors reading unread or orders are returned (offline: the store
// still answers); a conversation that fails is reported in Failed and keeps its stored copy.
func (s *Syncer) Sync(ctx context.Context, open ...string) (rep SyncReport, err error) {
	return s.SyncNotify(ctx, nil, open...)
}

// SyncNotify is Sync telling changed (when not nil) each time what the inbox shows has changed
// in the store: once the orders and unread counts are stored (before any conversation is
// fetched), then after each conversation. An empty store's first sync fetches every recent
// conversation through the shared rate budget (seconds for a few dozen, longer for hundreds);
// the inbox shows the orders meanwhile and fills them in as they come. changed is called from
// the sync's goroutines and must not block.
func (s *Syncer) SyncNotify(ctx context.Context, changed func(), open ...string) (rep SyncReport, err error) {
	if changed == nil {
		changed = func() {}
	}
	start := time.Now()
	src := &counted{Source: s.src}
	rep.Failed = map[string]error{}
	defer func() {
		rep.Requests = int(src.n.Load())
		rep.Took = time.Since(start)
	}()
	seller, err := s.seller(ctx, src)
	if err != nil {
		return rep, err
	}
	unread, err := src.UnreadPacks(ctx)
	if err != nil {
		return rep, err
	}
	orders, err := src.SearchOrders(ctx, api.OrderSearchOptions{Seller: seller, Sort: api.SortDateDesc, Limit: s.opts.RecentOrders})
	if err != nil {
		return rep, err
	}
	if unread.UserID != "" && string(unread.UserID) != seller {
		return rep, fmt.Errorf("this local store belongs to seller %s, not %s", seller, unread.UserID)
	}
	counts := map[string]int{}
	for _, u := range unread.Results {
		if id := u.PackID(); id != "" {
			counts[id] += u.Count
		}
	}
	known, err := s.store.syncState(ctx)
	if err != nil {
		return rep, err
	}
	if err := s.store.PutOrders(ctx, orders.Results, nil); err != nil {
		return rep, err
	}
	now := s.store.now()
	want := map[string]bool{}
	var queue []string
	add := func(id string) {
		if id != "" && !want[id] {
			want[id] = true
			queue = append(queue, id)
		}
	}
	for _, id := range open {
		add(id)
	}
	stale := func(id string) bool {
		k, ok := known[id]
		return !ok || k.fetched.IsZero() || now.Sub(k.fetched) > s.opts.StaleAfter
	}
	// In the API's order, not the map's: an empty store's first sync fills the list in as the
	// conversations come (SyncNotify), so the unread ones at its top come first.
	for _, u := range unread.Results {
		id := u.PackID()
		if n, ok := counts[id]; ok {
			if k, ok := known[id]; !ok || k.unread != n || stale(id) {
				add(id)
			}
		}
	}
	for id, k := range known {
		if k.unread > 0 && counts[id] == 0 {
			add(id) // read or answered elsewhere
		}
	}
	for _, p := range orders.Results {
		if stale(string(p.ID)) {
			add(string(p.ID))
		}
	}
	if err := s.store.SetUnread(ctx, counts); err != nil {
		return rep, err
	}
	changed()
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan string)
	for range min(fetchWorkers, len(queue)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				fresh, err := s.fetchConversation(ctx, src, id, seller, nil)
				mu.Lock()
				if err != nil {
					rep.Failed[id] = err
				} else {
					rep.Fetched = append(rep.Fetched, id)
					rep.NewMessages = append(rep.NewMessages, fresh...)
				}
				mu.Unlock()
				if err == nil {
					changed()
				}
			}
		}()
	}
	for _, id := range queue {
		select {
		case work <- id:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	return rep, s.store.SetBookmark(ctx, Bookmark{Resource: DeltaResource, SyncedAt: now})
}

// fetchConversation reads a conversation newest first, page by page, until a page reaches
// messages already stored (or the conversation's start), merging each page. wait, when set, is
// called before each request (the backfill's pacing). It returns the buyer messages that were
// new to the store.
func (s *Syncer) fetchConversation(ctx context.Context, src *counted, packID, seller string, wait func(context.Context) error) ([]NewMessage, error) {
	var fresh []NewMessage
	for pageNo, offset := 0, 0; pageNo < maxPagesPerPack; pageNo++ {
		if wait != nil {
			if err := wait(ctx); err != nil {
				return fresh, err
			}
		}
		conv, err := src.page(ctx, packID, api.PageOptions{Limit: s.opts.PageSize, Offset: offset})
		if err != nil {
			return fresh, err
		}
		reached := false
		for _, m := range conv.Messages {
			have, err := s.store.HasMessage(ctx, m.ID)
			if err != nil {
				return fresh, err
			}
			if have {
				reached = true
			} else if string(m.From.UserID) != seller {
				fresh = append(fresh, NewMessage{PackID: packID, MessageID: m.ID})
			}
		}
		total := -1
		if conv.Paging != nil {
			total = conv.Paging.Total
		}
		if err := s.store.PutPage(ctx, Page{
			PackID: packID, Status: conv.ConversationStatus, StatusRaw: conv.StatusRaw,
			Messages: conv.Messages, Raw: conv.Raw, Total: total, Fetched: offset == 0, Offset: offset,
		}); err != nil {
			return fresh, err
		}
		offset += len(conv.Messages)
		if len(conv.Messages) == 0 || (total >= 0 && offset >= total) || (total < 0 && len(conv.Messages) < s.opts.PageSize) {
			return fresh, nil // the conversation's first message
		}
		if reached {
			// The stored copy is reached. Go on only while older messages are missing from it.
			n, err := s.store.countMessages(ctx, packID)
			if err != nil || total < 0 || n >= total {
				return fresh, err
			}
		}
	}
	return fresh, nil
}

// retryLater counts a backfill run that could not read pack's conversation, and reports whether
// the walk should stop for it (fewer than backfillTries runs so far) rather than go past it.
func (s *Syncer) retryLater(pack string) bool {
	if s.missed == nil {
		s.missed = map[string]int{}
	}
	s.missed[pack]++
	return s.missed[pack] <= backfillTries
}

// mayPass reports a failure the same request may not meet later: a 5xx or 429 answer, or none.
func mayPass(err error) bool {
	var e *api.Error
	if errors.As(err, &e) {
		return e.Temporary()
	}
	var ne *api.NetworkError
	return errors.As(err, &ne)
}

// syncStateRow is what the delta sync compares against.
type syncStateRow struct {
	unread  int
	fetched time.Time
}

func (s *Store) syncState(ctx context.Context) (map[string]syncStateRow, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, unread, fetched_at FROM packs")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]syncStateRow{}
	for rows.Next() {
		var id string
		var r syncStateRow
		var f int64
		if err := rows.Scan(&id, &r.unread, &f); err != nil {
			return nil, err
		}
		r.fetched = fromNanos(f)
		out[id] = r
	}
	return out, rows.Err()
}

func (s *Store) countMessages(ctx context.Context, packID string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM messages WHERE pack_id = ?", packID).Scan(&n)
	return n, err
}

// Pause stops the backfill until the returned resume is called: the seller's own actions (a
// send, an upload) get the whole rate budget. Pauses nest; resume is idempotent.
func (s *Syncer) Pause() (resume func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paused == 0 {
		s.resumed = make(chan struct{})
	}
	s.paused++
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.paused--
			if s.paused == 0 {
				close(s.resumed)
			}
		})
	}
}

// waitUnpaused blocks while the backfill is paused.
func (s *Syncer) waitUnpaused(ctx context.Context) error {
	for {
		s.mu.Lock()
		if s.paused == 0 {
			s.mu.Unlock()
			return nil
		}
		ch := s.resumed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// History is how far the stored history goes.
type History struct {
	Oldest  time.Time // the oldest stored message or purchase (zero: nothing stored)
	Done    bool      // the backfill reached the first order
	Syncing bool      // a backfill is running now
	Synced  time.Time // the last completed delta sync (zero: none yet)
}

// String is the list's line: "history back to 2025-03-02 · syncing".
func (h History) String() string { return h.words("history back to ", "whole history, back to ") }

// Short is String in fewer words, for a narrower line: "history to 2025-03-02 · syncing",
// "whole history to 2025-03-02".
func (h History) Short() string { return h.words("history to ", "whole history to ") }

func (h History) words(partial, whole string) string {
	s := "no history yet"
	if !h.Oldest.IsZero() {
		s = partial + h.Oldest.Format("2006-01-02")
		if h.Done {
			s = whole + h.Oldest.Format("2006-01-02")
		}
	}
	if h.Syncing {
		s += " · syncing"
	}
	return s
}

// DeltaResource is the bookmark of the delta sync: when the last one completed.
const DeltaResource = "delta"

// BackfillResource is the bookmark of the backfill's walk through older orders.
const BackfillResource = "orders.backfill"

// History reports how far the stored history goes.
func (s *Syncer) History(ctx context.Context) (History, error) {
	h, err := s.store.history(ctx)
	if err != nil {
		return History{}, err
	}
	h.Syncing = s.filling.Load()
	return h, nil
}

// Backfill walks the seller's orders from the newest back to the first, fetching every
// conversation not stored yet, at BackfillShare of the rate budget (default 10% of 500 a
// minute: one request every 1.2 s). It resumes where the last run stopped (the bookmark keeps
// the scroll id), waits while paused, reports progress after each page of orders, and returns
// when the history is whole or ctx ends. A conversation refused for good (an expired one
// answers 403) is skipped; one Mercado Libre could not serve (5xx, 429, no answer) ends the run
// before the bookmark moves, up to backfillTries runs; an error reading orders ends the run
// (retry later).
func (s *Syncer) Backfill(ctx context.Context, progress func(History)) error {
	if !s.filling.CompareAndSwap(false, true) {
		return errors.New("a backfill is already running")
	}
	defer s.filling.Store(false)
	perSecond := float64(s.opts.RateBudget) * s.opts.BackfillShare / 60
	limiter := rate.NewLimiter(rate.Limit(perSecond), 1)
	wait := func(ctx context.Context) error {
		if err := s.waitUnpaused(ctx); err != nil {
			return err
		}
		return limiter.Wait(ctx)
	}
	src := &counted{Source: s.src}
	if err := wait(ctx); err != nil {
		return err
	}
	seller, err := s.seller(ctx, src)
	if err != nil {
		return err
	}
	report := func() {
		if progress != nil {
			if h, err := s.History(ctx); err == nil {
				progress(h)
			}
		}
	}
	for {
		b, err := s.store.Bookmark(ctx, BackfillResource)
		if err != nil {
			return err
		}
		if b.Done {
			report()
			return nil
		}
		if err := wait(ctx); err != nil {
			return err
		}
		res, err := src.SearchOrders(ctx, api.OrderSearchOptions{Seller: seller, Sort: api.SortDateDesc, Limit: s.opts.RecentOrders, ScrollID: b.Cursor})
		var apiErr *api.Error
		if b.Cursor != "" && errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest {
			// The scroll id expired between runs: start the walk again; stored packs cost nothing.
			b.Cursor = ""
			if err := s.store.SetBookmark(ctx, b); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if err := s.store.PutOrders(ctx, res.Results, nil); err != nil {
			return err
		}
		known, err := s.store.syncState(ctx)
		if err != nil {
			return err
		}
		for _, p := range res.Results {
			id := string(p.ID)
			if k, ok := known[id]; ok && !k.fetched.IsZero() {
				continue
			}
			if _, err := s.fetchConversation(ctx, src, id, seller, wait); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if mayPass(err) && s.retryLater(id) {
					// Mercado Libre busy or out of reach: this run ends before the bookmark moves,
					// so the next one walks this page again (what it stored costs nothing) instead
					// of leaving the conversation out of the history for good.
					return err
				}
				continue // keep walking; an expired conversation stays as stored
			}
			delete(s.missed, id)
		}
		for _, p := range res.Results {
			if !p.DateCreated.IsZero() && (b.Oldest.IsZero() || p.DateCreated.Before(b.Oldest)) {
				b.Oldest = p.DateCreated.Time
			}
		}
		b.Cursor = res.Paging.ScrollID
		b.Done = b.Cursor == "" || len(res.Results) == 0
		b.SyncedAt = s.store.now()
		if err := s.store.SetBookmark(ctx, b); err != nil {
			return err
		}
		report()
	}
}
