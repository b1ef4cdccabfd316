package common

import (
	"testing"
	"time"

	"github.com/postsale/postsale/api"
)

func TestReceiptWords(t *testing.T) {
	mexico, err := time.LoadLocation("America/Mexico_City")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	now := time.Date(2026, 11, 27, 20, 0, 0, 0, time.UTC) // 14:00 in Mexico City
	at := func(s string) api.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return api.Time{Time: tm}
	}
	cases := []struct {
		name    string
		msg     api.Message
		sending bool
		want    string
		mark    string
	}{
		{"sending", api.Message{}, true, "sending…", ""},
		{"sent", api.Message{Status: "available", Moderation: api.Moderation{Status: "clean"}}, false, "sent", ""},
		{"translation", api.Message{Status: "pending_translation"}, false, "sent, waiting for translation", ""},
		{"moderation status", api.Message{Status: "in_moderation"}, false, "in moderation", "…"},
		{"moderation pending", api.Message{Status: "available", Moderation: api.Moderation{Status: "pending"}}, false, "in moderation", "…"},
		{"delivered today", api.Message{MessageDate: api.MessageDate{Notified: at("2026-11-27T20:02:00Z")}}, false, "delivered 14:02", "✓"},
		{"read today", api.Message{MessageDate: api.MessageDate{Notified: at("2026-11-27T20:02:00Z"), Read: at("2026-11-27T20:31:00Z")}}, false, "read 14:31", "✓✓"},
		{"read on another day", api.Message{MessageDate: api.MessageDate{Read: at("2026-11-24T17:05:00Z")}}, false, "read Nov 24 11:05", "✓✓"},
		{"read last year", api.Message{MessageDate: api.MessageDate{Read: at("2025-03-01T17:05:00Z")}}, false, "read Mar 1 2025 11:05", "✓✓"},
		// 01:30 UTC on the 28th is still the 27th in Mexico City: local days, not UTC days.
		{"local day", api.Message{MessageDate: api.MessageDate{Read: at("2026-11-28T01:30:00Z")}}, false, "read 19:30", "✓✓"},
		{"rejected", api.Message{Status: "rejected", Moderation: api.Moderation{Status: "rejected", Reason: "link_short_url"}, MessageDate: api.MessageDate{Read: at("2026-11-27T20:31:00Z")}}, false, "not delivered to the buyer: shortened link", "✗"},
		{"blocked without reason", api.Message{Status: "available", Moderation: api.Moderation{Status: "blocked"}}, false, "not delivered to the buyer", "✗"},
		{"unknown reason", api.Message{Status: "moderated", Moderation: api.Moderation{Status: "rejected", Reason: "SOME_NEW\x1b[2J_RULE"}}, false, "not delivered to the buyer: some new rule", "✗"},
	}
	for _, c := range cases {
		r := ReceiptOf(&c.msg, c.sending)
		if got := r.Words(now.Add(0), mexico); got != c.want {
			t.Errorf("%s: Words = %q, want %q", c.name, got, c.want)
		}
		if got := r.Mark(false); got != c.mark {
			t.Errorf("%s: Mark = %q, want %q", c.name, got, c.mark)
		}
		for _, b := range []byte(r.Mark(true)) {
			if b >= 0x80 {
				t.Errorf("%s: ASCII mark %q is not ASCII", c.name, r.Mark(true))
			}
		}
	}
}

func TestReceiptFinalAndLegend(t *testing.T) {
	if (Receipt{State: ReceiptDelivered}).Final() || !(Receipt{State: ReceiptRead}).Final() {
		t.Error("delivered must stay open to a poll, read must not")
	}
	seen := map[string]bool{}
	for _, l := range ReceiptLegend(false) {
		if l[0] == "" || l[1] == "" || seen[l[0]] {
			t.Errorf("legend entry %q is empty or repeated", l)
		}
		seen[l[0]] = true
	}
}
