// Package uitest is the harness the UI packages' tests share: a sandbox-backed Common, a
// command runner that behaves like the Bubble Tea runtime, key presses by name, a tiny teatest
// root and temporary files. Only _test.go files import it.
package uitest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/sandbox/sandboxtest"
	"github.com/postsale/postsale/ui/common"
)

// Env is a Common talking over real HTTP to its own sandbox.
type Env struct {
	Sandbox *sandbox.Server
	Client  *api.Client
	Common  *common.Common
}

type config struct {
	now     time.Time
	sandbox []sandbox.Option
	wrap    func(*sandbox.Server) http.Handler
	client  []api.Option
	seller  bool
	site    string
	account string
}

// Option adjusts the Env that New builds.
type Option func(*config)

// At fixes the clock of both the sandbox and the UI, so demo dates and goldens are stable.
func At(now time.Time) Option { return func(c *config) { c.now = now } }

// WithSandbox passes options to the sandbox (after its clock).
func WithSandbox(opts ...sandbox.Option) Option {
	return func(c *config) { c.sandbox = append(c.sandbox, opts...) }
}

// Behind puts a handler between the client and the sandbox (a network that can fail).
func Behind(wrap func(*sandbox.Server) http.Handler) Option {
	return func(c *config) { c.wrap = wrap }
}

// WithClient passes options to the API client (after its token and base URL).
func WithClient(opts ...api.Option) Option {
	return func(c *config) { c.client = append(c.client, opts...) }
}

// AsSeller signs the UI in as the sandbox's seller; an empty site or account is left unset.
func AsSeller(site, account string) Option {
	return func(c *config) { c.seller, c.site, c.account = true, site, account }
}

// DefaultClock is the fixed time New uses unless At says otherwise.
func DefaultClock() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }

// New starts a sandbox behind httptest and returns a Common whose client uses it, with an ASCII
// renderer, a fixed clock, UTC and a context cancelled when the test ends.
func New(tb testing.TB, opts ...Option) *Env {
	tb.Helper()
	cfg := config{now: DefaultClock()}
	for _, o := range opts {
		o(&cfg)
	}
	now := func() time.Time { return cfg.now }
	fopts := []sandboxtest.Option{
		sandboxtest.WithSandbox(append([]sandbox.Option{sandbox.WithClock(now)}, cfg.sandbox...)...),
		sandboxtest.WithClient(cfg.client...),
	}
	if cfg.wrap != nil {
		fopts = append(fopts, sandboxtest.Behind(cfg.wrap))
	}
	f := sandboxtest.New(tb, fopts...)
	sb, client := f.Sandbox, f.Client
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	c := common.New(ctx, client, Renderer(termenv.Ascii))
	c.Now = now
	c.Location = time.UTC
	if cfg.seller {
		c.Seller = sb.SellerID()
		c.Site = cfg.site
		c.Account = cfg.account
	}
	return &Env{Sandbox: sb, Client: client, Common: c}
}

// Offline is a Common with no client, for views fed by hand (benchmarks, layout tests).
func Offline(now time.Time, profile termenv.Profile) *common.Common {
	c := common.New(context.Background(), nil, Renderer(profile))
	c.Now = func() time.Time { return now }
	c.Location = time.UTC
	return c
}

// Renderer draws nowhere with a fixed colour profile: Ascii for goldens, TrueColor to measure.
func Renderer(profile termenv.Profile) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(profile)
	return r
}

// CountRequests is how many requests the sandbox received with method on a path under prefix.
func CountRequests(sb *sandbox.Server, method, prefix string) int {
	n := 0
	for _, r := range sb.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// RouteCount is how many requests the sandbox received on route (a sandbox.Route constant).
func RouteCount(sb *sandbox.Server, route string) int {
	n := 0
	for _, r := range sb.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}
