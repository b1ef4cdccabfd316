package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/uitest"
)

// The composer says who the reply is for (name, language, site) and shows the buyer's last
// messages and the sale above the text box; at 40×12 it keeps the essentials.
func TestComposerWithContextGoldens(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {40, 12}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			a := newApp(t, Options{})
			a.openPack(packTopUnread)
			a.keys("r")
			a.settleOn("· pack " + packTopUnread)
			a.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			view := a.settle("compose at "+t.Name(), func(v string) bool {
				return strings.Contains(v, "Reply to") && len(strings.Split(v, "\n")) == size[1]
			})
			switch size[0] {
			case 80:
				for _, want := range []string{"Reply to Beatriz Souza · Portuguese · MLB", "Vocês emitem nota fiscal?",
					"Orders 4533445566, 4533445567, 4533445568 · shipment 43453344556", "Translation into Portuguese",
					"Left empty, Mercado Libre translates your message into Portuguese"} {
					if !strings.Contains(view, want) {
						t.Errorf("80×24 composer lacks %q:\n%s", want, view)
					}
				}
			case 40:
				for _, want := range []string{"Reply to Beatriz Souza", "Message", "│"} {
					if !strings.Contains(view, want) {
						t.Errorf("40×12 composer lacks %q:\n%s", want, view)
					}
				}
			}
			golden.RequireEqual(t, []byte(view))
		})
	}
}

// esc from compose says the draft is kept, the list marks the row, ctrl+x asks and then
// discards, and the mark goes.
func TestDraftsAreVisibleAndDiscardedAfterAsking(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.openPack(packReadOld)
	a.keys("r")
	a.settleOn("· pack " + packReadOld)
	a.keys("Vou verificar")
	a.settleOn("│ Vou verificar")
	a.keys("esc")
	a.settleOn("Draft kept", "Pack "+packReadOld)
	a.keys("esc")
	view := a.settleOn("Conversations", "✎ draft")
	if strings.Count(view, "✎ draft") != 1 {
		t.Errorf("one row has a draft, the list marks %d:\n%s", strings.Count(view, "✎ draft"), view)
	}
	a.keys("enter", "r")
	a.settleOn("│ Vou verificar")
	a.keys("ctrl+x")
	a.settleOn("Discard this draft? ctrl+x again discards it")
	a.keys("a") // any other key keeps it, and is not typed
	view = a.settleOn("Draft kept.", "│ Vou verificar")
	if strings.Contains(view, "│ Vou verificara") {
		t.Errorf("the answer to the question was typed:\n%s", view)
	}
	a.keys("ctrl+x", "ctrl+x")
	a.settleOn("Draft discarded.", "0/350")
	a.keys("esc", "esc")
	view = a.settleOn("Conversations")
	if strings.Contains(view, "✎ draft") {
		t.Errorf("a discarded draft is still marked:\n%s", view)
	}
}

// The sale's line is in the conversation and O opens the sale's page through the opener (here
// none is configured, so the link is shown to copy).
func TestOrderContextAndOpenSale(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	view := a.openPack(packTopUnread)
	if !strings.Contains(view, "Orders 4533445566, 4533445567, 4533445568 · shipment 43453344556") {
		t.Errorf("conversation lacks the sale's line:\n%s", view)
	}
	a.keys("O")
	// Three orders: the pack's page.
	view = a.settleOn("https://www.mercadolivre.com.br/vendas/" + packTopUnread + "/") // the status bar wraps it
	if !strings.Contains(view, "detalhe") {
		t.Errorf("the sale's URL is cut:\n%s", view)
	}
}

// Before sending, the composer warns about what Mercado Libre moderates, and still sends.
func TestModerationWarningDoesNotBlock(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.openPack(packReadOld)
	a.keys("r")
	a.settleOn("· pack " + packReadOld)
	a.keys("Veja bit.ly/nf-123 ou fale no WhatsApp")
	a.settleOn("Mercado Libre may hold this reply: shortened link bit.ly/nf-123, social network WhatsApp.", "still send it.")
	a.keys("ctrl+s")
	a.settleOn("Message sent.")
	if got := a.sends(packReadOld); len(got) != 1 {
		t.Fatalf("%d sends, want 1", len(got))
	}
}

// Domestic: no translation field; on a thread an agent handles, one message at a time.
func TestDomesticComposerHidesTranslationAndWaitsForTheAgent(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow), uitest.WithSandbox(sandbox.Domestic()), uitest.WithClient(api.WithFlavor(api.FlavorAuto)))
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	const pack = "2000009100000001" // handled by Mercado Livre's assistant
	a.settleOn("LOJA_AURORA", "RAFAEL.SOUZA")
	a.keys("/", pack, "enter", "enter")
	a.settleOn("Pack " + pack)
	a.keys("r")
	view := a.settleOn("Reply to RAFAEL.SOUZA · MLB")
	if strings.Contains(view, "Translation") || strings.Contains(view, "Portuguese") {
		t.Errorf("the domestic composer offers a translation:\n%s", view)
	}
	a.keys("Obrigado!", "ctrl+s")
	a.settleOn("Message sent.")
	a.keys("r", "Mais uma coisa", "ctrl+s")
	a.settleOn("one message at a time")
	posts := 0
	for _, r := range a.sb.Requests() {
		if r.Method == "POST" && strings.Contains(r.Path, "/packs/"+pack) {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d messages posted to the agent, want 1", posts)
	}
}
