package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/postsale/postsale/api/oauth"
	"github.com/postsale/postsale/api/sandbox"
)

// loginHarness is a harness without MELI_ACCESS_TOKEN and with the sandbox's demo app.
func loginHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	delete(h.env, "MELI_ACCESS_TOKEN")
	h.env["MELI_CLIENT_ID"] = sandbox.DemoClientID
	h.env["MELI_CLIENT_SECRET"] = sandbox.DemoClientSecret
	h.env["MELI_REDIRECT_URI"] = sandbox.DemoRedirectPaste
	h.env[EnvKeyring] = "off"
	h.env["SSH_TTY"] = "/dev/pts/9" // print the address, never start a browser
	return h
}

// syncBuffer is a stderr that the test reads while the command still runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	hit chan string // receives the authorization URL once printed
	re  *regexp.Regexp
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if b.hit != nil {
		if m := b.re.FindString(b.buf.String()); m != "" {
			b.hit <- m
			b.hit = nil
		}
	}
	return len(p), nil
}

func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

// login runs `postsale login args...`, authorizes at the sandbox like a browser and pastes
// what paste makes of the redirect address.
func (h *harness) login(paste func(location string) string, args ...string) (stdout, stderr string, code int) {
	h.t.Helper()
	pr, pw := io.Pipe()
	errb := &syncBuffer{hit: make(chan string, 1), re: regexp.MustCompile(`http://\S+/authorization\?\S+`)}
	hit := errb.hit // Write nils the field under its lock: keep our own copy of the channel
	var out bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Run(context.Background(), append([]string{"login"}, args...), IO{In: pr, Out: &out, Err: errb, Env: h.lookup})
	}()
	var authURL string
	select {
	case authURL = <-hit:
	case code := <-done:
		pw.Close()
		return out.String(), errb.String(), code
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(authURL)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := io.WriteString(pw, paste(resp.Header.Get("Location"))+"\n"); err != nil {
		h.t.Fatal(err)
	}
	code = <-done
	pw.Close()
	return out.String(), errb.String(), code
}

func (h *harness) savedToken(account string) *oauth.Token {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join(h.env["XDG_CONFIG_HOME"], "postsale", "secrets", account+".token"))
	if err != nil {
		h.t.Fatal(err)
	}
	tok, err := oauth.DecodeToken(b)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

func (h *harness) tokenGrants(grant string) int {
	n := 0
	for _, r := range h.sb.Requests() {
		if r.Route == sandbox.RouteOAuthToken {
			if f, _ := url.ParseQuery(string(r.Body)); f.Get("grant_type") == grant {
				n++
			}
		}
	}
	return n
}

func TestLoginThenUseRefreshAndLogout(t *testing.T) {
	h := loginHarness(t)
	out, errs, code := h.login(func(loc string) string { return loc }, "--account", "shop")
	if code != ExitOK {
		t.Fatalf("login: exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	if !strings.Contains(errs, "this is an SSH session") || !strings.Contains(errs, "code_challenge_method=S256") {
		t.Errorf("the authorization address was not printed for SSH:\n%s", errs)
	}
	if !strings.Contains(out, `Logged in as `) || !strings.Contains(out, "user id "+h.sb.SellerID()) || !strings.Contains(out, `account "shop"`) {
		t.Errorf("login output:\n%s", out)
	}
	tok := h.savedToken("shop")
	path := filepath.Join(h.env["XDG_CONFIG_HOME"], "postsale", "secrets", "shop.token")
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("token file %s: %v %v", path, info, err)
	}
	noSecrets := func(s string, toks ...*oauth.Token) {
		t.Helper()
		for _, tk := range toks {
			for _, sec := range []string{tk.Access.Reveal(), tk.Refresh.Reveal(), sandbox.DemoClientSecret} {
				if strings.Contains(s, sec) {
					t.Fatalf("a secret was printed: %s", s)
				}
			}
		}
	}
	noSecrets(out+errs, tok)

	accounts := h.mustRun("accounts")
	if !strings.HasPrefix(accounts, "* shop ") || !strings.Contains(accounts, h.sb.SellerID()) {
		t.Errorf("accounts:\n%s", accounts)
	}

	// Every command now runs on the saved session, without MELI_ACCESS_TOKEN.
	unread := h.mustRun("unread", "--json")
	noSecrets(unread, tok)
	var saw bool
	for _, r := range h.sb.Requests() {
		if r.Path == "/marketplace/messages/unread" && r.Header.Get("Authorization") == "Bearer "+tok.Access.Reveal() {
			saw = true
		}
	}
	if !saw {
		t.Fatal("unread did not use the account's access token")
	}

	// The API rejects the access token: one refresh, the new pair saved, the command succeeds.
	h.sb.RevokeToken(tok.Access.Reveal())
	h.mustRun("unread")
	if n := h.tokenGrants("refresh_token"); n != 1 {
		t.Fatalf("%d refreshes, want 1", n)
	}
	rotated := h.savedToken("shop")
	if rotated.Refresh == tok.Refresh || rotated.Access == tok.Access {
		t.Fatal("the refreshed pair was not saved")
	}

	// A crash lost that save: the spent refresh token is refused and the seller told to log in.
	old, _ := oauth.EncodeToken(tok)
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code = h.run("unread")
	if code == ExitOK || oneLine(t, errs) != "postsale: Your Mercado Libre session has ended: log in again with `postsale login`." {
		t.Fatalf("spent refresh token: exit %d, %q", code, errs)
	}
	noSecrets(errs, tok, rotated)

	out = h.mustRun("logout")
	if !strings.Contains(out, `Logged out of "shop"`) {
		t.Errorf("logout: %s", out)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("token file survived logout: %v", err)
	}
	if got := h.mustRun("accounts"); !strings.Contains(got, "No accounts") {
		t.Errorf("accounts after logout: %s", got)
	}
	_, errs, _ = h.run("unread")
	if !strings.Contains(oneLine(t, errs), "postsale login") {
		t.Errorf("unread after logout: %q", errs)
	}
}

func TestLoginRejectsAnotherState(t *testing.T) {
	h := loginHarness(t)
	_, errs, code := h.login(func(loc string) string {
		u, _ := url.Parse(loc)
		q := u.Query()
		q.Set("state", "forged")
		u.RawQuery = q.Encode()
		return u.String()
	})
	if code == ExitOK {
		t.Fatal("login accepted an address with another state")
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "postsale: ") || !strings.Contains(last, "state does not match") || !strings.Contains(last, "postsale login") {
		t.Errorf("last stderr line = %q", last)
	}
	if _, err := os.Stat(filepath.Join(h.env["XDG_CONFIG_HOME"], "postsale", "accounts.json")); !os.IsNotExist(err) {
		t.Error("a failed login saved an account")
	}
}

func TestLoginBareCodeAndTwoAccounts(t *testing.T) {
	h := loginHarness(t)
	bare := func(loc string) string { u, _ := url.Parse(loc); return u.Query().Get("code") }
	if _, errs, code := h.login(bare, "--account", "mx"); code != ExitOK {
		t.Fatalf("bare code login: %s", errs)
	}
	if _, errs, code := h.login(bare, "--account", "br", "--default"); code != ExitOK {
		t.Fatalf("second login: %s", errs)
	}
	out := h.mustRun("accounts")
	if !strings.Contains(out, "* br ") || !strings.Contains(out, "  mx ") {
		t.Errorf("accounts:\n%s", out)
	}
	// --account picks the session: mx's token is the one sent.
	mx := h.savedToken("mx")
	h.mustRun("unread", "--account", "mx")
	reqs := h.sb.Requests()
	if got := reqs[len(reqs)-1].Header.Get("Authorization"); got != "Bearer "+mx.Access.Reveal() {
		t.Error("--account mx did not use mx's session")
	}
	_, errs, _ := h.run("unread", "--account", "nobody")
	if line := oneLine(t, errs); !strings.Contains(line, `no account "nobody"`) || !strings.Contains(line, "br, mx") {
		t.Errorf("unknown account: %q", line)
	}
}

func TestLoginNeedsTheApp(t *testing.T) {
	h := loginHarness(t)
	delete(h.env, "MELI_CLIENT_SECRET")
	_, errs, code := h.run("login")
	if code == ExitOK || !strings.Contains(oneLine(t, errs), "client secret is missing") {
		t.Fatalf("login without a secret: %d %q", code, errs)
	}
}
