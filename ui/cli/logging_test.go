package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api/sandbox"
)

func (h *harness) logFile() string {
	data, _ := os.ReadFile(filepath.Join(h.env["XDG_STATE_HOME"], "postsale", "postsale.log"))
	return string(data)
}

func TestLogsGoToTheStateDirNeverTheTerminalNorTheToken(t *testing.T) {
	h := newHarness(t)
	h.sb.Fail(sandbox.RoutePackMessages, sandbox.FailServerError, 1)
	out, errs, code := h.run("--debug", "messages", packActive)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for name, s := range map[string]string{"stdout": out, "stderr": errs} {
		if strings.Contains(s, "level=") || strings.Contains(s, "retrying") {
			t.Fatalf("a log line reached %s: %q", name, s)
		}
	}
	log := h.logFile()
	for _, want := range []string{"API client ready", "level=DEBUG", "retrying request", "status=500", "path=/marketplace/messages/packs/" + packActive} {
		if !strings.Contains(log, want) {
			t.Fatalf("log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, h.sb.Token()) {
		t.Fatalf("the log holds the access token:\n%s", log)
	}
	info, err := os.Stat(filepath.Join(h.env["XDG_STATE_HOME"], "postsale", "postsale.log"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("log file mode: %v %v", info, err)
	}
}

func TestWithoutDebugOnlyInfoIsLogged(t *testing.T) {
	h := newHarness(t)
	h.sb.Fail(sandbox.RoutePackMessages, sandbox.FailServerError, 1)
	if _, errs, code := h.run("messages", packActive); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	log := h.logFile()
	if !strings.Contains(log, "API client ready") || strings.Contains(log, "level=DEBUG") {
		t.Fatalf("log without --debug:\n%s", log)
	}
}

func TestOneTransportPerProcessAndDraftsInTheStateDir(t *testing.T) {
	h := newHarness(t)
	a := &app{io: IO{Out: io.Discard, Err: io.Discard, Env: h.lookup}}
	t.Cleanup(a.close)
	if first, second := a.httpClient(), a.httpClient(); first != second {
		t.Fatal("each caller got its own HTTP client: the rate limit would not be shared")
	}
	if err := a.setup(context.Background()); err != nil {
		t.Fatal(err)
	}
	cmd := &cobra.Command{}
	cmd.SetContext(context.Background())
	c, err := a.inboxSession(cmd)
	if err != nil {
		t.Fatal(err)
	}
	if c.Drafts == nil || c.Drafts.Dir() != filepath.Join(h.env["XDG_STATE_HOME"], "postsale", "drafts") {
		t.Fatalf("drafts store %+v, want the state dir's drafts folder", c.Drafts)
	}
	if c.Logger != a.log() {
		t.Fatal("the inbox does not log through the run's log file")
	}
}

func TestDemoHostileServesTheHostilePacks(t *testing.T) {
	h := newHarness(t)
	out, errs, code := h.run("--demo", "--hostile", "messages", "2000009990000001", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `\u001b]52;`) {
		t.Fatalf("hostile pack not served (or not escaped in JSON): %.300s", out)
	}
}
