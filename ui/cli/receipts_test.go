package cli

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
)

const packReceipts = "2000004688776655" // assets/demo/receipts.json

// receiptsHarness runs postsale against a sandbox with the receipts pack and buyers who read,
// its clock fixed in the past so every receipt time prints with its date.
func receiptsHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	at := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	h.sb = sandbox.New(sandbox.WithClock(func() time.Time { return at }), sandbox.WithReceiptsPack(),
		sandbox.WithBuyerReads(sandbox.DefaultBuyerReads()))
	h.ts = httptest.NewServer(h.sb)
	t.Cleanup(h.ts.Close)
	h.env["MELI_API_URL"], h.env["MELI_ACCESS_TOKEN"] = h.ts.URL, h.sb.Token()
	return h
}

// messageHead is the "── You · ..." line of the printed message whose text has text.
func messageHead(t *testing.T, out, text string) string {
	t.Helper()
	blocks := strings.Split(out, "\n── ")
	for _, b := range blocks {
		if strings.Contains(b, text) {
			return strings.SplitN(b, "\n", 2)[0]
		}
	}
	t.Fatalf("no message %q in:\n%s", text, out)
	return ""
}

func TestMessagesSayWhereTheSellersRepliesStand(t *testing.T) {
	h := receiptsHarness(t)
	out := h.mustRun("messages", packReceipts, "--limit", "20")
	conv, err := h.client().PackMessages(t.Context(), packReceipts, api.PageOptions{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	dates := map[string]api.MessageDate{}
	for _, m := range conv.Messages {
		dates[m.Text] = m.MessageDate
	}
	local := func(t api.Time) string { return t.In(time.Local).Format("Jan 2") } // an older day: dated
	cases := map[string]string{
		"The manual is also on the product page, under Documents.": " · read " + local(dates["The manual is also on the product page, under Documents."].Read),
		"Your order ships tomorrow morning.":                       " · delivered " + local(dates["Your order ships tomorrow morning."].Notified),
		"Tracking number: 43210988800.":                            " · sent",
		"If it helps, call us at 55 1234 5678 any weekday.":        " · in moderation",
		"Sure, here it is: https://bit.ly/nw-charger-manual":       " · not delivered to the buyer: shortened link",
	}
	for text, want := range cases {
		head := messageHead(t, out, text)
		if !strings.HasPrefix(head, "You · ") || !strings.Contains(head, want) {
			t.Errorf("%q: head %q lacks %q", text, head, want)
		}
	}
	if head := messageHead(t, out, "¿Me pueden mandar el manual de uso?"); strings.Contains(head, "sent") || strings.Contains(head, "read ") {
		t.Errorf("a buyer's message got a receipt: %q", head)
	}

	// --json stays the API's data: no words added, message_date as the API sent it.
	var got api.Conversation
	raw := h.mustRun("messages", packReceipts, "--limit", "20", "--json")
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw, "delivered") || strings.Contains(raw, "not delivered") {
		t.Errorf("--json carries receipt words:\n%s", raw)
	}
	for _, m := range got.Messages {
		if d := dates[m.Text]; !d.Read.Equal(m.MessageDate.Read.Time) || !d.Notified.Equal(m.MessageDate.Notified.Time) {
			t.Errorf("%q: --json dates %+v, the API's %+v", m.Text, m.MessageDate, d)
		}
	}
}
