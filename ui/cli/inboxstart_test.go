//go:build linux

package cli

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/store"
)

// runInboxUntil runs the inbox (postsale without arguments, in this process, on a terminal of
// its own) until done holds for the requests it made and what it drew, then types q and waits
// for it to end. It returns the requests.
func runInboxUntil(t *testing.T, h *harness, what string, done func(reqs []sandbox.RecordedRequest, screen string) bool) []sandbox.RecordedRequest {
	t.Helper()
	before := len(h.sb.Requests())
	pr, pw := io.Pipe()
	defer pw.Close()
	master, slave := openPTY(t) // a terminal's size, so the inbox draws
	out := &screen{seen: make(chan struct{}, 1)}
	go out.read(master)
	ended := make(chan int, 1)
	go func() {
		ended <- Run(context.Background(), nil, IO{In: pr, Out: slave, Err: io.Discard, Env: h.lookup})
	}()
	deadline := time.Now().Add(60 * time.Second)
	for !done(h.sb.Requests()[before:], out.String()) {
		select {
		case code := <-ended:
			t.Fatalf("%s: the inbox ended (exit %d):\n%s", what, code, out.String())
		case <-time.After(10 * time.Millisecond): // polling the condition
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: never happened; the screen:\n%s", what, out.String())
		}
	}
	if _, err := pw.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if code := <-ended; code != ExitOK {
		t.Fatalf("%s: exit %d", what, code)
	}
	return h.sb.Requests()[before:]
}

// A start of the inbox with nothing changed since the last one costs at most three requests
// (users/me, the unread counts, the newest orders), through the whole CLI: settings, the store,
// the flavour, the header and the sync all share them.
func TestInboxStartWithNothingChangedCostsThreeRequests(t *testing.T) {
	h := newHarness(t)
	h.env["XDG_DATA_HOME"] = t.TempDir()
	runInboxUntil(t, h, "the first start's whole history", func(_ []sandbox.RecordedRequest, screen string) bool {
		return strings.Contains(screen, "whole history")
	})
	reqs := runInboxUntil(t, h, "the second start's sync", func(reqs []sandbox.RecordedRequest, _ string) bool {
		for _, r := range reqs {
			if r.Route == sandbox.RouteOrderSearch {
				return true
			}
		}
		return false
	})
	var routes []string
	for _, r := range reqs {
		routes = append(routes, r.Route)
	}
	if len(reqs) > 3 {
		t.Fatalf("a start with nothing changed made %d requests, want at most 3: %v", len(reqs), routes)
	}
}

// The inbox saves its first screen beside the store when it ends (0600), and the next start
// shows it without opening the store first: here the store was changed in between in a way its
// files' sizes and times do not show, and Mercado Libre cannot be reached, so the packs on
// screen can only come from the saved screen. The store opens after that screen is drawn:
//   - damaged, it is set aside, and the inbox then says so;
//   - written by a newer postsale, it cannot be opened: the inbox says so, and the saved screen
//     is removed, so the next start reads Mercado Libre without the store.
func TestInboxStartsOnTheFirstScreenItSaved(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(db []byte) []byte
		notice string
		kept   bool
	}{
		{"damaged", func(db []byte) []byte {
			return bytes.Repeat([]byte("not a database "), len(db)/15+1)[:len(db)]
		}, "set aside as store.db.corrupt-", true},
		{"newer", func(db []byte) []byte {
			binary.BigEndian.PutUint32(db[60:64], uint32(store.SchemaVersion()+1)) // user_version
			return db
		}, "could not be opened", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			data := t.TempDir()
			h.env["XDG_DATA_HOME"] = data
			runInboxUntil(t, h, "the first start's whole history", func(_ []sandbox.RecordedRequest, screen string) bool {
				return strings.Contains(screen, "whole history")
			})
			path := filepath.Join(data, "postsale", "default", "store.db")
			fi, err := os.Stat(store.FirstScreenPath(path))
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("the saved first screen: %v, %v", fi, err)
			}
			first, ok := store.Lazy(context.Background(), path).SavedFirstScreen("", 1)
			if !ok || len(first.Packs) != 1 {
				t.Fatalf("the saved first screen does not stand for the store: %v %+v", ok, first)
			}
			newest := "#" + first.Packs[0].ID

			db, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tc.change(b), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(path, db.ModTime(), db.ModTime()); err != nil {
				t.Fatal(err)
			}
			h.env["MELI_API_URL"] = "http://127.0.0.1:9" // nothing listens there
			runInboxUntil(t, h, "the saved screen, then the store's sentence", func(_ []sandbox.RecordedRequest, screen string) bool {
				return strings.Contains(screen, newest) && strings.Contains(screen, tc.notice)
			})
			if _, err := os.Stat(store.FirstScreenPath(path)); (err == nil) != tc.kept {
				t.Errorf("after the second start, a saved first screen: %v", err)
			}
		})
	}
}

// With a logged-in account (no MELI_ACCESS_TOKEN), the start on the saved first screen sets the
// account's session up under Bubble Tea (setup runs in the inbox's build): the second start
// shows the inbox and syncs through the account's session, not the first-run screen.
func TestInboxOnItsSavedScreenWithALoggedInAccount(t *testing.T) {
	h := loginHarness(t)
	data := t.TempDir()
	h.env["XDG_DATA_HOME"] = data
	bare := func(loc string) string { u, _ := url.Parse(loc); return u.Query().Get("code") }
	if _, errs, code := h.login(bare, "--account", "loja", "--default"); code != ExitOK {
		t.Fatalf("login: %s", errs)
	}
	runInboxUntil(t, h, "the first start's whole history", func(_ []sandbox.RecordedRequest, screen string) bool {
		return strings.Contains(screen, "whole history")
	})
	path := filepath.Join(data, "postsale", "loja", "store.db")
	if !store.Lazy(context.Background(), path).HasSavedFirstScreen("") {
		t.Fatal("the first start saved no first screen for the account")
	}
	runInboxUntil(t, h, "the second start's sync through the account", func(reqs []sandbox.RecordedRequest, screen string) bool {
		synced := false
		for _, r := range reqs {
			synced = synced || r.Route == sandbox.RouteOrderSearch
		}
		return synced && strings.Contains(screen, "whole history") && !strings.Contains(screen, "postsale login")
	})
}
