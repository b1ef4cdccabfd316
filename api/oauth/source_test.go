package oauth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/oauth"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/config/secrets"
)

// loggedIn logs in and returns a Source over a memStore holding the pair, on a test clock.
func loggedIn(t *testing.T, e *env) (*oauth.Source, *memStore, *clock) {
	t.Helper()
	st := &memStore{tok: e.login(t)}
	clk := &clock{now: time.Now()}
	src, err := oauth.NewSource(e.app, st, oauth.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	return src, st, clk
}

func TestConcurrentCallsAtExpiryShareOneRefresh(t *testing.T) {
	e := newEnv(t, sandbox.WithTokenExpiry(time.Hour))
	src, st, clk := loggedIn(t, e)
	first := st.current()
	clk.Add(time.Hour) // the access token is now past its expiry for the client

	const callers = 20
	var wg sync.WaitGroup
	got := make([]string, callers)
	errs := make([]error, callers)
	start := make(chan struct{})
	for i := range callers {
		wg.Go(func() {
			<-start
			got[i], errs[i] = src.AccessToken(context.Background())
		})
	}
	close(start)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if got[i] != got[0] {
			t.Fatalf("callers got different tokens")
		}
	}
	if n := e.tokenCalls("refresh_token"); n != 1 {
		t.Fatalf("%d refresh requests reached /oauth/token, want exactly 1", n)
	}
	if got[0] == first.Access.Reveal() {
		t.Fatal("the expired access token was handed out")
	}
	saved := st.current()
	if st.saves != 1 || saved.Access.Reveal() != got[0] || saved.Refresh == first.Refresh {
		t.Fatalf("saves=%d; the new pair was not saved before use", st.saves)
	}
	c, _ := api.New(src, api.WithBaseURL(e.srv.URL), api.WithHTTPClient(e.srv.Client()))
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatalf("refreshed token refused: %v", err)
	}
}

func TestFreshTokenIsNotRefreshed(t *testing.T) {
	e := newEnv(t, sandbox.WithTokenExpiry(time.Hour))
	src, st, clk := loggedIn(t, e)
	clk.Add(50 * time.Minute) // 10 minutes left, outside the 5-minute margin
	tok, err := src.AccessToken(context.Background())
	if err != nil || tok != st.current().Access.Reveal() {
		t.Fatalf("AccessToken = %v", err)
	}
	if n := e.tokenCalls("refresh_token"); n != 0 {
		t.Fatalf("%d refreshes for a fresh token", n)
	}
	clk.Add(6 * time.Minute) // 4 minutes left: within the margin, refresh ahead of expiry
	if _, err := src.AccessToken(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.tokenCalls("refresh_token"); n != 1 {
		t.Fatalf("%d refreshes inside the margin, want 1", n)
	}
}

func TestReusedRefreshTokenNeedsLogin(t *testing.T) {
	e := newEnv(t)
	tok := e.login(t)

	// Straight at the sandbox: the first use rotates, the second is refused with the OAuth body.
	post := func() (int, map[string]any) {
		form := url.Values{"grant_type": {"refresh_token"}, "client_id": {sandbox.DemoClientID},
			"client_secret": {sandbox.DemoClientSecret}, "refresh_token": {tok.Refresh.Reveal()}}
		resp, err := e.srv.Client().PostForm(e.srv.URL+"/oauth/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	if status, _ := post(); status != 200 {
		t.Fatalf("first refresh: %d", status)
	}
	status, body := post()
	if status != 400 || body["error"] != "invalid_grant" || body["status"] != float64(400) || body["error_description"] == "" {
		t.Fatalf("reused refresh token: %d %v", status, body)
	}
	if causes, ok := body["cause"].([]any); !ok || len(causes) != 0 {
		t.Fatalf("cause = %#v, want []", body["cause"])
	}

	// Through a Source holding the spent pair (its save was lost): log in again, said plainly.
	st := &memStore{tok: tok}
	clk := &clock{now: time.Now().Add(7 * time.Hour)}
	src, _ := oauth.NewSource(e.app, st, oauth.WithClock(clk.Now))
	_, err := src.AccessToken(context.Background())
	if !errors.Is(err, api.ErrLoginRequired) {
		t.Fatalf("refresh with a spent token = %v, want ErrLoginRequired", err)
	}
	if got, want := api.Explain(err), "Your Mercado Libre session has ended: log in again with `postsale login`."; got != want {
		t.Errorf("Explain = %q, want %q", got, want)
	}
	assertNoSecret(t, err.Error(), tok)

	// The inbox's client surfaces the same error instead of the 401.
	c, _ := api.New(src, api.WithBaseURL(e.srv.URL), api.WithHTTPClient(e.srv.Client()))
	if _, err := c.Me(context.Background()); !errors.Is(err, api.ErrLoginRequired) {
		t.Fatalf("client with a dead session = %v", err)
	}
}

func TestAnotherProcessRotatedThePair(t *testing.T) {
	e := newEnv(t)
	st := &memStore{tok: e.login(t)}
	clk := &clock{now: time.Now()}
	a, _ := oauth.NewSource(e.app, st, oauth.WithClock(clk.Now))
	b, _ := oauth.NewSource(e.app, st, oauth.WithClock(clk.Now))
	// Both processes load the same pair while it is fresh.
	if _, err := a.AccessToken(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AccessToken(context.Background()); err != nil {
		t.Fatal(err)
	}
	clk.Add(7 * time.Hour)
	ta, err := a.AccessToken(context.Background()) // a rotates the pair and saves it
	if err != nil {
		t.Fatal(err)
	}
	tb, err := b.AccessToken(context.Background()) // b must adopt it, not spend the dead refresh token
	if err != nil {
		t.Fatalf("second process after a rotation: %v", err)
	}
	if tb != ta {
		t.Error("second process did not adopt the rotated pair")
	}
	if n := e.tokenCalls("refresh_token"); n != 1 {
		t.Fatalf("%d refreshes, want 1", n)
	}
}

// stubbornRefresher refreshes to a token the API also refuses.
type stubbornRefresher struct{ calls int }

func (s *stubbornRefresher) AccessToken(context.Context) (string, error) { return "APP_USR-wrong", nil }
func (s *stubbornRefresher) Refresh(context.Context, string) (string, error) {
	s.calls++
	return "APP_USR-still-wrong", nil
}

func TestRefreshOnceOn401(t *testing.T) {
	e := newEnv(t)
	src, st, _ := loggedIn(t, e)
	c, _ := api.New(src, api.WithBaseURL(e.srv.URL), api.WithHTTPClient(e.srv.Client()))
	old := st.current().Access.Reveal()
	e.sb.RevokeToken(old) // still fresh for the client; the API now answers 401

	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.Me(context.Background()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d after a 401: %v", i, err)
		}
	}
	if n := e.tokenCalls("refresh_token"); n != 1 {
		t.Fatalf("%d refreshes for one rejected token, want 1", n)
	}

	// A POST is replayed with its body after the refresh.
	e.sb.RevokeToken(st.current().Access.Reveal())
	pack := activePack(t, c)
	msg, err := c.SendMessage(context.Background(), pack, api.SendRequest{Text: "Hello, it ships today.", TextTranslated: "Hola, se envía hoy."})
	if err != nil {
		t.Fatalf("send after a 401: %v", err)
	}
	if msg == nil || !strings.Contains(msg.Text, "ships today") {
		t.Fatalf("sent message = %+v", msg)
	}
	if n := e.tokenCalls("refresh_token"); n != 2 {
		t.Fatalf("%d refreshes, want 2", n)
	}

	// When the new token is refused too, the 401 comes back: one retry, no loop.
	sr := &stubbornRefresher{}
	stubborn, _ := api.New(sr, api.WithBaseURL(e.srv.URL), api.WithHTTPClient(e.srv.Client()))
	if _, err := stubborn.Me(context.Background()); !errors.Is(err, api.ErrUnauthorized) || sr.calls != 1 {
		t.Fatalf("refused twice: %v after %d refreshes, want the 401 after exactly 1", err, sr.calls)
	}
}

// activePack finds a conversation the seller may write in.
func activePack(t *testing.T, c *api.Client) string {
	t.Helper()
	me, err := c.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.SearchOrders(context.Background(), api.OrderSearchOptions{Seller: string(me.ID), Sort: "date_desc", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Results {
		conv, err := c.PackMessages(context.Background(), string(p.ID), api.PageOptions{Limit: 1})
		if err == nil && conv.ConversationStatus != nil && strings.EqualFold(string(conv.ConversationStatus.Status), "active") {
			return string(p.ID)
		}
	}
	t.Fatal("no active conversation in the demo data")
	return ""
}

func TestNewPairSavedBeforeUse(t *testing.T) {
	e := newEnv(t)
	src, st, clk := loggedIn(t, e)
	clk.Add(7 * time.Hour)
	st.mu.Lock()
	st.fail = errors.New("disk full")
	st.mu.Unlock()
	tok, err := src.AccessToken(context.Background())
	if err == nil || tok != "" || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("with a failing save AccessToken = %q, %v; want no token and the error", tok, err)
	}
	st.mu.Lock()
	st.fail = nil
	st.mu.Unlock()
	tok, err = src.AccessToken(context.Background())
	if err != nil || tok == "" {
		t.Fatal(err)
	}
	if n := e.tokenCalls("refresh_token"); n != 1 {
		t.Fatalf("%d refreshes: the pair kept in memory should be saved, not refreshed again", n)
	}
	if st.current().Access.Reveal() != tok {
		t.Fatal("the token handed out is not the saved one")
	}
}

func TestTokenErrorsAndPrintingNeverShowSecrets(t *testing.T) {
	e := newEnv(t)
	tok := e.login(t)
	e.sb.Fail(sandbox.RouteOAuthToken, sandbox.FailServerError, 1)
	src, _ := oauth.NewSource(e.app, &memStore{tok: tok}, oauth.WithClock(func() time.Time { return time.Now().Add(7 * time.Hour) }))
	_, err := src.AccessToken(context.Background())
	if err == nil || errors.Is(err, api.ErrLoginRequired) {
		t.Fatalf("a 500 from /oauth/token = %v; want a temporary error, not a logout", err)
	}
	if !strings.Contains(api.Explain(err), "try again") {
		t.Errorf("Explain(500) = %q", api.Explain(err))
	}
	assertNoSecret(t, err.Error(), tok)

	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("session", "token", tok, "access", tok.Access)
	js, _ := json.Marshal(tok)
	printed := fmt.Sprintf("%v %+v %#v %s %q %x %v", tok, tok, tok, tok.Access, tok.Refresh, tok.Refresh, *tok) + logs.String() + string(js)
	assertNoSecret(t, printed, tok)
	if !strings.Contains(printed, "[redacted]") {
		t.Error("redaction marker missing")
	}
	// The secret store's encoding round-trips.
	b, err := oauth.EncodeToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	back, err := oauth.DecodeToken(b)
	if err != nil || back.Access != tok.Access || back.Refresh != tok.Refresh || !back.Expiry.Equal(tok.Expiry) || back.Lifetime != tok.Lifetime {
		t.Fatalf("DecodeToken(EncodeToken) = %v", err)
	}
	if _, err := oauth.DecodeToken([]byte(`{"access_token":"` + tok.Access.Reveal())); err == nil || strings.Contains(err.Error(), tok.Access.Reveal()) {
		t.Errorf("corrupt token error = %v", err)
	}
}

func assertNoSecret(t *testing.T, s string, tok *oauth.Token) {
	t.Helper()
	for _, secret := range []string{tok.Access.Reveal(), tok.Refresh.Reveal(), sandbox.DemoClientSecret} {
		if secret != "" && strings.Contains(s, secret) {
			t.Fatalf("a secret leaked into: %s", s)
		}
	}
}

func TestNoSessionMeansLogin(t *testing.T) {
	e := newEnv(t)
	src, _ := oauth.NewSource(e.app, &memStore{})
	_, err := src.AccessToken(context.Background())
	if !errors.Is(err, api.ErrNoToken) || !strings.Contains(api.Explain(err), "postsale login") {
		t.Fatalf("no session = %v / %q", err, api.Explain(err))
	}
	var _ http.Handler = e.sb
}

// Two postsale processes (the inbox and a CLI command) on one account, both finding the token
// expired at once: the store's cross-process lock lets one spend the single-use refresh token and
// the other adopt the pair it saved — one refresh, no "log in again".
func TestProcessesSharingAnAccountRefreshOnce(t *testing.T) {
	e := newEnv(t, sandbox.WithTokenExpiry(time.Hour))
	dir := t.TempDir()
	seed := secrets.TokenStore{Vault: secrets.New(dir, secrets.WithKeyring(nil)), Account: "shop"}
	if err := seed.Save(context.Background(), e.login(t)); err != nil {
		t.Fatal(err)
	}
	clk := &clock{now: time.Now().Add(time.Hour)} // past expiry for every process
	const processes = 6
	var wg sync.WaitGroup
	got := make([]string, processes)
	errs := make([]error, processes)
	start := make(chan struct{})
	for i := range processes {
		// Each "process" has its own Vault and Source: nothing shared but the files.
		st := secrets.TokenStore{Vault: secrets.New(dir, secrets.WithKeyring(nil)), Account: "shop"}
		src, err := oauth.NewSource(e.app, st, oauth.WithClock(clk.Now))
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			<-start
			got[i], errs[i] = src.AccessToken(context.Background())
		})
	}
	close(start)
	wg.Wait()
	for i := range processes {
		if errs[i] != nil {
			t.Fatalf("process %d: %v (%s)", i, errs[i], api.Explain(errs[i]))
		}
	}
	if n := e.tokenCalls("refresh_token"); n != 1 {
		t.Fatalf("%d refreshes reached /oauth/token, want exactly 1", n)
	}
	for i := range processes {
		if got[i] != got[0] {
			t.Fatalf("process %d got another token than process 0", i)
		}
	}
}
