package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// repeatingServer answers every page of a conversation with the same two messages and total.
func repeatingServer(t *testing.T, h *harness, paging string) *atomic.Int32 {
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/messages/") { // not /users/me, which the flavour is read from
			n.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"paging":%s,"messages":[
			{"id":"a","text":"one","from":{"user_id":"1"},"message_date":{"created":"2026-11-27T10:00:00Z"}},
			{"id":"b","text":"two","from":{"user_id":"2"},"message_date":{"created":"2026-11-27T09:00:00Z"}}]}`, paging)
	}))
	t.Cleanup(ts.Close)
	h.env["MELI_API_URL"] = ts.URL
	return &n
}

func TestMessagesAllStopsWhenAPageBringsNothingNew(t *testing.T) {
	h := newHarness(t)
	n := repeatingServer(t, h, `{"limit":50,"offset":0,"total":90000}`)
	out := h.mustRun("messages", packActive, "--all", "--json")
	if got := n.Load(); got != 2 {
		t.Fatalf("%d requests for a server repeating one page, want 2 (the second brings nothing new)", got)
	}
	if strings.Count(out, `"id"`) != 2 {
		t.Fatalf("output:\n%s", out)
	}
	// An absurd total is refused at once.
	n = repeatingServer(t, h, `{"limit":50,"offset":0,"total":1000000000000000000}`)
	_, errs, code := h.run("messages", packActive, "--all")
	if code == ExitOK || n.Load() != 1 || !strings.Contains(oneLine(t, errs), "more than postsale pages through") {
		t.Fatalf("exit %d after %d requests, stderr %q", code, n.Load(), errs)
	}
}

func TestPagingTextForAbsurdPaging(t *testing.T) {
	h := newHarness(t)
	repeatingServer(t, h, `{"limit":50,"offset":-3,"total":1000000000000000000}`)
	out := h.mustRun("messages", packActive)
	if strings.Contains(out, "-2–") || strings.Contains(out, "1000000000000000000") || !strings.Contains(out, "2 message(s), newest first") {
		t.Fatalf("output:\n%s", out)
	}
}
