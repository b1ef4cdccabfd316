package ui

import (
	"testing"
	"time"

	"github.com/postsale/postsale/assets"
	tpl "github.com/postsale/postsale/config/templates"
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
