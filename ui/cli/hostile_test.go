package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// redirectingSends answers every send with a redirect to the conversation (what Go would
// re-issue as a GET and read as the answer) and serves everything else from the sandbox.
// Only GETs after the send count: send reads the conversation's status before it posts.
func redirectingSends(h *harness, status int, gets *atomic.Int32) {
	var posted atomic.Bool
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/marketplace/messages/packs/") {
			posted.Store(true)
			http.Redirect(w, r, r.URL.Path, status)
			return
		}
		if posted.Load() && r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/marketplace/messages/packs/") {
			gets.Add(1)
		}
		h.sb.ServeHTTP(w, r)
	}))
	h.t.Cleanup(ts.Close)
	h.env["MELI_API_URL"] = ts.URL
}

func TestSendAnsweredByARedirectIsNotSent(t *testing.T) {
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect} {
		h := newHarness(t)
		var gets atomic.Int32
		redirectingSends(h, status, &gets)
		out, errs, code := h.run("send", packActive, "--text", "Your package ships today")
		if code == ExitOK || strings.Contains(out, "Sent message") {
			t.Fatalf("%d: exit %d, out %q: a redirected send was reported as sent", status, code, out)
		}
		line := oneLine(t, errs)
		if !strings.Contains(line, "redirect") {
			t.Errorf("%d: %q does not say why", status, line)
		}
		if gets.Load() != 0 {
			t.Errorf("%d: the redirect was followed (%d GETs)", status, gets.Load())
		}
	}
}
