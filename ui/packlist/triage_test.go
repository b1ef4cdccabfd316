package packlist

import (
	"strings"
	"testing"

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
