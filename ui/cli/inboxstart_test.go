//go:build linux

package cli

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api/sandbox"
)

// A start of the inbox with nothing changed since the last one costs at most three requests
// (users/me, the unread counts, the newest orders), through the whole CLI: settings, the store,
// the flavour, the header and the sync all share them.
func TestInboxStartWithNothingChangedCostsThreeRequests(t *testing.T) {
	h := newHarness(t)
	h.env["XDG_DATA_HOME"] = t.TempDir()
	// start runs the inbox until done holds for the requests it made, then types q.
	start := func(what string, done func(reqs []sandbox.RecordedRequest, screen string) bool) []sandbox.RecordedRequest {
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
	start("the first start's whole history", func(_ []sandbox.RecordedRequest, screen string) bool {
		return strings.Contains(screen, "whole history")
	})
	reqs := start("the second start's sync", func(reqs []sandbox.RecordedRequest, _ string) bool {
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
