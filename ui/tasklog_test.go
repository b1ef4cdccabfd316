package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/config/logging"
	"github.com/postsale/postsale/ui/uitest"
)

func TestFailedTaskAndSendAreLoggedWithoutTokenOrText(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	var log uitest.Buffer
	e.Common.Logger = logging.New(&log, false)
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	a.settleOn("All 17] · 7 new")
	// The list fetches headers on the same route: let it go quiet so the one scripted 500 hits
	// the conversation's load, not a header.
	quiet(t, e.Sandbox)
	e.Sandbox.Fail(sandbox.RoutePackMessages, sandbox.FailServerError, 1)
	a.openPack(packReadOld)
	a.settle("the failed load logged", func(string) bool { return strings.Contains(log.String(), "task failed") })
	const text = "Call me at 555 0199"
	a.keys("r")
	a.settleOn("· pack " + packReadOld)
	a.keys(text)
	a.settleOn(text)
	a.keys("ctrl+s")
	a.settle("sent", func(v string) bool { return strings.Contains(v, "Message sent.") })
	got := log.String()
	for _, want := range []string{
		`msg="task failed" task="Loading conversation ` + packReadOld,
		"owner=conversation:" + packReadOld, "kind=api status=500 method=GET path=/marketplace/messages/packs/" + packReadOld,
		"code=internal_server_error",
		"msg=send pack=" + packReadOld + " ok=true attachments=0",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, e.Sandbox.Token()) || strings.Contains(got, "555 0199") {
		t.Fatalf("the log holds the token or the message text:\n%s", got)
	}
}

// quiet waits until the sandbox has seen no request for a while (the program is idle).
func quiet(t *testing.T, sb *sandbox.Server) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	n := len(sb.Requests())
	for stable := time.Now(); time.Since(stable) < 300*time.Millisecond; {
		if time.Now().After(deadline) {
			t.Fatal("the program never went quiet")
		}
		time.Sleep(20 * time.Millisecond)
		if m := len(sb.Requests()); m != n {
			n, stable = m, time.Now()
		}
	}
}
