package sandbox_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postsale/postsale/api/sandbox"
)

type oauthClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *oauthClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func authorizeURL(base string, q url.Values) string { return base + "/authorization?" + q.Encode() }

func noFollow() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestAuthorizationChecksTheApp(t *testing.T) {
	srv := httptest.NewServer(sandbox.New())
	defer srv.Close()
	good := url.Values{"response_type": {"code"}, "client_id": {sandbox.DemoClientID}, "redirect_uri": {sandbox.DemoRedirectLoopback},
		"state": {"s1"}, "code_challenge": {"abc"}, "code_challenge_method": {"S256"}}
	resp, err := noFollow().Get(authorizeURL(srv.URL, good))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Host != "127.0.0.1:53682" || loc.Query().Get("state") != "s1" || !strings.HasPrefix(loc.Query().Get("code"), "TG-") {
		t.Fatalf("authorize: %d %s", resp.StatusCode, loc)
	}
	for name, change := range map[string][2]string{
		"unknown client":         {"client_id", "999"},
		"unregistered redirect":  {"redirect_uri", "https://evil.example/cb"},
		"plain challenge method": {"code_challenge_method", "plain"},
		"implicit flow":          {"response_type", "token"},
	} {
		q := url.Values{}
		for k, v := range good {
			q[k] = v
		}
		q.Set(change[0], change[1])
		resp, err := noFollow().Get(authorizeURL(srv.URL, q))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, resp.StatusCode)
		}
	}
}

func TestTokenEndpointPKCEAndRotation(t *testing.T) {
	clk := &oauthClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	sb := sandbox.New(sandbox.WithClock(clk.Now), sandbox.WithTokenExpiry(2*time.Minute))
	srv := httptest.NewServer(sb)
	defer srv.Close()
	verifier := "a-verifier-of-enough-length-0123456789-abcdefghijklmnop"
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	code := func() string {
		q := url.Values{"response_type": {"code"}, "client_id": {sandbox.DemoClientID}, "redirect_uri": {sandbox.DemoRedirectPaste},
			"state": {"x"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
		resp, err := noFollow().Get(authorizeURL(srv.URL, q))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		return loc.Query().Get("code")
	}
	token := func(form url.Values) (int, map[string]any) {
		form.Set("client_id", sandbox.DemoClientID)
		if form.Get("client_secret") == "" {
			form.Set("client_secret", sandbox.DemoClientSecret)
		}
		resp, err := http.PostForm(srv.URL+"/oauth/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	exchange := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {sandbox.DemoRedirectPaste}}

	f := url.Values{"code": {code()}, "code_verifier": {"wrong-verifier-wrong-verifier-wrong-verifier"}}
	for k, v := range exchange {
		f[k] = v
	}
	if status, body := token(f); status != 400 || body["error"] != "invalid_grant" {
		t.Fatalf("wrong verifier: %d %v", status, body)
	}
	f = url.Values{"code": {code()}, "code_verifier": {verifier}, "client_secret": {"not-the-secret"}}
	for k, v := range exchange {
		f[k] = v
	}
	if status, body := token(f); status != 401 || body["error"] != "invalid_client" {
		t.Fatalf("wrong client secret: %d %v", status, body)
	}
	f = url.Values{"code": {code()}, "code_verifier": {verifier}}
	for k, v := range exchange {
		f[k] = v
	}
	status, body := token(f)
	if status != 200 || body["token_type"] != "bearer" || body["expires_in"] != float64(120) || body["scope"] != "offline_access read write" {
		t.Fatalf("exchange: %d %v", status, body)
	}
	if uid, ok := body["user_id"].(float64); !ok || jsonNumber(uid) != sb.SellerID() {
		t.Errorf("user_id = %#v, want the seller id %s as a number", body["user_id"], sb.SellerID())
	}
	access, refresh := body["access_token"].(string), body["refresh_token"].(string)

	me := func(tok string) int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/users/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := me(access); got != 200 {
		t.Fatalf("issued token refused: %d", got)
	}
	clk.mu.Lock()
	clk.now = clk.now.Add(2 * time.Minute)
	clk.mu.Unlock()
	if got := me(access); got != 401 {
		t.Fatalf("expired issued token: %d, want 401", got)
	}

	status, body = token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	if status != 200 || body["refresh_token"] == refresh || me(body["access_token"].(string)) != 200 {
		t.Fatalf("refresh: %d %v", status, body["error"])
	}
	status, body = token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	if status != 400 || body["error"] != "invalid_grant" || body["status"] != float64(400) {
		t.Fatalf("reused refresh token: %d %v", status, body)
	}
}

func jsonNumber(f float64) string { b, _ := json.Marshal(f); return string(b) }
