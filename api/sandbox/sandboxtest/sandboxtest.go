// Package sandboxtest is the one test fixture of postsale, in the manner of net/http/httptest: a
// strict sandbox served over real HTTP by httptest, and an API client that talks to it.
//
//	f := sandboxtest.New(t, sandboxtest.WithSandbox(sandbox.WithClock(now)))
//	conv, err := f.Client.PackMessages(ctx, "2000004512345671", api.PageOptions{})
//	reqs := f.Sandbox.Requests()
//
// Everything is closed when the test ends. Only tests import it.
package sandboxtest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
)

// Fixture is a sandbox behind an httptest server and a client signed in to it.
type Fixture struct {
	Sandbox *sandbox.Server
	Server  *httptest.Server
	Client  *api.Client
	// URL is the server's base URL (for MELI_API_URL and clients built by the code under test).
	URL string
}

type config struct {
	sandbox []sandbox.Option
	wrap    func(*sandbox.Server) http.Handler
	client  []api.Option
}

// Option adjusts what New builds.
type Option func(*config)

// WithSandbox passes options to the sandbox.
func WithSandbox(opts ...sandbox.Option) Option {
	return func(c *config) { c.sandbox = append(c.sandbox, opts...) }
}

// Behind puts a handler between the client and the sandbox (a network that can fail, a
// counter, a slow line).
func Behind(wrap func(*sandbox.Server) http.Handler) Option {
	return func(c *config) { c.wrap = wrap }
}

// WithClient passes options to the client, after its token and base URL (an HTTP client with a
// transport, for example).
func WithClient(opts ...api.Option) Option {
	return func(c *config) { c.client = append(c.client, opts...) }
}

// New starts a sandbox behind httptest and a client using the sandbox's token; both end with
// the test.
func New(tb testing.TB, opts ...Option) *Fixture {
	tb.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	sb := sandbox.New(cfg.sandbox...)
	var h http.Handler = sb
	if cfg.wrap != nil {
		h = cfg.wrap(sb)
	}
	ts := httptest.NewServer(h)
	tb.Cleanup(ts.Close)
	client, err := api.New(api.StaticToken(sb.Token()), append([]api.Option{api.WithBaseURL(ts.URL)}, cfg.client...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return &Fixture{Sandbox: sb, Server: ts, Client: client, URL: ts.URL}
}

// TickingClock is a sandbox clock (sandbox.WithClock) that starts at start and moves a
// millisecond each time it is read: every message the sandbox dates with it falls in start's
// second (while a test reads it fewer than 1,000 times), some written with milliseconds and some
// without, as Mercado Libre mixes them.
func TickingClock(start time.Time) func() time.Time {
	var mu sync.Mutex
	now := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Millisecond)
		return now
	}
}
