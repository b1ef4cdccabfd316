package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// `postsale` with no token and no logged-in account shows the first run (what a seller needs,
// login, the demo) instead of an inbox whose only line is an error; no request is made.
func TestNoAccountShowsTheFirstRun(t *testing.T) {
	h := newHarness(t)
	delete(h.env, "MELI_ACCESS_TOKEN")
	h.env["MELI_REDIRECT_URI"] = "https://example.com/postsale/cb"
	var out, errb bytes.Buffer
	code := Run(context.Background(), nil, IO{In: strings.NewReader("q"), Out: &out, Err: &errb, Env: h.lookup})
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	for _, want := range []string{"No Mercado Libre account", "https://example.com/postsale/cb", "postsale login", "postsale --demo"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("first run lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "R retries") {
		t.Errorf("first run offers a retry that cannot help:\n%s", out.String())
	}
	if n := len(h.sb.Requests()); n != 0 {
		t.Fatalf("%d requests made without a token", n)
	}
}

// `postsale --help` tells a newcomer about login and the demo.
func TestHelpMentionsLogin(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("--help")
	for _, want := range []string{"`postsale login`", "`postsale --demo`"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %s:\n%s", want, out)
		}
	}
}
