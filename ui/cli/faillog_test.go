package cli

import (
	"strings"
	"testing"

	"github.com/postsale/postsale/api/oauth"
	"github.com/postsale/postsale/api/sandbox"
)

func TestCommandFailureAndSendAreLoggedWithoutTokenOrText(t *testing.T) {
	h := newHarness(t)
	const text = "Mi número secreto 4455"
	h.sb.Fail(sandbox.RouteSend, sandbox.FailRateLimit, 1)
	if _, _, code := h.run("send", packActive, "--text", text); code != ExitError {
		t.Fatalf("exit %d, want a failed send", code)
	}
	if _, _, code := h.run("--debug", "send", packActive, "--text", text); code != ExitOK {
		t.Fatalf("exit %d, want a send", code)
	}
	log := h.logFile()
	for _, want := range []string{
		`msg="command failed" command="postsale send" kind=rate_limited status=429`,
		"code=too_many_requests",
		"msg=send pack=" + packActive + " ok=false confirmed_by_reading=false attachments=0 kind=rate_limited status=429",
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

func TestLoginRefreshAndLogoutAreLoggedWithoutTokens(t *testing.T) {
	h := loginHarness(t)
	if out, errs, code := h.login(func(loc string) string { return loc }, "--account", "shop"); code != ExitOK {
		t.Fatalf("login: exit %d\n%s\n%s", code, out, errs)
	}
	tok := h.savedToken("shop")
	h.sb.RevokeToken(tok.Access.Reveal()) // the next command refreshes after a 401
	h.mustRun("unread")
	rotated := h.savedToken("shop")
	h.mustRun("logout")
	log := h.logFile()
	for _, want := range []string{
		"msg=\"logged in\" account=shop user_id=" + h.sb.SellerID(),
		"msg=\"session refreshed\" account=shop user_id=" + h.sb.SellerID() + " reason=rejected expiry=",
		"msg=\"logged out\" account=shop",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	for _, tk := range []*oauth.Token{tok, rotated} {
		for _, secret := range []string{tk.Access.Reveal(), tk.Refresh.Reveal(), sandbox.DemoClientSecret} {
			if strings.Contains(log, secret) {
				t.Fatalf("a secret reached the log:\n%s", log)
			}
		}
	}
}
