package compose

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// A draft read back from disk says from when, until the seller types.
func TestRestoredDraftSaysFromWhen(t *testing.T) {
	e := newEnv(t)
	store := withDrafts(t, e)
	store.SetClock(func() time.Time { return clock.Add(-26 * time.Hour) })
	if err := store.Save(drafts.Draft{PackID: packOpen, Text: "Hola Ana, ya"}); err != nil {
		t.Fatal(err)
	}
	m := New(e.Common, packOpen, "MLM")
	m.saver.SetSleep(instant)
	staticCursor(m)
	tm := teatest.NewTestModel(t, newHarness(m), teatest.WithInitialTermSize(100, 30))
	tm.Send(focusMsg{})
	uitest.WaitFor(t, tm, "Draft restored from Nov 26 10:00; ctrl+x discards it.")
	tm.Send(uitest.Key("!"))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if v := m.View(); strings.Contains(v, "Draft restored") || !strings.Contains(v, "Hola Ana, ya!") {
		t.Errorf("after typing, the note stays or the text is lost:\n%s", v)
	}
	// The edit's save runs in a command that may outlive the program: wait for it to land, so
	// the test's folder is not removed under it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if d, err := store.Load(packOpen); err == nil && d.Text == "Hola Ana, ya!" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the edited draft was never saved")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Context: the title names the buyer, language and site; the buyer's messages and the sale are
// above the box; the ids of the sale are not taken for phone numbers.
func TestContextAboveTheTextBox(t *testing.T) {
	e := newEnv(t)
	m := newCompose(t, e, packOpen)
	m.SetReplyContext(common.ReplyContext{
		Buyer: "Ana Lucía Pérez", Site: "MLM",
		Recent: []common.RecentMessage{{Text: "¿Cuándo los envían?", At: clock.Add(-time.Hour)}},
		Order:  common.PackInfo{PackID: packOpen, Orders: []string{"4512345671"}, Shipping: "43210987651"},
	})
	typeText(m, "Tu envío 43210987651 sale hoy")
	v := m.View()
	for _, want := range []string{"Reply to Ana Lucía Pérez · Spanish · MLM · pack " + packOpen, "Buyer 11:00 › ¿Cuándo los envían?",
		"Order 4512345671 · shipment 43210987651", "Translation into Spanish"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "may hold this reply") {
		t.Errorf("the shipment id was taken for a phone number:\n%s", v)
	}
	if got := m.saleURL(); got != "https://www.mercadolibre.com.mx/ventas/4512345671/detalle" {
		t.Errorf("sale URL %q", got)
	}
}

// The domestic flavour has no translation: compose learns the flavour from its data and hides
// the field; tab stays in the message.
func TestDomesticHidesTheTranslationField(t *testing.T) {
	e := uitest.New(t, uitest.WithSandbox(sandbox.Domestic()), uitest.WithClient(api.WithFlavor(api.FlavorAuto)), uitest.AsSeller("MLB", "LOJA_AURORA"))
	m := New(e.Common, "2000009100000002", "MLB")
	staticCursor(m)
	m.SetSize(100, 30)
	uitest.Run(m, m.Init())
	m.Focus()
	if !m.domestic {
		t.Fatal("compose did not learn the domestic flavour")
	}
	typeText(m, "Oi")
	uitest.Press(m, "tab")
	typeText(m, "!")
	v := m.View()
	if strings.Contains(v, "Translation") || m.Draft().Text != "Oi!" || m.Draft().TextTranslated != "" {
		t.Errorf("domestic compose: draft %+v\n%s", m.Draft(), v)
	}
}
