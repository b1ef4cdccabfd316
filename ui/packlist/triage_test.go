package packlist

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/config/seen"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

func TestFoldIgnoresAccentsAndCase(t *testing.T) {
	for in, want := range map[string]string{"Ana Lucía PÉREZ": "ana lucia perez", "São Paulo": "sao paulo", "Ñandú": "nandu", "田中": "田中"} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// The filter matches the site, the pack id and every loaded message, accents and case aside.
func TestFilterMatchesSiteAndLoadedMessages(t *testing.T) {
	h := newHarness(t, 100, 200)
	h.drain(t, h.m.Init())
	h.key(t, "/")
	h.typeKeys(t, "mlc")
	for _, r := range h.m.visible {
		if r.Site != "MLC" {
			t.Errorf("filter mlc shows %s (%s)", r.PackID, r.Site)
		}
	}
	if len(h.m.visible) == 0 {
		t.Fatal("filter mlc shows nothing")
	}
	h.key(t, "esc")
	h.m.NoteMessages("2000004512345671", []string{"Hola, compré dos audífonos."})
	h.key(t, "/")
	h.typeKeys(t, "AUDIFONOS")
	if len(h.m.visible) != 1 || h.m.visible[0].PackID != "2000004512345671" {
		var ids []string
		for _, r := range h.m.visible {
			ids = append(ids, r.PackID)
		}
		t.Fatalf("AUDIFONOS shows %v, want Ana's pack only", ids)
	}
}

// `d` twice takes a conversation out of Needs reply and brings it back; `r` on a blocked row
// says why instead of opening a composer.
func TestDoneTogglesAndBlockedRowsSayWhy(t *testing.T) {
	h := newHarness(t, 100, 200)
	h.drain(t, h.m.Init())
	h.key(t, "1")
	before := len(h.m.visible)
	first := h.m.Selected()
	h.key(t, "d")
	if len(h.m.visible) != before-1 || h.m.shown(first) {
		t.Fatalf("done left %s in Needs reply (%d → %d rows)", first, before, len(h.m.visible))
	}
	h.key(t, "4")
	h.m.applyFilter(first)
	h.m.moved = true
	h.m.applyFilter(first)
	h.key(t, "d")
	h.key(t, "1")
	if !h.m.shown(first) {
		t.Fatalf("d again did not bring %s back", first)
	}
	h.key(t, "3")
	if len(h.m.visible) == 0 {
		t.Fatal("no blocked conversation")
	}
	out := h.key(t, "r")
	st, ok := uitest.Find[common.StatusMsg](out)
	if !ok || st.Err == nil || !strings.Contains(st.Text, "You cannot reply here") {
		t.Fatalf("r on a blocked row: %+v", out)
	}
	if _, opened := uitest.Find[common.ComposeMsg](out); opened {
		t.Fatal("r on a blocked row opened a composer")
	}
	// `T` is a reply too: the same check, the same sentence, nothing opened.
	outT := h.key(t, "T")
	stT, ok := uitest.Find[common.StatusMsg](outT)
	if !ok || stT.Err == nil || stT.Text != st.Text {
		t.Fatalf("T on a blocked row: %+v, want the status %q", outT, st.Text)
	}
	if len(outT) != 1 {
		t.Fatalf("T on a blocked row did more than refuse: %+v", outT)
	}
}

// The badge counts the buyer's unread messages the seller has not seen: opening the conversation
// sees those there, MarkShown those the open conversation shows later (never taking a mark
// back), and when Mercado Libre counts no more than were seen, messages were read since and
// every unread one is new.
func TestBadgeCountsWhatTheSellerHasNotSeen(t *testing.T) {
	const ana = "2000004512345671" // two unread buyer messages
	h := newHarness(t, 100, 200)
	h.drain(t, h.m.Init())
	r := h.m.byID[ana]
	if r == nil || r.Unread != 2 || h.m.unseen(r) != 2 {
		t.Fatalf("Ana's row before opening: %+v, badge %d", r, h.m.unseen(r))
	}
	h.drain(t, h.m.MarkSeen(ana))
	if h.m.isNew(r) || h.m.unseen(r) != 0 {
		t.Fatalf("opened, Ana is still new (badge %d)", h.m.unseen(r))
	}
	seenAt := h.c.Seen.Mark(ana).At

	// The buyer writes while the list is shown: new, and counted alone.
	if _, err := h.sb.BuyerWrites(ana, "¿Hola?"); err != nil {
		t.Fatal(err)
	}
	_, cmd := h.m.Update(common.RefreshMsg{Manual: true})
	h.drain(t, cmd)
	if r.Unread != 3 || !h.m.isNew(r) || h.m.unseen(r) != 1 {
		t.Fatalf("one message since opening: unread %d, badge %d, want 3 and 1", r.Unread, h.m.unseen(r))
	}

	// The open conversation shows it: seen.
	shown := seenAt.Add(time.Minute)
	h.drain(t, h.m.MarkShown(ana, shown, 3))
	if h.m.isNew(r) || h.m.unseen(r) != 0 {
		t.Fatalf("shown in the conversation, Ana is still new (badge %d)", h.m.unseen(r))
	}
	if mk := h.c.Seen.Mark(ana); !mk.At.Equal(shown) || mk.Unread != 3 {
		t.Fatalf("mark after MarkShown: %+v", mk)
	}
	// What the conversation showed earlier takes nothing back; an unchanged mark is not saved.
	if cmd := h.m.MarkShown(ana, seenAt, 1); cmd != nil {
		t.Error("an older view of the conversation saves the marks again")
	}
	if mk := h.c.Seen.Mark(ana); !mk.At.Equal(shown) || mk.Unread != 3 {
		t.Fatalf("an older view changed the mark: %+v", mk)
	}

	// Read since (Mercado Libre counts fewer than were seen), then a message after: all new.
	r.Unread, r.LastAt = 2, shown.Add(time.Minute)
	if !h.m.isNew(r) || h.m.unseen(r) != 2 {
		t.Fatalf("a message since, fewer unread than seen: badge %d, want 2", h.m.unseen(r))
	}
	if !strings.Contains(h.m.View(), "  2 Ana Lucía Pérez") {
		t.Fatalf("the row's badge is not drawn:\n%s", h.m.View())
	}
}

// Messages read since the seller saw them (a reply reads the buyer's messages) are no longer
// counted seen: when the buyer then writes more than the seller had seen, the badge counts every
// one of them, in the session that saw the count drop and in a new one that starts after it.
func TestBadgeCountsEveryMessageAfterAReply(t *testing.T) {
	const ana = "2000004512345671" // two unread buyer messages
	h := newHarness(t, 100, 200)
	h.drain(t, h.m.Init())
	h.drain(t, h.m.MarkSeen(ana))
	if mk := h.c.Seen.Mark(ana); mk.Unread != 2 {
		t.Fatalf("opened with two unread messages, the mark is %+v", mk)
	}
	if _, err := h.c.Client.SendMessage(h.c.Ctx, ana, api.SendRequest{Text: "Ya lo revisamos."}); err != nil {
		t.Fatal(err)
	}
	refresh := func(m *Model) {
		t.Helper()
		_, cmd := m.Update(common.RefreshMsg{Manual: true})
		h.drain(t, cmd)
	}
	refresh(h.m)
	if r := h.m.byID[ana]; r.Unread != 0 || h.m.isNew(r) {
		t.Fatalf("after the reply: unread %d, new %v", r.Unread, h.m.isNew(r))
	}
	for _, text := range []string{"Gracias.", "Una pregunta más:", "¿hacen factura?"} {
		if _, err := h.sb.BuyerWrites(ana, text); err != nil {
			t.Fatal(err)
		}
	}
	refresh(h.m)
	if r := h.m.byID[ana]; r.Unread != 3 || h.m.unseen(r) != 3 {
		t.Fatalf("three messages after the reply: unread %d, badge %d, want 3 and 3", r.Unread, h.m.unseen(r))
	}

	// A session that starts after a reply sent elsewhere, with the mark saved before it, counts
	// them all too.
	h.c.Seen.Set(h.c, ana, common.SeenMark{At: testNow.Add(-time.Hour), Unread: 3})
	if _, err := h.c.Client.SendMessage(h.c.Ctx, ana, api.SendRequest{Text: "Sí, hacemos factura."}); err != nil {
		t.Fatal(err)
	}
	next := New(h.c)
	next.SetSize(100, 200)
	h.m = next
	h.drain(t, next.Init())
	for _, text := range []string{"Perfecto.", "¿La envían por correo?", "¿O por aquí?", "Gracias."} {
		if _, err := h.sb.BuyerWrites(ana, text); err != nil {
			t.Fatal(err)
		}
	}
	refresh(next)
	if r := next.byID[ana]; r == nil || r.Unread != 4 || next.unseen(r) != 4 {
		t.Fatalf("a new session: row %+v, badge %d, want 4", r, next.unseen(r))
	}
}

// Marks read from a file after the list has Mercado Libre's counts see those counts for the
// first time too: a mark counting more unread messages than there are now stops counting those
// read since, so what the buyer writes next is counted in full.
func TestMarksReadAfterTheCountsForgetWhatWasRead(t *testing.T) {
	const ana = "2000004512345671" // two unread buyer messages
	h := newHarness(t, 100, 200)
	dir := seen.NewDir(t.TempDir())
	t.Cleanup(dir.Close)
	// Seen when it had three unread messages; one was read since.
	marks := map[string]common.SeenMark{ana: {At: testNow, Unread: 3}}
	if err := dir.Save(context.Background(), h.c.Seller, 1, marks); err != nil {
		t.Fatal(err)
	}
	h.c.Seen = common.NewSeen(dir)
	h.m = New(h.c)
	h.m.SetSize(100, 200)
	h.drain(t, h.m.Init())
	r := h.m.byID[ana]
	if mk := h.c.Seen.Mark(ana); r == nil || r.Unread != 2 || mk.Unread != 2 || h.m.isNew(r) {
		t.Fatalf("marks read after the counts: row %+v, mark %+v", r, mk)
	}
	for _, text := range []string{"¿Hola?", "¿Siguen ahí?"} {
		if _, err := h.sb.BuyerWrites(ana, text); err != nil {
			t.Fatal(err)
		}
	}
	_, cmd := h.m.Update(common.RefreshMsg{Manual: true})
	h.drain(t, cmd)
	if r.Unread != 4 || h.m.unseen(r) != 2 {
		t.Fatalf("two messages since: unread %d, badge %d, want 4 and 2", r.Unread, h.m.unseen(r))
	}
}
