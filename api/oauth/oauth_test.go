package oauth_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/oauth"
	"github.com/postsale/postsale/api/sandbox"
)

// env is a sandbox behind real HTTP and the demo app pointed at it.
type env struct {
	sb  *sandbox.Server
	srv *httptest.Server
	app oauth.App
}

func newEnv(t *testing.T, opts ...sandbox.Option) *env {
	t.Helper()
	sb := sandbox.New(opts...)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return &env{sb: sb, srv: srv, app: oauth.App{
		ClientID:     sandbox.DemoClientID,
		ClientSecret: sandbox.DemoClientSecret,
		RedirectURL:  sandbox.DemoRedirectPaste,
		AuthURL:      srv.URL + "/authorization",
		TokenURL:     srv.URL + "/oauth/token",
		HTTPClient:   srv.Client(),
	}}
}

// authorize opens the authorization URL like a browser would and returns where the sandbox
// redirected to, without following it.
func (e *env) authorize(t *testing.T, authURL string) string {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorization answered %d, want 302", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// tokenCalls counts the requests the sandbox received at /oauth/token with grant.
func (e *env) tokenCalls(grant string) int {
	n := 0
	for _, r := range e.sb.Requests() {
		if r.Route == sandbox.RouteOAuthToken {
			if f, _ := url.ParseQuery(string(r.Body)); f.Get("grant_type") == grant {
				n++
			}
		}
	}
	return n
}

// login runs the whole flow and returns the first token pair.
func (e *env) login(t *testing.T) *oauth.Token {
	t.Helper()
	l, err := e.app.Begin()
	if err != nil {
		t.Fatal(err)
	}
	code, err := l.ParseCallback(e.authorize(t, l.URL()))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := l.Exchange(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// memStore is an oauth.Store in memory that counts saves and can be made to fail.
type memStore struct {
	mu    sync.Mutex
	tok   *oauth.Token
	saves int
	fail  error
}

func (m *memStore) Load(context.Context) (*oauth.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tok == nil {
		return nil, oauth.ErrNoSession
	}
	c := *m.tok
	return &c, nil
}

func (m *memStore) Save(_ context.Context, t *oauth.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	c := *t
	m.tok = &c
	m.saves++
	return nil
}

func (m *memStore) current() *oauth.Token {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tok
}

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestFullLoginAgainstSandbox(t *testing.T) {
	e := newEnv(t)
	l, err := e.app.Begin()
	if err != nil {
		t.Fatal(err)
	}
	au, err := url.Parse(l.URL())
	if err != nil {
		t.Fatal(err)
	}
	q := au.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		t.Fatalf("authorization URL lacks an S256 challenge: %s", au.RawQuery)
	}
	if len(q.Get("state")) < 16 {
		t.Fatalf("state %q is missing or too short", q.Get("state"))
	}
	if q.Get("response_type") != "code" || q.Get("client_id") != sandbox.DemoClientID || q.Get("redirect_uri") != sandbox.DemoRedirectPaste {
		t.Fatalf("authorization URL query = %s", au.RawQuery)
	}
	other, _ := e.app.Begin()
	ou, _ := url.Parse(other.URL())
	if ou.Query().Get("state") == q.Get("state") || ou.Query().Get("code_challenge") == q.Get("code_challenge") {
		t.Fatal("two logins share a state or a PKCE challenge")
	}

	location := e.authorize(t, l.URL())
	lu, _ := url.Parse(location)
	if lu.Query().Get("state") != q.Get("state") || !strings.HasPrefix(location, sandbox.DemoRedirectPaste+"?") {
		t.Fatalf("sandbox redirected to %q", location)
	}
	code, err := l.ParseCallback("  " + location + "\n")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := l.Exchange(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Access.IsZero() || tok.Refresh.IsZero() || tok.UserID != e.sb.SellerID() {
		t.Fatalf("token: access set %v, refresh set %v, user %q", !tok.Access.IsZero(), !tok.Refresh.IsZero(), tok.UserID)
	}
	if tok.Lifetime != 6*time.Hour || time.Until(tok.Expiry) < 5*time.Hour {
		t.Errorf("lifetime %v expiry %v: want expires_in 6h trusted", tok.Lifetime, tok.Expiry)
	}

	// The exchange proved the verifier behind the challenge, with the credentials in the form.
	var form url.Values
	for _, r := range e.sb.Requests() {
		if r.Route == sandbox.RouteOAuthToken {
			form, _ = url.ParseQuery(string(r.Body))
			if r.Header.Get("Authorization") != "" {
				t.Error("token request used an Authorization header; Mercado Libre wants client_id/secret in the body")
			}
		}
	}
	sum := sha256.Sum256([]byte(form.Get("code_verifier")))
	if base64.RawURLEncoding.EncodeToString(sum[:]) != q.Get("code_challenge") {
		t.Error("code_verifier sent does not hash to the challenge in the authorization URL")
	}
	if form.Get("grant_type") != "authorization_code" || form.Get("code") != code ||
		form.Get("client_id") != sandbox.DemoClientID || form.Get("client_secret") != sandbox.DemoClientSecret ||
		form.Get("redirect_uri") != sandbox.DemoRedirectPaste {
		t.Errorf("token form = %v", redactForm(form))
	}

	// The sandbox accepts the issued access token.
	c, err := api.New(api.StaticToken(tok.Access.Reveal()), api.WithBaseURL(e.srv.URL), api.WithHTTPClient(e.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	me, err := c.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if string(me.ID) != e.sb.SellerID() {
		t.Errorf("/users/me id = %q, want %q", me.ID, e.sb.SellerID())
	}

	// A code works once.
	if _, err := l.Exchange(context.Background(), code); err == nil {
		t.Error("the same authorization code was accepted twice")
	}
}

func redactForm(f url.Values) url.Values {
	c := url.Values{}
	for k, v := range f {
		if k == "client_secret" || k == "code_verifier" || k == "refresh_token" {
			v = []string{"[redacted]"}
		}
		c[k] = v
	}
	return c
}

func TestWrongVerifierRejected(t *testing.T) {
	e := newEnv(t)
	l1, _ := e.app.Begin()
	l2, _ := e.app.Begin()
	code, err := l1.ParseCallback(e.authorize(t, l1.URL()))
	if err != nil {
		t.Fatal(err)
	}
	// l2 holds another verifier: the sandbox must refuse it for l1's challenge.
	_, err = l2.Exchange(context.Background(), code)
	var le *oauth.LoginError
	var ae *api.Error
	if !errors.As(err, &le) || !errors.As(err, &ae) || ae.StatusCode != 400 || ae.Code != "invalid_grant" {
		t.Fatalf("exchange with the wrong verifier = %v, want a LoginError over 400 invalid_grant", err)
	}
	if !strings.Contains(le.Reason, "postsale login") {
		t.Errorf("reason %q does not say what to do", le.Reason)
	}
}

func TestWrongStateRejected(t *testing.T) {
	e := newEnv(t)
	l, _ := e.app.Begin()
	location := e.authorize(t, l.URL())
	u, _ := url.Parse(location)
	q := u.Query()
	q.Set("state", "attacker-chosen")
	u.RawQuery = q.Encode()
	if _, err := l.ParseCallback(u.String()); !errors.Is(err, oauth.ErrStateMismatch) {
		t.Fatalf("wrong state = %v, want ErrStateMismatch", err)
	}
	if !strings.Contains(oauth.ErrStateMismatch.Error(), "postsale login") {
		t.Error("the state error does not say what to do")
	}
	q.Del("state")
	u.RawQuery = q.Encode()
	if _, err := l.ParseCallback(u.String()); err == nil {
		t.Fatal("an address without state was accepted")
	}
	// Another login's redirect is refused too.
	other, _ := e.app.Begin()
	if _, err := other.ParseCallback(location); !errors.Is(err, oauth.ErrStateMismatch) {
		t.Fatalf("another login's address = %v", err)
	}
}

func TestParseCallbackForms(t *testing.T) {
	e := newEnv(t)
	l, _ := e.app.Begin()
	state, _ := url.ParseQuery(strings.SplitN(l.URL(), "?", 2)[1])
	st := state.Get("state")
	cases := []struct {
		in, code string
		ok       bool
	}{
		{"TG-65f1c2-123", "TG-65f1c2-123", true},
		{"'TG-65f1c2-123'", "TG-65f1c2-123", true},
		{"https://postsale.example/callback?code=TG-1&state=" + st, "TG-1", true},
		{"code=TG-2&state=" + st, "TG-2", true},
		{"https://postsale.example/callback?error=access_denied&error_description=denied&state=" + st, "", false},
		{"https://postsale.example/callback", "", false},
		{"", "", false},
		{"two words", "", false},
	}
	for _, c := range cases {
		code, err := l.ParseCallback(c.in)
		if (err == nil) != c.ok || code != c.code {
			t.Errorf("ParseCallback(%q) = %q, %v", c.in, code, err)
		}
	}
}

func TestAuthorizationHostFollowsSite(t *testing.T) {
	for site, host := range map[string]string{"MLB": "auth.mercadolivre.com.br", "MLM": "auth.mercadolibre.com.mx", "mco": "auth.mercadolibre.com.co", "MLC": "auth.mercadolibre.cl", "MLA": "auth.mercadolibre.com.ar"} {
		l, err := oauth.App{ClientID: "1", ClientSecret: "s", RedirectURL: "https://x.example/cb", Site: site}.Begin()
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(l.URL())
		if u.Host != host || u.Path != "/authorization" {
			t.Errorf("site %s: %s", site, l.URL())
		}
	}
	if _, err := (oauth.App{ClientID: "1", ClientSecret: "s", RedirectURL: "https://x.example/cb", Site: "CBT"}).Begin(); err == nil || !strings.Contains(err.Error(), "MLM") {
		t.Errorf("unknown site = %v, want the list of sites", err)
	}
}
