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

// The inbox the CLI builds reads through the local store (store.Data): the composer still learns
// the domestic flavour through it, so it has no translation field, no translation hint and no
// tab to one, and a reply goes out without a translation.
func TestDomesticComposerOverTheStoreHasNoTranslation(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow), uitest.WithSandbox(sandbox.Domestic()), uitest.WithClient(api.WithFlavor(api.FlavorAuto)))
	st := openStore(t, "")
	a := startApp(t, e, probed{storedSession(t, e, st, e.Client, SessionOptions{})}, 5*time.Second)
	const pack = "2000009100000002" // Juliana Martins, an ordinary thread
	a.settleOn("LOJA_AURORA", "Juliana Martins")
	a.keys("/", pack, "enter", "r")
	view := a.settleOn("Reply to Juliana Martins · MLB")
	for _, not := range []string{"Translation", "translates your message", "message/translation", "Portuguese"} {
		if strings.Contains(view, not) {
			t.Errorf("the domestic composer shows %q:\n%s", not, view)
		}
	}
	// tab has no translation to go to: what is typed after it is still the message.
	a.keys("Oi Juliana,", "tab", " vem sim.", "ctrl+s")
	a.settleOn("Message sent.")
	var sent []string
	for _, r := range a.sb.Requests() {
		if r.Method == "POST" && strings.Contains(r.Path, "/packs/"+pack) {
			sent = append(sent, string(r.Body))
		}
	}
	if len(sent) != 1 || !strings.Contains(sent[0], `"text":"Oi Juliana, vem sim."`) || strings.Contains(sent[0], "text_translated") {
		t.Fatalf("posted %q, want one message with the whole text and no translation", sent)
	}
}

// A sale without messages (blocked until the seller picks a contact reason) is found by search,
// by its buyer and its item, and enter opens its conversation like any other result.
func TestSearchFindsAndOpensAConversationWithoutMessages(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow), uitest.WithSandbox(sandbox.Domestic()), uitest.WithClient(api.WithFlavor(api.FlavorAuto)))
	st := openStore(t, "")
	a := startApp(t, e, probed{storedSession(t, e, st, e.Client, SessionOptions{})}, 5*time.Second)
	const pack = "2000009100000003"
	a.settleOn("LOJA_AURORA", "CARLOS.LIMA")
	a.keys("ctrl+f")
	a.settleOn("search:")
	a.keys("caixa de som aurora")
	a.settleOn("CARLOS.LIMA", "pack "+pack+" · no messages yet")
	a.keys("enter")
	a.settleOn("Pack "+pack, "Press r to choose one")
}
