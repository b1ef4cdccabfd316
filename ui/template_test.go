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

// A template naming the sale's orders, in an inbox over the local store as --demo runs: the
// sale's own ids are not phone numbers (the composer knows them, as its context line shows),
// however they got into the text; a real phone number still is.
func TestTemplateWithTheOrderIDsIsNoPhoneNumber(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	e.Common.Templates = []tpl.Layer{{Source: "demo", FS: assets.Templates()}}
	st := openStore(t, "")
	a := startApp(t, e, probed{storedSession(t, e, st, e.Client, SessionOptions{Templates: e.Common.Templates})}, 5*time.Second)
	const pack = "2000004512345671" // Ana Lucía Pérez: orders 4512345671 and 4512345672, shipment 43210987651
	a.settleOn("Ana Lucía Pérez")
	a.keys("/", "ana", "enter", "T")
	a.settleOn("Template:", "> delay", "order 4512345671, 4512345672")
	a.keys("enter")
	view := a.settleOn("Inserted template delay.", "Hola Ana, lo sentimos: el pedido 4512345671, 4512345672", "shipment 43210987651")
	if strings.Contains(view, "may hold this reply") {
		t.Fatalf("the sale's order ids are taken for phone numbers:\n%s", view)
	}
	if !strings.Contains(view, "Orders 4512345671, 4512345672 · shipment 43210987651") {
		t.Errorf("the composer's context lacks the sale's orders:\n%s", view)
	}
	// Typed by hand, glued to another number or next to a real phone number: only the phone is one.
	a.keys(" Pedido 4512345672 - 2 unidades, envio 43210987651. Tel 11 91234-5678")
	view = a.settleOn("Mercado Libre may hold this reply: phone number 11 91234-5678. You can still send it.")
	if strings.Contains(view, "phone number 4512") || strings.Contains(view, "phone number 4321") {
		t.Fatalf("a sale id is flagged:\n%s", view)
	}
}
