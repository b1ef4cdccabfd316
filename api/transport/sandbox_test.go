package transport_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/sandbox/sandboxtest"
	"github.com/postsale/postsale/api/transport"
)

// statusCounter counts the answers the sandbox gives, by status.
type statusCounter struct {
	next http.Handler
	mu   sync.Mutex
	by   map[int]int
}

func (s *statusCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.next.ServeHTTP(rec, r)
	s.mu.Lock()
	s.by[rec.status]++
	s.mu.Unlock()
}

func (s *statusCounter) count(status int) int { s.mu.Lock(); defer s.mu.Unlock(); return s.by[status] }

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

// Hijack lets the sandbox drop connections through the wrapper.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.ResponseWriter.(http.Hijacker).Hijack()
}

type fixture struct {
	sb     *sandbox.Server
	client *api.Client
	counts *statusCounter
}

func newFixture(t *testing.T, cfg transport.Config, opts ...sandbox.Option) *fixture {
	t.Helper()
	var counts *statusCounter
	f := sandboxtest.New(t, sandboxtest.WithSandbox(opts...),
		sandboxtest.Behind(func(sb *sandbox.Server) http.Handler {
			counts = &statusCounter{next: sb, by: map[int]int{}}
			return counts
		}),
		sandboxtest.WithClient(api.WithHTTPClient(transport.NewClient(cfg))))
	return &fixture{sb: f.Sandbox, client: f.Client, counts: counts}
}

func noWait() transport.Config {
	return transport.Config{
		Sleep:  func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		Jitter: func(max time.Duration) time.Duration { return max },
	}
}

func (f *fixture) requests(method, route string) int {
	n := 0
	for _, r := range f.sb.Requests() {
		if r.Method == method && r.Route == route {
			n++
		}
	}
	return n
}

const demoPack = "2000004512345671"

func TestReadsRecoverFromSandboxFailures(t *testing.T) {
	f := newFixture(t, noWait())
	f.sb.Fail(sandbox.RoutePackMessages, sandbox.FailServerError, 1)
	f.sb.Fail(sandbox.RoutePackMessages, sandbox.FailRateLimit, 1)
	f.sb.Fail(sandbox.RoutePackMessages, sandbox.FailDrop, 1)
	conv, err := f.client.PackMessages(t.Context(), demoPack, api.PageOptions{Limit: 10})
	if err != nil {
		t.Fatalf("read after 500, 429 and a dropped connection: %v", err)
	}
	if len(conv.Messages) == 0 {
		t.Fatal("no messages")
	}
	if n := f.requests(http.MethodGet, sandbox.RoutePackMessages); n != 4 {
		t.Fatalf("sandbox saw %d reads, want 4 (3 failures then success)", n)
	}
}

func TestReadGivesUpAfterBoundedAttempts(t *testing.T) {
	cfg := noWait()
	cfg.MaxAttempts = 3
	f := newFixture(t, cfg)
	f.sb.Fail(sandbox.RouteUnread, sandbox.FailServerError, 10)
	_, err := f.client.UnreadPacks(t.Context())
	var apiErr *api.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Fatalf("err = %v, want the last 500", err)
	}
	if n := f.requests(http.MethodGet, sandbox.RouteUnread); n != 3 {
		t.Fatalf("sandbox saw %d reads, want 3", n)
	}
}

func TestSendIsNeverRepeated(t *testing.T) {
	for _, failure := range []sandbox.Failure{sandbox.FailServerError, sandbox.FailRateLimit, sandbox.FailDrop} {
		f := newFixture(t, noWait())
		f.sb.Fail(sandbox.RouteSend, failure, 1)
		_, err := f.client.SendMessage(t.Context(), demoPack, api.SendRequest{Text: "Your order ships today."})
		if err == nil {
			t.Fatalf("%v: send succeeded", failure)
		}
		if n := f.requests(http.MethodPost, sandbox.RouteSend); n != 1 {
			t.Fatalf("%v: sandbox saw %d sends, want exactly 1", failure, n)
		}
		ambiguous := errors.Is(err, transport.ErrAmbiguous)
		// A dropped answer and a 5xx (the server may have stored it) are ambiguous; a 429 is not.
		if ambiguous != (failure == sandbox.FailDrop || failure == sandbox.FailServerError) {
			t.Fatalf("%v: ambiguous=%v (%v); only a dropped answer or a 5xx is ambiguous", failure, ambiguous, err)
		}
		if api.Explain(err) == "" {
			t.Fatalf("%v: no sentence for the seller", failure)
		}
	}
}

func TestSendTimeoutIsAmbiguous(t *testing.T) {
	cfg := noWait()
	cfg.Timeout = 50 * time.Millisecond
	f := newFixture(t, cfg)
	f.sb.Fail(sandbox.RouteSend, sandbox.FailTimeout, 1)
	_, err := f.client.SendMessage(t.Context(), demoPack, api.SendRequest{Text: "Hello"})
	if !errors.Is(err, transport.ErrAmbiguous) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want an ambiguous timeout", err)
	}
	if got := api.Explain(err); got != api.Explain(context.DeadlineExceeded) {
		t.Fatalf("Explain = %q, want the did-not-answer-in-time sentence", got)
	}
}

// TestThousandConversationsAtTheRateLimitsPace fetches 1,000 conversations with 8 workers through
// one shared transport against a sandbox that enforces 500 GETs a minute. The sandbox's clock
// runs 60 times faster than real time and the transport's period shrinks to match, so the run
// takes seconds while keeping the real ratios.
func TestThousandConversationsAtTheRateLimitsPace(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 2 s of rate-limited fetching")
	}
	const (
		fetches   = 1000
		perMinute = 500
		speedup   = 60
		period    = time.Minute / speedup
	)
	run := func(t *testing.T, serverPerMinute, transportPerPeriod int) (ok, limited int, took time.Duration) {
		start := time.Now()
		base := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC) // minute-aligned
		clock := func() time.Time { return base.Add(time.Since(start) * speedup) }
		cfg := transport.Config{PerMinute: transportPerPeriod, Period: period, MaxAttempts: 1}
		f := newFixture(t, cfg, sandbox.WithRateLimit(serverPerMinute), sandbox.WithClock(clock))
		orders, err := f.client.SearchOrders(t.Context(), api.OrderSearchOptions{Seller: f.sb.SellerID(), Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		jobs := make(chan string)
		var okN, limitedN atomic.Int64
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for pack := range jobs {
					_, err := f.client.PackMessages(t.Context(), pack, api.PageOptions{Limit: 20})
					switch {
					case err == nil:
						okN.Add(1)
					case errors.Is(err, api.ErrRateLimited):
						limitedN.Add(1)
					default:
						t.Errorf("pack %s: %v", pack, err)
					}
				}
			}()
		}
		for i := range fetches - 1 { // the order search was the first GET
			jobs <- string(orders.Results[i%len(orders.Results)].ID)
		}
		close(jobs)
		wg.Wait()
		if got := f.counts.count(http.StatusTooManyRequests); got != int(limitedN.Load()) {
			t.Fatalf("sandbox answered %d 429s, client saw %d", got, limitedN.Load())
		}
		return int(okN.Load()), int(limitedN.Load()), time.Since(start)
	}

	ok, limited, took := run(t, perMinute, perMinute)
	if limited != 0 || ok != fetches-1 {
		t.Fatalf("%d fetched, %d rate limited; want all %d and zero 429s", ok, limited, fetches-1)
	}
	// 1,000 GETs at 500 a minute cannot take less than about one minute (sandbox time).
	if minimum := period; took < minimum {
		t.Fatalf("took %v, faster than the rate limit allows (%v): the limiter is not pacing", took, minimum)
	}
	t.Logf("1,000 conversations in %v real = %.1f sandbox minutes, zero 429s", took, took.Seconds()*speedup/60)

	// A client limiter five times too generous does get 429s: the check bites. The server allows
	// only 100 a minute here, so even a slow shared machine sends more than that in a minute.
	_, limited, _ = run(t, 100, 500)
	if limited == 0 {
		t.Fatal("an over-generous client limiter got no 429s: the sandbox is not limiting")
	}
}
