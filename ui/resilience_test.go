package ui

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/uitest"
)

// network sits between the client and the sandbox and can cut the line or answer 429 to
// everything, like a dead Wi-Fi or a seller's other apps using up the minute's allowance.
type network struct {
	next        http.Handler
	offline     atomic.Bool
	rateLimited atomic.Bool
}

func (n *network) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case n.offline.Load():
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case n.rateLimited.Load():
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"message":"local_rate_limited","error":"too_many_requests","status":429,"cause":[]}`)
	default:
		n.next.ServeHTTP(w, r)
	}
}

// newNetApp is newApp with the switchable network in front of the sandbox.
func newNetApp(t *testing.T, opts Options, sbOpts ...sandbox.Option) (*app, *network) {
	t.Helper()
	var netw *network
	e := uitest.New(t, uitest.At(testNow), uitest.WithSandbox(sbOpts...),
		uitest.Behind(func(sb *sandbox.Server) http.Handler { netw = &network{next: sb}; return netw }))
	return startApp(t, e, probed{New(e.Common, opts)}, 5*time.Second), netw
}

// packIDPattern matches a pack id (16 digits) in the status bar.
var packIDPattern = regexp.MustCompile(`\b\d{16}\b`)

// statusOf returns the status bar: the lines above the help line, as many as a long notice
// wraps onto (up to four).
func statusOf(view string) string {
	lines := strings.Split(view, "\n")
	if len(lines) < 2 {
		return ""
	}
	return strings.Join(lines[max(len(lines)-5, 0):len(lines)-1], "\n")
}

func TestOfflineSaysSoKeepsTheScreenAndRecoversByItself(t *testing.T) {
	t.Parallel()
	a, netw := newNetApp(t, Options{OfflineRetry: 50 * time.Millisecond})
	a.settleOn("Beatriz Souza", "Jorge Mendoza")
	requestsBefore := len(a.sb.Requests())

	netw.offline.Store(true)
	a.keys("R")
	// Offline says since when the data on screen is (the last answer, on the session's clock).
	since := "offline — data from " + testNow.In(time.UTC).Format("15:04") + ", retrying"
	view := a.settle("offline noted", func(v string) bool { return strings.Contains(statusOf(v), since) })
	bar := statusOf(view)
	bar = bar[strings.Index(bar, "offline"):] // the status bar proper, not the list above it
	if ids := packIDPattern.FindAllString(bar, -1); len(ids) > 0 {
		t.Fatalf("the status bar names packs %v instead of buyers:\n%s", ids, bar)
	}
	for _, kept := range []string{"Beatriz Souza", "Jorge Mendoza"} {
		if !strings.Contains(view, kept) {
			t.Fatalf("offline dropped %q from the screen:\n%s", kept, view)
		}
	}
	// A key clears the error sentence but not the offline note: it is still true.
	a.keys("j")
	view = a.settle("key pressed", func(v string) bool { return true })
	if !strings.Contains(statusOf(view), since) {
		t.Fatalf("a key hid the offline note:\n%s", view)
	}

	netw.offline.Store(false)
	view = a.settle("recovered without a key", func(v string) bool {
		return !strings.Contains(statusOf(v), "offline")
	})
	if !strings.Contains(view, "Beatriz Souza") {
		t.Fatalf("after recovery the list is gone:\n%s", view)
	}
	if len(a.sb.Requests()) <= requestsBefore {
		t.Fatal("recovery did not reach the sandbox")
	}
}

func TestRateLimitedSaysSoAndRecovers(t *testing.T) {
	t.Parallel()
	a, netw := newNetApp(t, Options{OfflineRetry: 50 * time.Millisecond})
	a.openPack(packTopUnread)
	a.settleOn("Vocês emitem nota fiscal?")

	netw.rateLimited.Store(true)
	a.keys("R")
	view := a.settle("rate limit noted", func(v string) bool {
		return strings.Contains(statusOf(v), "rate limited — waiting")
	})
	if !strings.Contains(view, "Vocês emitem nota fiscal?") {
		t.Fatalf("rate limiting dropped the conversation from the screen:\n%s", view)
	}
	netw.rateLimited.Store(false)
	a.settle("recovered", func(v string) bool {
		return !strings.Contains(statusOf(v), "rate limited") && strings.Contains(v, "Vocês emitem nota fiscal?")
	})
}

func TestOfflineAtStartRecoversToAFullList(t *testing.T) {
	t.Parallel()
	// The line is down before the program starts: the very first request fails.
	netw := &network{}
	netw.offline.Store(true)
	e := uitest.New(t, uitest.At(testNow),
		uitest.Behind(func(sb *sandbox.Server) http.Handler { netw.next = sb; return netw }))
	a := startApp(t, e, probed{New(e.Common, Options{OfflineRetry: 50 * time.Millisecond})}, 5*time.Second)
	a.settle("offline said at start", func(v string) bool {
		return strings.Contains(statusOf(v), "offline — nothing loaded yet, retrying")
	})
	if n := len(a.sb.Requests()); n != 0 {
		t.Fatalf("the sandbox answered %d requests while the line was down", n)
	}
	netw.offline.Store(false)
	a.settleOn("All 17] · 7 new", "Beatriz Souza")
}

func TestClassifyConnectionErrors(t *testing.T) {
	cases := []struct {
		err   error
		state connState
		known bool
	}{
		{nil, connOK, true},
		{&api.NetworkError{Method: "GET", Path: "/x", Err: io.ErrUnexpectedEOF}, connOffline, true},
		{context.DeadlineExceeded, connOffline, true},
		{&api.RateLimitError{Err: &api.Error{StatusCode: 429}}, connRateLimited, true},
		{&api.Error{StatusCode: 500}, connOK, true},
		{context.Canceled, connOK, false},
		{&api.ValidationError{Field: "text", Problem: "too long"}, connOK, false},
	}
	for _, c := range cases {
		state, known := classify(c.err)
		if state != c.state || known != c.known {
			t.Errorf("classify(%v) = %v, %v; want %v, %v", c.err, state, known, c.state, c.known)
		}
	}
}
