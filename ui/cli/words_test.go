package cli

import (
	"strings"
	"testing"
)

// The command line says a message's moderation with the inbox's words (ui/common: StatusWords,
// and for the seller's own messages the receipt words),
// not the API's enumerations.
func TestMessagesSayModerationInTheInboxWords(t *testing.T) {
	h := newHarness(t)
	out, errs, code := h.run("messages", "2000004966554433", "--all")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"not delivered to the buyer: shortened link"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "SOCIAL_NETWORK") || strings.Contains(out, "moderation rejected") {
		t.Errorf("output shows the API's words:\n%s", out)
	}
}
