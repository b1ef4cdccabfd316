package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/assets"
	tpl "github.com/postsale/postsale/config/templates"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// `T` on a row opens that pack's compose with the template picker; enter puts the expanded
// demo template in the draft and ctrl+s sends it.
func TestReplyFromTemplateInTheList(t *testing.T) {
	e := uitest.New(t, uitest.At(testNow))
	e.Common.Templates = []tpl.Layer{{Source: "demo", FS: assets.Templates()}}
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	a.settleOn("All 17] · 7 new")
	a.keys("/", packReadOld, "enter", "T")
	a.settleOn("Template:", "> delay", "Hi Carlos, we are sorry: order 4600112233")
	a.keys("thanks", "enter")
	// The picker's preview shows the same texts: the field labels say the picker has closed and
	// the text is in the draft (ctrl+s sent to the still-open picker would be lost).
	a.settleOn("(optional, tab)", "Thank you for your purchase, Carlos!", "¡Gracias por tu compra, Carlos!")
	a.keys("ctrl+s")
	a.settleOn("Message sent.")
	sends := a.sends(packReadOld)
	if len(sends) != 1 || sends[0].Text != "Thank you for your purchase, Carlos! If anything is not right, write to us here and we will sort it out. Enjoy it! Northwind Gadgets" {
		t.Fatalf("sent %+v", sends)
	}
}

// `T` on a blocked row refuses as `r` does, with the same sentence, before anything opens:
// whether the list alone knows the conversation is blocked or it was opened before.
func TestTemplateReplyRefusedOnABlockedRow(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	e.Common.Templates = []tpl.Layer{{Source: "demo", FS: assets.Templates()}}
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	const pack = "2000004544556677" // Roberto Díaz: blocked_by_cancelled_order
	want := "You cannot reply here: " + common.BlockedReason("blocked_by_cancelled_order")
	refused := func(after string) {
		t.Helper()
		view := a.settle(after+" on the blocked row", func(v string) bool {
			return strings.Contains(v, want) && !strings.Contains(v, "› Reply") && !strings.Contains(v, "Template:")
		})
		if strings.Contains(view, "Pack "+pack) {
			t.Fatalf("%s opened the conversation:\n%s", after, view)
		}
	}
	a.settleOn("All 17]")
	a.keys("/", pack, "enter")
	a.settleOn("Roberto Díaz", "⊘ blocked")
	a.keys("r")
	refused("r")
	a.keys("T")
	refused("T") // the conversation was never loaded: the list's row says it is blocked
	a.keys("enter")
	a.settleOn("Pack "+pack, "Blocked: "+common.BlockedReason("blocked_by_cancelled_order"))
	a.keys("esc")
	a.settleOn("Roberto Díaz", "⊘ blocked")
	a.keys("T")
	refused("T after opening it")
	if n := len(a.sends(pack)); n != 0 {
		t.Fatalf("%d sends to a blocked conversation", n)
	}
}
