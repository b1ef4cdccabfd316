package oauth

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// LoopbackAddr returns the address to listen on when redirect is a loopback URL with a port
// (http://127.0.0.1:8085/callback): postsale can then catch the redirect itself.
func LoopbackAddr(redirect string) (addr, path string, ok bool) {
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme != "http" || u.Port() == "" {
		return "", "", false
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", "", false
	}
	path = u.Path
	if path == "" {
		path = "/"
	}
	return u.Host, path, true
}

// callbackPage is what the browser shows once postsale has the code.
const callbackPage = `<!doctype html><meta charset="utf-8"><title>postsale</title>
<p>%s</p>`

type awaitResult struct {
	code string
	err  error
}

// Await returns the authorization code from whichever arrives first: a line pasted on paste, or
// the browser's redirect caught on the loopback redirect URI. notice reports what it is doing
// (listening, or why it cannot).
func (l *Login) Await(ctx context.Context, paste io.Reader, notice func(string)) (string, error) {
	if notice == nil {
		notice = func(string) {}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan awaitResult, 2)
	listening := false
	if addr, path, ok := LoopbackAddr(l.app.RedirectURL); ok {
		srv, err := l.catchRedirect(addr, path, results)
		if err != nil {
			notice(fmt.Sprintf("Cannot listen on %s (%v); paste the address instead.", addr, err))
		} else {
			listening = true
			notice("Waiting for the browser to come back to " + l.app.RedirectURL + ", or paste the code or address here.")
			defer func() {
				sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
				defer scancel()
				_ = srv.Shutdown(sctx)
			}()
		}
	}
	if paste != nil {
		go l.readPaste(ctx, paste, listening, results)
	} else if !listening {
		return "", &LoginError{Reason: "there is no way to receive the code: paste it, or register a loopback redirect URI"}
	}
	select {
	case r := <-results:
		return r.code, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// readPaste reads lines until one is not blank; at end of input it gives up only when no
// redirect can arrive any more.
func (l *Login) readPaste(ctx context.Context, paste io.Reader, listening bool, results chan<- awaitResult) {
	sc := bufio.NewScanner(paste)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		if ctx.Err() != nil {
			return
		}
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		code, err := l.ParseCallback(line)
		results <- awaitResult{code, err}
		return
	}
	if !listening {
		err := sc.Err()
		if err == nil {
			err = errors.New("input ended")
		}
		results <- awaitResult{err: &LoginError{Reason: "nothing was pasted: run `postsale login` again and paste the code or the whole address", Err: err}}
	}
}

// catchRedirect serves the redirect URI's path on addr until the first redirect with this
// login's state; a redirect with another state is answered 400 and ignored.
func (l *Login) catchRedirect(addr, path string, results chan<- awaitResult) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		code, err := l.codeFrom(r.URL.Query())
		if errors.Is(err, ErrStateMismatch) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, callbackPage, "This address belongs to another login attempt; postsale ignored it.")
			return
		}
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, callbackPage, "postsale was not authorized. Go back to the terminal.")
		} else {
			fmt.Fprintf(w, callbackPage, "postsale is logging you in. You can close this tab and go back to the terminal.")
		}
		once.Do(func() { results <- awaitResult{code, err} })
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return srv, nil
}
