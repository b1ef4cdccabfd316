package conversation

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// Buyer-translated: the buyer's messages in translation, the seller's own as written; the
// choice is the session's, so the next conversation opens in it.
func TestBuyerTranslatedModeAndItIsKeptForTheNextConversation(t *testing.T) {
	e := newEnv(t)
	m := New(e.Common, packLinks, "")
	tm := teatest.NewTestModel(t, &uitest.Root{Child: m}, teatest.WithInitialTermSize(200, 40))
	uitest.WaitFor(t, tm, "Buyer · Ana Lucía Pérez")
	for range 3 { // original → translated → both → buyer-translated
		tm.Send(uitest.Key("t"))
	}
	uitest.WaitFor(t, tm, "Hi, I bought two headphones")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if m.Status() != "translation: buyer-translated" {
		t.Fatalf("Status() = %q", m.Status())
	}
	v := m.View()
	for _, want := range []string{"Hi, I bought two headphones", "Hi Ana! Both ship today"} {
		if !strings.Contains(v, want) {
			t.Errorf("buyer-translated lacks %q:\n%s", want, v)
		}
	}
	for _, gone := range []string{"Hola, compré dos audífonos", "¡Hola Ana! Ambos salen hoy"} {
		if strings.Contains(v, gone) {
			t.Errorf("buyer-translated shows %q:\n%s", gone, v)
		}
	}
	if e.Common.Translation != common.TranslationBuyer {
		t.Fatalf("session mode = %v, want buyer-translated", e.Common.Translation)
	}
	next := openPack(t, e, packLinks, 200, 40)
	if next.Mode() != common.TranslationBuyer || !strings.Contains(next.View(), "Hi, I bought two headphones") {
		t.Errorf("the next conversation opened in %v:\n%s", next.Mode(), next.View())
	}
}

// A reply moderation stopped is drawn apart: its label says so and its text is faint (the
// buyer never got it), besides the receipt's words in the warning colour.
func TestStoppedReplyIsDrawnApart(t *testing.T) {
	e, _ := receiptsEnv(t)
	m := openPack(t, e, packReceipts, 100, 40)
	var stopped, held *entry
	for _, en := range m.entries {
		switch en.msg.Text {
		case "Sure, here it is: https://bit.ly/nw-charger-manual":
			stopped = en
		case "If it helps, call us at 55 1234 5678 any weekday.":
			held = en
		}
	}
	if stopped == nil || held == nil {
		t.Fatal("demo messages missing")
	}
	st := strings.Join(renderEntry(stopped, 100, ModeOriginal, e.Common, m.links), "\n")
	if !strings.Contains(st, "· ✗ not delivered") || !strings.Contains(st, "not delivered to the buyer: shortened link") {
		t.Errorf("stopped reply:\n%s", st)
	}
	if hd := strings.Join(renderEntry(held, 100, ModeOriginal, e.Common, m.links), "\n"); !strings.Contains(hd, "· … held for moderation") {
		t.Errorf("held reply:\n%s", hd)
	}
}

// A search result found by its translation opens showing it: a mode that shows that message as
// written becomes "both" for this view; one that shows its translation stays, and so does the
// session's mode, which the next conversation opens in.
func TestOpenAtAMatchInTheTranslationShowsIt(t *testing.T) {
	const buyer, seller = "Hola, compré dos audífonos. ¿Cuándo los envían?", "Hi Ana! Both ship today. You can follow them here: <a href=\"https://www.mercadolibre.com.mx/envios/43210987651\">tracking</a>"
	for _, tc := range []struct {
		mode          common.TranslationMode
		text          string
		inTranslation bool
		want          common.TranslationMode
	}{
		{common.TranslationOriginal, buyer, true, common.TranslationBoth},
		{common.TranslationOriginal, buyer, false, common.TranslationOriginal},
		{common.TranslationTranslated, buyer, true, common.TranslationTranslated},
		{common.TranslationBoth, seller, true, common.TranslationBoth},
		{common.TranslationBuyer, buyer, true, common.TranslationBuyer},
		{common.TranslationBuyer, seller, true, common.TranslationBoth},
	} {
		e := newEnv(t)
		e.Common.Translation = tc.mode
		m := openPack(t, e, packLinks, 200, 40)
		id := ""
		for _, en := range m.entries {
			if en.msg.Text == tc.text {
				id = en.msg.ID
			}
		}
		if id == "" {
			t.Fatalf("no message %q", tc.text)
		}
		if cmd := m.OpenAt(id, tc.inTranslation); cmd != nil {
			t.Fatalf("%v: OpenAt of a loaded message asks for more", tc.mode)
		}
		if m.Mode() != tc.want || e.Common.Translation != tc.mode {
			t.Errorf("%v, %.20q in translation %v: view in %v, session in %v; want %v and %v", tc.mode, tc.text, tc.inTranslation, m.Mode(), e.Common.Translation, tc.want, tc.mode)
		}
		if want := "translation: " + tc.want.String(); !strings.HasPrefix(m.Status(), want) {
			t.Errorf("%v: the footer says %q, want %q", tc.mode, m.Status(), want)
		}
		if next := openPack(t, e, packLinks, 200, 40); next.Mode() != tc.mode {
			t.Errorf("%v: the next conversation opens in %v", tc.mode, next.Mode())
		}
	}
}
