package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// rowPreview is the second line (the preview) of pack's row in a list view, "" when not shown.
func rowPreview(view, pack string) string {
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		if strings.Contains(l, "#"+pack) && i+1 < len(lines) {
			return lines[i+1]
		}
	}
	return ""
}

// A draft kept on disk by an earlier run is marked in its row from the start, whether the list
// reads the local store or the API: an unsent reply is not forgotten until `r` happens to
// open it.
func TestDraftsOnDiskAreMarkedFromTheStart(t *testing.T) {
	t.Parallel()
	for _, source := range []string{"store", "api"} {
		t.Run(source, func(t *testing.T) {
			t.Parallel()
			e := uitest.New(t, uitest.At(testNow))
			ds := drafts.NewStore(filepath.Join(t.TempDir(), "drafts"))
			if err := ds.Save(drafts.Draft{PackID: packTopUnread, Text: "borrador"}); err != nil {
				t.Fatal(err)
			}
			o := SessionOptions{Seller: e.Sandbox.SellerID(), Drafts: ds}
			a := startFrom(t, e, source, o)
			view := a.settle("Beatriz's row marked", func(v string) bool {
				return strings.Contains(rowPreview(v, packTopUnread), "✎ draft")
			})
			if n := strings.Count(view, "✎ draft"); n != 1 {
				t.Fatalf("%d rows marked, want only the pack with a draft:\n%s", n, view)
			}
			// Opening it restores the draft the mark promised.
			a.keys("r")
			a.settleOn("borrador", "Draft restored from")
		})
	}
}

// waitForDraft waits until the drafts folder holds pack's draft as want says (a debounced save
// or a delete lands without a frame to wait for).
func waitForDraft(t *testing.T, ds *drafts.Store, pack string, want func(drafts.Draft) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if d, err := ds.Load(pack); err == nil && want(d) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the draft of %s never reached the folder", pack)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Opening compose again reads the draft as the drafts folder holds it now, not the copy kept
// since it was left: the person's other session (sharing the folder) may have changed, sent or
// discarded it. Told that the other session dropped it, the list drops its mark at once and
// the composer held for it empties; an old text is never there to be sent a second time.
func TestReopeningComposeReadsTheDraftAgain(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	dir := filepath.Join(t.TempDir(), "drafts")
	ds, elsewhere := drafts.NewStore(dir), drafts.NewStore(dir)
	a := startFrom(t, e, "api", SessionOptions{Seller: e.Sandbox.SellerID(), Drafts: ds})
	a.openPack(packTopUnread)
	a.keys("r")
	a.settleOn("· pack " + packTopUnread)
	a.keys("Vou verificar")
	a.settleOn("│ Vou verificar")
	a.keys("esc")
	a.settleOn("Draft kept")
	waitForDraft(t, ds, packTopUnread, func(d drafts.Draft) bool { return d.Text == "Vou verificar" })

	// Changed elsewhere: r shows the folder's text, and says so.
	if err := elsewhere.Save(drafts.Draft{PackID: packTopUnread, Text: "Vou verificar com a transportadora"}); err != nil {
		t.Fatal(err)
	}
	a.keys("r")
	a.settleOn("│ Vou verificar com a transportadora", "Draft changed in another session")

	// Sent elsewhere while this session is on the list: the row's mark goes at once.
	a.keys("esc", "esc")
	a.settle("the row marked", func(v string) bool { return strings.Contains(rowPreview(v, packTopUnread), "✎ draft") })
	if err := elsewhere.Delete(packTopUnread); err != nil {
		t.Fatal(err)
	}
	a.tm.Send(common.ReplySentElsewhereMsg{Pack: packTopUnread, Member: "Ana", Text: "Vou verificar com a transportadora", Own: true})
	a.settle("the mark gone", func(v string) bool {
		return strings.Contains(v, "#"+packTopUnread) && !strings.Contains(rowPreview(v, packTopUnread), "✎ draft")
	})

	// r: nothing to send, and why; ctrl+s sends nothing.
	a.keys("r")
	v := a.settleOn("This draft was sent or discarded in another session.", "0/350",
		"⚠ Your other session just replied: “Vou verificar com a transportadora”")
	if strings.Contains(v, "│ Vou verificar") {
		t.Fatalf("the composer still holds the sent draft:\n%s", v)
	}
	a.keys("ctrl+s")
	a.settleOn("message is empty")
	if n := len(a.sends(packTopUnread)); n != 0 {
		t.Errorf("%d replies went out, want none", n)
	}
}
