package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
)

const demoPack = "2000004512345671" // MLM, buyer Ana Lucía Pérez, orders 4512345671 and 4512345672

func (h *harness) writeTemplate(name, text string) {
	h.t.Helper()
	dir := filepath.Join(h.env["XDG_CONFIG_HOME"], "postsale", "templates")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
		h.t.Fatal(err)
	}
}

func TestTemplatesListsVariables(t *testing.T) {
	h := newHarness(t)
	if out := h.mustRun("templates"); !strings.Contains(out, "No templates yet") {
		t.Errorf("empty folder: %q", out)
	}
	h.writeTemplate("hello.txt", "Hi {{buyer_first_name}} from {{seller_name}}")
	h.writeTemplate("hello.es.txt", "Hola {{buyer_first_name}}")
	out := h.mustRun("templates")
	if !strings.Contains(out, "hello") || !strings.Contains(out, "base,es") || !strings.Contains(out, "{{buyer_first_name}} {{seller_name}}") {
		t.Errorf("listing = %q", out)
	}
	var list []templateJSON
	if err := json.Unmarshal([]byte(h.mustRun("templates", "--json", "--demo")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 6 || list[1].Name != "hello" || list[1].Source != "personal" {
		t.Fatalf("--demo --json list = %+v", list)
	}
	for _, tj := range list {
		if tj.Source == "demo" && len(tj.Languages) != 3 {
			t.Errorf("demo template %s languages %v", tj.Name, tj.Languages)
		}
	}
	// The demo never writes the seller's folder.
	entries, _ := os.ReadDir(filepath.Join(h.env["XDG_CONFIG_HOME"], "postsale", "templates"))
	if len(entries) != 2 {
		t.Errorf("templates folder changed: %v", entries)
	}
}

func TestSendTemplateDryRun(t *testing.T) {
	h := newHarness(t)
	h.writeTemplate("eta.txt", "Hi {{buyer_first_name}}, order {{order_id}} of pack {{pack_id}} ({{site}}) ships today. {{seller_name}}")
	h.writeTemplate("eta.es.txt", "Hola {{buyer_first_name}}, el pedido {{order_id}} sale hoy.")
	h.writeTemplate("item.txt", "Your {{item_title}} is on its way, {{buyer_name}}.")
	before := len(h.conversation(demoPack))
	out := h.mustRun("send", demoPack, "--template", "eta", "--dry-run")
	for _, want := range []string{
		"Hi Ana, order 4512345671, 4512345672 of pack " + demoPack + " (MLM) ships today. Northwind Gadgets",
		"Translation (es):\nHola Ana, el pedido 4512345671, 4512345672 sale hoy.",
		"not sent (--dry-run)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	// A variable without a value: printed as it stands, and the run fails saying which.
	out, errs, code := h.run("send", demoPack, "--template", "item", "--dry-run")
	if code != ExitError || !strings.Contains(out, "Your {{item_title}} is on its way, Ana Lucía Pérez.") || !strings.Contains(oneLine(t, errs), "{{item_title}}") {
		t.Errorf("missing item title: exit %d, out %q, err %q", code, out, errs)
	}
	var res struct {
		Text     string `json:"text"`
		Sendable bool   `json:"sendable"`
		Missing  []struct{ Name, Reason string }
	}
	out, _, _ = h.run("send", demoPack, "--template", "item", "--dry-run", "--json")
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Sendable || len(res.Missing) != 1 || res.Missing[0].Name != "item_title" {
		t.Errorf("--json dry run = %s (%v)", out, err)
	}
	out = h.mustRun("send", demoPack, "--template", "item", "--var", "item_title=headphones", "--dry-run")
	if !strings.Contains(out, "Your headphones is on its way") {
		t.Errorf("--var not used: %q", out)
	}
	if n := len(h.conversation(demoPack)); n != before {
		t.Fatalf("a dry run sent something: %d messages, had %d", n, before)
	}
}

func TestSendTemplateSendsAndRefusesLeftovers(t *testing.T) {
	h := newHarness(t)
	h.writeTemplate("long.txt", "{{buyer_name}} "+strings.Repeat("a", 340))
	h.writeTemplate("ok.txt", "Thanks {{buyer_first_name}}!")
	h.writeTemplate("ok.es.txt", "¡Gracias {{buyer_first_name}}!")
	before := len(h.conversation(demoPack))
	// 340 + "Ana Lucía Pérez " is over 350 once expanded.
	_, errs, code := h.run("send", demoPack, "--template", "long")
	if code != ExitError || !strings.Contains(oneLine(t, errs), "350") {
		t.Errorf("over-long after expansion: exit %d %q", code, errs)
	}
	_, errs, code = h.run("send", demoPack, "--text", "Hi {{buyer_first_name}}")
	if code != ExitError || !strings.Contains(oneLine(t, errs), "{{buyer_first_name}}") {
		t.Errorf("--text with a placeholder: exit %d %q", code, errs)
	}
	_, errs, code = h.run("send", demoPack, "--template", "nope")
	if code != ExitError || !strings.Contains(oneLine(t, errs), "long, ok") {
		t.Errorf("unknown template: exit %d %q", code, errs)
	}
	if _, _, code = h.run("send", demoPack, "--template", "ok", "--var", "=x"); code != ExitUsage {
		t.Errorf("bad --var: exit %d", code)
	}
	if n := len(h.conversation(demoPack)); n != before {
		t.Fatalf("a refused send reached the API: %d messages, had %d", n, before)
	}
	h.mustRun("send", demoPack, "--template", "ok")
	conv := h.conversation(demoPack)
	last := conv[0] // newest first
	if last.Text != "Thanks Ana!" || last.TextTranslated != "¡Gracias Ana!" {
		t.Errorf("sent %q / %q", last.Text, last.TextTranslated)
	}
}

func (h *harness) conversation(pack string) []api.Message {
	h.t.Helper()
	conv, err := h.client().PackMessages(context.Background(), pack, api.PageOptions{Limit: 50})
	if err != nil {
		h.t.Fatal(err)
	}
	return conv.Messages
}

// On the domestic flavour the message is the buyer-language variant and there is no translation.
func TestSendTemplateDryRunDomestic(t *testing.T) {
	h := newDomesticHarness(t)
	h.writeTemplate("eta.txt", "Hi {{buyer_first_name}}, your order ships today.")
	h.writeTemplate("eta.pt.txt", "Oi {{buyer_first_name}}, seu pedido sai hoje.")
	out := h.mustRun("send", domPlain, "--template", "eta", "--dry-run")
	if !strings.Contains(out, "Oi Juliana, seu pedido sai hoje.") || strings.Contains(out, "Hi Juliana") || strings.Contains(out, "Translation") {
		t.Fatalf("domestic dry run should send the Portuguese variant alone:\n%s", out)
	}
}
