package compose

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

const reasonPack = "2000009100000003" // domestic demo: blocked until the seller picks a reason

func newReasons(t *testing.T) (*Reasons, *uitest.Env) {
	t.Helper()
	e := uitest.New(t, uitest.WithSandbox(sandbox.Domestic()), uitest.WithClient(api.WithFlavor(api.FlavorAuto)), uitest.AsSeller("MLB", "LOJA_AURORA"))
	m := NewReasons(e.Common, reasonPack)
	m.SetSize(100, 30)
	uitest.Run(m, m.Init())
	if len(m.options()) == 0 {
		t.Fatalf("no reasons loaded: %q", m.err)
	}
	return m, e
}

func doneOf(msgs []tea.Msg) *common.SendDoneMsg {
	for _, msg := range msgs {
		if d, ok := msg.(common.SendDoneMsg); ok {
			return &d
		}
	}
	return nil
}

func TestReasonsFreeTextIsCheckedThenSent(t *testing.T) {
	m, e := newReasons(t)
	for m.options()[m.cursor].ID != api.OptionOther {
		uitest.Press(m, "down")
	}
	uitest.Press(m, "enter")
	if !m.Typing() {
		t.Fatal("OTHER did not open the text field")
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("a", 351))})
	before := len(e.Sandbox.Requests())
	uitest.Press(m, "ctrl+s")
	if !strings.Contains(m.View(), "allows 350 characters; remove 1") || len(e.Sandbox.Requests()) != before {
		t.Fatalf("over-long text sent or not explained:\n%s", m.View())
	}
	m.text.SetValue("Seu pedido sai amanhã.")
	d := doneOf(uitest.Press(m, "ctrl+s"))
	if d == nil || d.Err != nil || d.Request.Text != "Seu pedido sai amanhã." {
		t.Fatalf("send: %+v\n%s", d, m.View())
	}
	// The cap is used: the second try is refused by Mercado Libre, in a sentence.
	m.editing = true
	m.text.SetValue("De novo")
	d = doneOf(uitest.Press(m, "ctrl+s"))
	if d == nil || d.Err == nil || !strings.Contains(m.View(), "maximum number of times") {
		t.Errorf("cap used: %+v\n%s", d, m.View())
	}
}
