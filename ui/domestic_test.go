package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/uitest"
)

// The domestic inbox: a conversation blocked until the seller picks a contact reason opens the
// reasons instead of the composer, and the chosen reason goes to the action guide's option.
func TestContactReasonFromTheInbox(t *testing.T) {
	e := uitest.New(t, uitest.At(testNow), uitest.WithSandbox(sandbox.Domestic()), uitest.WithClient(api.WithFlavor(api.FlavorAuto)))
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	const pack = "2000009100000003"
	a.settleOn("LOJA_AURORA", "CARLOS.LIMA")
	a.keys("/", pack, "enter", "enter")
	a.settleOn("Pack "+pack, "Press r to choose one")
	a.keys("r")
	view := a.settleOn("Write first to the buyer", "Request the buyer's billing information")
	if !strings.Contains(view, "1 left") {
		t.Errorf("reasons lack their caps:\n%s", view)
	}
	a.keys("down", "enter")
	a.settleOn("Message sent.")
	n := 0
	for _, r := range a.sb.Requests() {
		if r.Method == "POST" && r.Path == "/messages/action_guide/packs/"+pack+"/option" && r.RawQuery == "tag=post_sale" {
			n++
			if !strings.Contains(string(r.Body), `"option_id":"REQUEST_BILLING_INFO"`) {
				t.Errorf("option body %s", r.Body)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d option posts, want 1", n)
	}
}
