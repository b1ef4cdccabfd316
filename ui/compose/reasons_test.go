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
	// The cap is used: the list says so and a second try is refused before any request.
	if !strings.Contains(m.View(), "none left") {
		t.Errorf("used reason not shown as used:\n%s", m.View())
	}
	m.editing = true
	m.text.SetValue("De novo")
	before = len(e.Sandbox.Requests())
	if d = doneOf(uitest.Press(m, "ctrl+s")); d != nil || len(e.Sandbox.Requests()) != before || !strings.Contains(m.View(), "maximum number of times") {
		t.Errorf("cap used, sent anyway: %+v\n%s", d, m.View())
	}
	// With a stale count, Mercado Libre's 403 is said in a sentence too.
	m.caps[api.OptionOther] = 1
	d = doneOf(uitest.Press(m, "ctrl+s"))
	if d == nil || d.Err == nil || !strings.Contains(m.View(), "maximum number of times") {
		t.Errorf("cap used: %+v\n%s", d, m.View())
	}
}

func moveTo(t *testing.T, m *Reasons, id string) {
	t.Helper()
	for i := 0; m.options()[m.cursor].ID != id; i++ {
		if i > len(m.options()) {
			t.Fatalf("no reason %s", id)
		}
		uitest.Press(m, "down")
	}
}

func lastOptionBody(t *testing.T, e *uitest.Env) string {
	t.Helper()
	body := ""
	for _, r := range e.Sandbox.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/option") {
			body = string(r.Body)
		}
	}
	return body
}

func TestReasonsTemplateChosenAmongSeveral(t *testing.T) {
	m, e := newReasons(t)
	moveTo(t, m, api.OptionRequestVariants)
	if !strings.Contains(m.View(), "2 templates") {
		t.Errorf("several templates not said:\n%s", m.View())
	}
	if d := doneOf(uitest.Press(m, "enter")); d != nil || m.stage != stageTemplates {
		t.Fatalf("enter did not open the templates: %+v\n%s", d, m.View())
	}
	uitest.Press(m, "down")
	view := m.View()
	if !strings.Contains(view, "▸ "+"Olá! Qual cor") && !strings.Contains(view, "Qual cor você prefere") {
		t.Errorf("second template not shown:\n%s", view)
	}
	d := doneOf(uitest.Press(m, "enter"))
	if d == nil || d.Err != nil || !strings.Contains(d.Request.Text, "Qual cor") {
		t.Fatalf("send: %+v\n%s", d, m.View())
	}
	if b := lastOptionBody(t, e); !strings.Contains(b, `"template_id":"TEMPLATE___REQUEST_VARIANTS___2"`) {
		t.Errorf("body %s", b)
	}
	if m.stage != stageReasons || !strings.Contains(m.View(), "none left") {
		t.Errorf("after sending:\n%s", m.View())
	}
}

func TestReasonsNumberVarIsCheckedThenSent(t *testing.T) {
	m, e := newReasons(t)
	moveTo(t, m, api.OptionDeliveryPromise)
	uitest.Press(m, "enter")
	if m.stage != stageVars || !m.Typing() || !strings.Contains(m.View(), "DAYS") {
		t.Fatalf("no field for DAYS:\n%s", m.View())
	}
	before := len(e.Sandbox.Requests())
	uitest.Press(m, "enter")
	if !strings.Contains(m.View(), "fill DAYS first") || len(e.Sandbox.Requests()) != before {
		t.Errorf("empty var sent or not explained:\n%s", m.View())
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("abc")})
	uitest.Press(m, "enter")
	if !strings.Contains(m.View(), "DAYS must be a whole number") || len(e.Sandbox.Requests()) != before {
		t.Errorf("abc sent or not explained:\n%s", m.View())
	}
	m.vars[0].SetValue("")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("12")})
	d := doneOf(uitest.Press(m, "enter"))
	if d == nil || d.Err != nil || d.Request.Text != "Olá! Seu pedido chega em 12 dias." {
		t.Fatalf("send: %+v\n%s", d, m.View())
	}
	if b := lastOptionBody(t, e); !strings.Contains(b, `"vars":[{"id":"DAYS","value":12}]`) {
		t.Errorf("body %s", b)
	}
}

func TestReasonsZeroCapIsShownButRefused(t *testing.T) {
	m, e := newReasons(t)
	moveTo(t, m, api.OptionSendInvoiceLink)
	if !strings.Contains(m.View(), "Send the link to the invoice · none left") || !strings.Contains(m.View(), "1 left") {
		t.Errorf("caps not shown:\n%s", m.View())
	}
	before := len(e.Sandbox.Requests())
	if d := doneOf(uitest.Press(m, "enter")); d != nil || len(e.Sandbox.Requests()) != before {
		t.Fatalf("zero-cap reason sent: %+v", d)
	}
	if !strings.Contains(m.View(), "Cannot choose this reason: you have already used this reason the maximum number of times") {
		t.Errorf("refusal not said:\n%s", m.View())
	}
	if uitest.RouteCount(e.Sandbox, sandbox.RouteActionGuideCaps) != 1 {
		t.Errorf("caps_available not loaded with the guide")
	}
}
