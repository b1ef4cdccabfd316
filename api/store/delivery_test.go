package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
)

// delivered is a wire message with its delivery changed: status, moderation, notified and read
// ("" leaves a field as wireMessage wrote it, "-" makes it null).
func delivered(t *testing.T, raw json.RawMessage, status, modStatus, modReason, notified, read string) json.RawMessage {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	set := func(obj map[string]any, k, v string) {
		switch v {
		case "":
		case "-":
			obj[k] = nil
		default:
			obj[k] = v
		}
	}
	set(m, "status", status)
	set(m["message_moderation"].(map[string]any), "status", modStatus)
	set(m["message_moderation"].(map[string]any), "reason", modReason)
	set(m["message_date"].(map[string]any), "notified", notified)
	set(m["message_date"].(map[string]any), "read", read)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The pack's row carries where its newest message stands, and its revision moves when the buyer
// reads a reply (the message is the same, only its read date changed): every list reading the
// store then shows the same mark.
func TestPackCarriesTheNewestMessagesDelivery(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if err := s.SetMeta(ctx, MetaSeller, testSeller); err != nil {
		t.Fatal(err)
	}
	notified, read := base.Add(time.Minute), base.Add(5*time.Minute)
	reply := wireMessage("r1", "P1", false, "Ana", "Sale mañana", base)
	sent := delivered(t, reply, "", "", "", "-", "-")
	if err := s.PutPage(ctx, page(t, "P1", wireMessage("b1", "P1", true, "Ana", "¿Cuándo llega?", base.Add(-time.Hour)), sent)); err != nil {
		t.Fatal(err)
	}
	pack := func(since int64) (Pack, int64, bool) {
		t.Helper()
		packs, rev, err := s.PacksSince(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range packs {
			if p.ID == "P1" {
				return p, rev, true
			}
		}
		return Pack{}, rev, false
	}
	p, rev, _ := pack(-1)
	if d := p.LastDelivery(); !p.LastFromSeller || d.Status != api.StatusAvailable || !d.MessageDate.Notified.IsZero() || !d.MessageDate.Read.IsZero() {
		t.Fatalf("a reply just sent: from seller %v, delivery %+v; want available, neither notified nor read", p.LastFromSeller, d)
	}

	steps := []struct {
		name      string
		raw       json.RawMessage
		changes   bool
		check     func(api.Message) bool
		wantWords string
	}{
		{"notified", delivered(t, reply, "", "", "", notified.Format(time.RFC3339), "-"), true,
			func(d api.Message) bool { return d.MessageDate.Notified.Equal(notified) && d.MessageDate.Read.IsZero() }, "notified, not read"},
		{"the same again", delivered(t, reply, "", "", "", notified.Format(time.RFC3339), "-"), false, nil, ""},
		{"read", delivered(t, reply, "", "", "", notified.Format(time.RFC3339), read.Format(time.RFC3339)), true,
			func(d api.Message) bool { return d.MessageDate.Read.Equal(read) }, "read"},
		{"moderated", delivered(t, reply, "REJECTED", "Rejected", "LINK_SHORT_URL", "-", "-"), true,
			func(d api.Message) bool {
				return d.Status == api.StatusRejected && d.Moderation.Status == api.ModerationRejected && d.Moderation.Reason == "link_short_url"
			}, "rejected for a shortened link, as the API's words read (lower case)"},
	}
	for _, st := range steps {
		if err := s.PutPage(ctx, page(t, "P1", st.raw)); err != nil {
			t.Fatal(err)
		}
		p, next, changed := pack(rev)
		if changed != st.changes {
			t.Fatalf("%s: the row changed = %v, want %v", st.name, changed, st.changes)
		}
		rev = next
		if st.check != nil && !st.check(p.LastDelivery()) {
			t.Errorf("%s: delivery %+v, want %s", st.name, p.LastDelivery(), st.wantWords)
		}
	}
}

// A store from before the delivery columns shows its replies' marks at once: migrating fills
// them from each pack's newest stored message.
func TestMigrationFillsTheNewestDelivery(t *testing.T) {
	read := base.Add(5 * time.Minute)
	for from := 1; from < 9; from++ {
		ctx := context.Background()
		path, db := storeAtVersion(t, from)
		raw := delivered(t, wireMessage("r1", "P8", false, "Ana", "Ya salió", base), "", "", "", "", read.Format(time.RFC3339Nano))
		must(t, db, `INSERT INTO packs (id, buyer_id, last_message_id, last_message_at, last_message_text, last_from_seller) VALUES ('P8', ?, 'r1', ?, 'Ya salió', 1)`, testBuyer, base.UnixNano())
		must(t, db, `INSERT INTO messages (id, pack_id, from_id, status, text, created, read_at, raw, stored_at) VALUES ('r1', 'P8', ?, 'available', 'Ya salió', ?, ?, ?, 1)`, testSeller, base.UnixNano(), read.UnixNano(), []byte(raw))
		must(t, db, `INSERT INTO packs (id, buyer_id, last_message_id) VALUES ('P9', ?, 'gone')`, testBuyer) // its message is not stored
		db.Close()
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("migrate from v%d: %v", from, err)
		}
		p, ok, err := s.Pack(ctx, "P8")
		d := p.LastDelivery()
		if err != nil || !ok || d.Status != api.StatusAvailable || !d.MessageDate.Notified.Equal(base) || !d.MessageDate.Read.Equal(read) {
			t.Errorf("from v%d: P8's delivery %+v (%v, %v), want available, notified %v, read %v", from, d, ok, err, base, read)
		}
		if p, ok, err := s.Pack(ctx, "P9"); err != nil || !ok || p.LastStatus != "" {
			t.Errorf("from v%d: P9 = %+v (%v, %v), want it as it was", from, p, ok, err)
		}
		s.Close()
	}
}
