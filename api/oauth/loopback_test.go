package oauth_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/postsale/postsale/api/oauth"
)

func freeLoopbackRedirect(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/callback"
}

func stateOf(t *testing.T, l *oauth.Login) string {
	t.Helper()
	u, err := url.Parse(l.URL())
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("state")
}

func TestLoopbackAddr(t *testing.T) {
	for in, want := range map[string]bool{
		"http://127.0.0.1:8085/cb": true, "http://localhost:9000/": true, "http://[::1]:7000/x": true,
		"https://127.0.0.1:8085/cb": false, "http://127.0.0.1/cb": false, "http://example.com:80/cb": false,
		"http://10.0.0.1:8080/cb": false,
	} {
		if _, _, ok := oauth.LoopbackAddr(in); ok != want {
			t.Errorf("LoopbackAddr(%q) = %v, want %v", in, ok, want)
		}
	}
}

func TestAwaitCatchesTheRedirect(t *testing.T) {
	e := newEnv(t)
	app := e.app
	app.RedirectURL = freeLoopbackRedirect(t)
	l, err := app.Begin()
	if err != nil {
		t.Fatal(err)
	}
	listening := make(chan struct{})
	type result struct {
		code string
		err  error
	}
	done := make(chan result, 1)
	pr, pw := io.Pipe() // the seller pastes nothing
	defer pw.Close()
	go func() {
		code, err := l.Await(context.Background(), pr, func(msg string) {
			if strings.HasPrefix(msg, "Waiting") {
				close(listening)
			}
		})
		done <- result{code, err}
	}()
	<-listening
	resp, err := http.Get(app.RedirectURL + "?code=TG-evil&state=not-ours")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("redirect with a wrong state answered %d, want 400", resp.StatusCode)
	}
	// An error redirect without this login's state (any web page can send one) is ignored too.
	resp, err = http.Get(app.RedirectURL + "?error=access_denied&error_description=forged")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("error redirect without a state answered %d, want 400", resp.StatusCode)
	}
	resp, err = http.Get(app.RedirectURL + "?code=TG-good&state=" + url.QueryEscape(stateOf(t, l)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("good redirect answered %d", resp.StatusCode)
	}
	r := <-done
	if r.err != nil || r.code != "TG-good" {
		t.Fatalf("Await = %q, %v; want the code from the redirect, the wrong-state one ignored", r.code, r.err)
	}
	// One shot: the listener is gone.
	if _, err := http.Get(app.RedirectURL + "?code=x"); err == nil {
		t.Error("the loopback listener still answers after the login")
	}
}

func TestAwaitTakesThePaste(t *testing.T) {
	e := newEnv(t)
	app := e.app
	app.RedirectURL = freeLoopbackRedirect(t)
	l, _ := app.Begin()
	paste := strings.NewReader("\n\n" + app.RedirectURL + "?code=TG-pasted&state=" + url.QueryEscape(stateOf(t, l)) + "\n")
	code, err := l.Await(context.Background(), paste, nil)
	if err != nil || code != "TG-pasted" {
		t.Fatalf("Await = %q, %v", code, err)
	}

	// Without a loopback redirect, end of input is an error that says what to do.
	l2, _ := e.app.Begin()
	_, err = l2.Await(context.Background(), strings.NewReader(""), nil)
	var le *oauth.LoginError
	if !errors.As(err, &le) || !strings.Contains(le.Reason, "paste") {
		t.Fatalf("empty paste = %v", err)
	}
	// A pasted address with another state is refused.
	_, err = l2.Await(context.Background(), strings.NewReader("https://postsale.example/callback?code=TG-1&state=zzz\n"), nil)
	if !errors.Is(err, oauth.ErrStateMismatch) {
		t.Fatalf("wrong-state paste = %v", err)
	}
}
