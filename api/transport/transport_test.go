package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock records the backoff sleeps instead of waiting, and moves Now forward by them.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// countingLimiter counts the requests it lets through.
type countingLimiter struct{ n atomic.Int64 }

func (l *countingLimiter) Wait(ctx context.Context) error { l.n.Add(1); return ctx.Err() }

// testConfig has a fake clock, a jitter that always picks the ceiling, and unlimited limiters.
func testConfig(clock *fakeClock) (Config, *countingLimiter, *countingLimiter) {
	get, post := &countingLimiter{}, &countingLimiter{}
	return Config{
		BaseDelay:   100 * time.Millisecond,
		MaxDelay:    time.Second,
		MaxAttempts: 4,
		MaxElapsed:  time.Minute,
		Sleep:       clock.Sleep,
		Now:         clock.Now,
		Jitter:      func(max time.Duration) time.Duration { return max },
		GetLimiter:  get,
		PostLimiter: post,
	}, get, post
}

// scripted answers request n with statuses[n] (the last one repeats).
func scripted(statuses ...int) (http.Handler, *atomic.Int64) {
	var calls atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1)) - 1
		status := statuses[min(n, len(statuses)-1)]
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "3")
		}
		w.WriteHeader(status)
		io.WriteString(w, `{"n":`+string(rune('0'+n))+`}`)
	}), &calls
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(req)
}

func post(t *testing.T, c *http.Client, url, body string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return c.Do(req)
}

func TestGetRetriesServerErrorsWithExponentialBackoff(t *testing.T) {
	h, calls := scripted(500, 502, 200)
	srv := httptest.NewServer(h)
	defer srv.Close()
	clock := newFakeClock()
	cfg, getL, postL := testConfig(clock)
	resp, err := NewClient(cfg).Do(mustReq(t, http.MethodGet, srv.URL+"/x"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"n":2}` {
		t.Fatalf("got %d %s, want the third answer", resp.StatusCode, body)
	}
	if calls.Load() != 3 {
		t.Fatalf("server saw %d requests, want 3", calls.Load())
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}
	if got := clock.Sleeps(); !slices.Equal(got, want) {
		t.Fatalf("sleeps %v, want %v", got, want)
	}
	if getL.n.Load() != 3 || postL.n.Load() != 0 {
		t.Fatalf("limiter waits get=%d post=%d, want 3 and 0 (every attempt is paced)", getL.n.Load(), postL.n.Load())
	}
}

func TestBackoffIsCappedAndJittered(t *testing.T) {
	clock := newFakeClock()
	cfg, _, _ := testConfig(clock)
	var ceilings []time.Duration
	cfg.Jitter = func(max time.Duration) time.Duration { ceilings = append(ceilings, max); return max / 2 }
	cfg.MaxAttempts = 7
	h, calls := scripted(503)
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := NewClient(cfg).Do(mustReq(t, http.MethodGet, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || calls.Load() != 7 {
		t.Fatalf("got %d after %d calls, want the last 503 after 7", resp.StatusCode, calls.Load())
	}
	wantCeil := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i := range wantCeil {
		wantCeil[i] *= time.Millisecond
	}
	if !slices.Equal(ceilings, wantCeil) {
		t.Fatalf("ceilings %v, want %v", ceilings, wantCeil)
	}
	for i, s := range clock.Sleeps() {
		if s != wantCeil[i]/2 {
			t.Fatalf("sleep %d = %v, want the jittered %v", i, s, wantCeil[i]/2)
		}
	}
}

func TestRateLimitedGetHonoursRetryAfter(t *testing.T) {
	h, calls := scripted(429, 200)
	srv := httptest.NewServer(h)
	defer srv.Close()
	clock := newFakeClock()
	cfg, _, _ := testConfig(clock)
	cfg.MaxDelay = 10 * time.Second
	resp, err := NewClient(cfg).Do(mustReq(t, http.MethodGet, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || calls.Load() != 2 {
		t.Fatalf("got %d after %d calls", resp.StatusCode, calls.Load())
	}
	if got := clock.Sleeps(); !slices.Equal(got, []time.Duration{3 * time.Second}) {
		t.Fatalf("sleeps %v, want Retry-After's 3s", got)
	}
}

func TestRetriesStopAtMaxElapsed(t *testing.T) {
	h, calls := scripted(500)
	srv := httptest.NewServer(h)
	defer srv.Close()
	clock := newFakeClock()
	cfg, _, _ := testConfig(clock)
	cfg.MaxAttempts = 100
	cfg.MaxElapsed = 350 * time.Millisecond // 100+200 fit, the next 400 does not
	resp, err := NewClient(cfg).Do(mustReq(t, http.MethodGet, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if calls.Load() != 3 {
		t.Fatalf("server saw %d requests, want 3 within the time budget", calls.Load())
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 422} {
		h, calls := scripted(status)
		srv := httptest.NewServer(h)
		clock := newFakeClock()
		cfg, _, _ := testConfig(clock)
		resp, err := NewClient(cfg).Do(mustReq(t, http.MethodGet, srv.URL))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		srv.Close()
		if calls.Load() != 1 || resp.StatusCode != status {
			t.Fatalf("%d: %d calls, status %d; want one call", status, calls.Load(), resp.StatusCode)
		}
	}
}

func TestPostIsNeverRetried(t *testing.T) {
	for _, status := range []int{500, 503, 429} {
		h, calls := scripted(status, 200)
		srv := httptest.NewServer(h)
		clock := newFakeClock()
		cfg, getL, postL := testConfig(clock)
		resp, err := post(t, NewClient(cfg), srv.URL, `{"text":"hola"}`)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		srv.Close()
		if calls.Load() != 1 || resp.StatusCode != status {
			t.Fatalf("POST %d: server saw %d requests, want exactly 1", status, calls.Load())
		}
		if postL.n.Load() != 1 || getL.n.Load() != 0 {
			t.Fatalf("POST paced by get=%d post=%d, want the POST limiter", getL.n.Load(), postL.n.Load())
		}
		if len(clock.Sleeps()) != 0 {
			t.Fatalf("POST slept %v", clock.Sleeps())
		}
	}
}

// dropAfterRead reads the whole request, then closes the connection without answering.
func dropAfterRead(calls *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
}

func TestDroppedPostIsAmbiguous(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(dropAfterRead(&calls))
	defer srv.Close()
	cfg, _, _ := testConfig(newFakeClock())
	_, err := post(t, NewClient(cfg), srv.URL+"/marketplace/messages/packs/1", `{"text":"hola"}`)
	if !errors.Is(err, ErrAmbiguous) {
		t.Fatalf("err = %v, want ErrAmbiguous", err)
	}
	var ae *AmbiguousError
	if !errors.As(err, &ae) || ae.Path != "/marketplace/messages/packs/1" || ae.Method != "POST" {
		t.Fatalf("err = %#v, want an AmbiguousError naming the request", err)
	}
	if calls.Load() != 1 {
		t.Fatalf("server saw %d sends, want 1", calls.Load())
	}
}

func TestPostThatNeverConnectedIsNotAmbiguous(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens: the request is never written
	cfg, _, _ := testConfig(newFakeClock())
	_, err := post(t, NewClient(cfg), url, `{"text":"hola"}`)
	if err == nil || errors.Is(err, ErrAmbiguous) {
		t.Fatalf("err = %v, want a plain network error (the send certainly did not happen)", err)
	}
}

func TestDroppedGetIsRetriedNotAmbiguous(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(dropAfterRead(&calls))
	defer srv.Close()
	clock := newFakeClock()
	cfg, _, _ := testConfig(clock)
	cfg.MaxAttempts = 3
	_, err := get(t, NewClient(cfg), srv.URL)
	if err == nil || errors.Is(err, ErrAmbiguous) {
		t.Fatalf("err = %v, want a network error that is not ambiguous", err)
	}
	if len(clock.Sleeps()) != 2 {
		t.Fatalf("slept %v, want 2 backoffs between 3 attempts", clock.Sleeps())
	}
}

// blockUntilGone holds the request until the client gives up.
func blockUntilGone(calls *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	})
}

func TestJSONRequestTimesOutAndRetries(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(blockUntilGone(&calls))
	defer srv.Close()
	cfg, _, _ := testConfig(newFakeClock())
	cfg.Timeout = 30 * time.Millisecond
	cfg.MaxAttempts = 2
	_, err := get(t, NewClient(cfg), srv.URL)
	var te *TimeoutError
	if !errors.As(err, &te) || te.Header || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a whole-request TimeoutError that is a DeadlineExceeded", err)
	}
	if calls.Load() != 2 {
		t.Fatalf("server saw %d attempts, want 2", calls.Load())
	}
}

func TestPostTimeoutAfterWriteIsAmbiguous(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(blockUntilGone(&calls))
	defer srv.Close()
	cfg, _, _ := testConfig(newFakeClock())
	cfg.Timeout = 30 * time.Millisecond
	_, err := post(t, NewClient(cfg), srv.URL, `{"text":"hola"}`)
	if !errors.Is(err, ErrAmbiguous) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want an ambiguous timeout", err)
	}
	if calls.Load() != 1 {
		t.Fatalf("server saw %d sends, want 1", calls.Load())
	}
}

func TestStreamTransferIsNotTimedButHeadersAre(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("hang") != "" {
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "image/png")
		io.WriteString(w, "part1-")
		w.(http.Flusher).Flush()
		select { // the body stalls far longer than the JSON timeout
		case <-release:
			io.WriteString(w, "part2")
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	cfg, _, _ := testConfig(newFakeClock())
	cfg.Timeout = 20 * time.Millisecond
	cfg.HeaderTimeout = 20 * time.Millisecond
	cfg.MaxAttempts = 1
	c := NewClient(cfg)

	resp, err := get(t, c, srv.URL+"/marketplace/messages/attachments/f.png")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != "part1-" {
		t.Fatalf("first part %q, %v", buf, err)
	}
	time.AfterFunc(3*cfg.Timeout, func() { close(release) })
	rest, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(rest) != "part2" {
		t.Fatalf("rest %q, %v: a stream must not be cut by the JSON timeout", rest, err)
	}

	_, err = get(t, c, srv.URL+"/marketplace/messages/attachments/f.png?hang=1")
	var te *TimeoutError
	if !errors.As(err, &te) || !te.Header {
		t.Fatalf("err = %v, want a header TimeoutError", err)
	}
}

func TestCancelDuringBackoffStopsPromptly(t *testing.T) {
	h, calls := scripted(503)
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cfg := Config{
		BaseDelay: time.Hour, MaxDelay: time.Hour, MaxElapsed: 10 * time.Hour,
		Jitter: func(max time.Duration) time.Duration { return max },
		Sleep: func(ctx context.Context, d time.Duration) error {
			cancel() // the seller quits while postsale waits to retry
			return Sleep(ctx, d)
		},
		GetLimiter: &countingLimiter{}, PostLimiter: &countingLimiter{},
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	_, err := NewClient(cfg).Do(req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if calls.Load() != 1 {
		t.Fatalf("server saw %d requests after the cancel, want 1", calls.Load())
	}
}

func TestLimiterNeverExceedsAllowanceInAnyWindow(t *testing.T) {
	const per = 500
	l := NewLimiter(per, time.Minute)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var allowed []time.Time
	// A greedy caller asks every 10 ms for five minutes.
	for at := start; at.Before(start.Add(5 * time.Minute)); at = at.Add(10 * time.Millisecond) {
		if l.AllowN(at, 1) {
			allowed = append(allowed, at)
		}
	}
	lo := 0
	for hi := range allowed {
		for allowed[hi].Sub(allowed[lo]) >= time.Minute {
			lo++
		}
		if n := hi - lo + 1; n > per {
			t.Fatalf("%d requests within a minute ending %v, want at most %d", n, allowed[hi], per)
		}
	}
	// It must still use most of the allowance: at least 90% over the run.
	if perMin := float64(len(allowed)) / 5; perMin < 0.9*per {
		t.Fatalf("only %.0f requests a minute, want close to %d", perMin, per)
	}
}

func TestLimiterIsSharedByEveryRequestOfATransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	cfg, getL, postL := testConfig(newFakeClock())
	tr := New(cfg)
	a, b := tr.Client(), tr.Client()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := a
			if i%2 == 1 {
				c = b
			}
			resp, err := c.Do(mustReq(t, http.MethodGet, srv.URL))
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if getL.n.Load() != 20 || postL.n.Load() != 0 {
		t.Fatalf("get limiter saw %d, post %d; want all 20 GETs through one limiter", getL.n.Load(), postL.n.Load())
	}
}

func mustReq(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
