package oauth_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/oauth"
	"github.com/postsale/postsale/api/sandbox"
)

// lockedBuffer is a log destination safe for the Source's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// A plain handler, not the redacting one: the Source itself must never hand a token to the log.
func plainLogger(w *lockedBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})).With("account", "loja")
}

func TestRefreshIsLoggedWithoutTheToken(t *testing.T) {
	e := newEnv(t, sandbox.WithTokenExpiry(time.Hour))
	first := e.login(t)
	st := &memStore{tok: first}
	clk := &clock{now: time.Now().Add(time.Hour)} // past expiry
	var buf lockedBuffer
	src, err := oauth.NewSource(e.app, st, oauth.WithClock(clk.Now), oauth.WithLogger(plainLogger(&buf)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.AccessToken(context.Background()); err != nil {
		t.Fatal(err)
	}
	now := st.current()
	log := buf.String()
	if n := strings.Count(log, "msg=\"session refreshed\""); n != 1 {
		t.Fatalf("%d refresh lines, want 1:\n%s", n, log)
	}
	for _, want := range []string{"account=loja", "reason=expiring", "user_id=" + now.UserID, "expiry=" + now.Expiry.Format(time.RFC3339)[:16]} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	assertNoSecret(t, log, first)
	assertNoSecret(t, log, now)
}

func TestRefusedRefreshIsLoggedWithoutTheToken(t *testing.T) {
	e := newEnv(t)
	tok := e.login(t)
	spent := &memStore{tok: tok}
	clk := &clock{now: time.Now().Add(7 * time.Hour)}
	// Another holder rotates the pair first, so the Source's refresh token is dead.
	other, _ := oauth.NewSource(e.app, &memStore{tok: tok}, oauth.WithClock(clk.Now))
	if _, err := other.AccessToken(context.Background()); err != nil {
		t.Fatal(err)
	}
	var buf lockedBuffer
	src, _ := oauth.NewSource(e.app, spent, oauth.WithClock(clk.Now), oauth.WithLogger(plainLogger(&buf)))
	if _, err := src.AccessToken(context.Background()); !errors.Is(err, api.ErrLoginRequired) {
		t.Fatalf("AccessToken = %v, want ErrLoginRequired", err)
	}
	log := buf.String()
	if !strings.Contains(log, "session refresh refused") || !strings.Contains(log, "account=loja") {
		t.Fatalf("no refusal line:\n%s", log)
	}
	assertNoSecret(t, log, tok)
}
