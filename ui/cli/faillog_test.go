package cli

import (
	"strings"
	"testing"

	"github.com/postsale/postsale/api/sandbox"
)

func TestCommandFailureAndSendAreLoggedWithoutTokenOrText(t *testing.T) {
	h := newHarness(t)
	const text = "Mi número secreto 4455"
	h.sb.Fail(sandbox.RouteSend, sandbox.FailServerError, 1)
	if _, _, code := h.run("send", packActive, "--text", text); code != ExitError {
		t.Fatalf("exit %d, want a failed send", code)
	}
	if _, _, code := h.run("--debug", "send", packActive, "--text", text); code != ExitOK {
		t.Fatalf("exit %d, want a send", code)
	}
	log := h.logFile()
	for _, want := range []string{
		`msg="command failed" command="postsale send" kind=api status=500`,
		"code=internal_server_error",
		"msg=send pack=" + packActive + " ok=false confirmed_by_reading=false attachments=0 kind=api status=500",
		"msg=send pack=" + packActive + " ok=true confirmed_by_reading=false attachments=0",
		"msg=request method=POST path=/marketplace/messages/packs/" + packActive,
		"status=201",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, h.sb.Token()) || strings.Contains(log, "4455") {
		t.Fatalf("the log holds the token or the message text:\n%s", log)
	}
}
