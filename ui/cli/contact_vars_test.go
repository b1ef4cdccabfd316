package cli

import (
	"net/http"
	"strings"
	"testing"
)

func TestContactTemplateVars(t *testing.T) {
	h := newDomesticHarness(t)
	out := h.mustRun("contact", domReason)
	if !strings.Contains(out, "--var DAYS=… a whole number") || !strings.Contains(out, "TEMPLATE___REQUEST_VARIANTS___2") {
		t.Errorf("contact list lacks templates/vars:\n%s", out)
	}
	for _, args := range [][]string{nil, {"--var", "DAYS=abc"}, {"--var", "NOPE=1", "--var", "DAYS=1"}} {
		_, stderr, code := h.run(append([]string{"contact", domReason, "--reason", "DELIVERY_PROMISE"}, args...)...)
		if code == ExitOK || stderr == "" {
			t.Errorf("%v accepted: %q", args, stderr)
		}
	}
	h.mustRun("contact", domReason, "--reason", "DELIVERY_PROMISE", "--var", "DAYS=12")
	if r := h.lastRequest(http.MethodPost); !strings.Contains(string(r.Body), `"vars":[{"id":"DAYS","value":12}]`) {
		t.Errorf("option body %s", r.Body)
	}
}
