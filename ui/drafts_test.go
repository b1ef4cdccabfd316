package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/postsale/postsale/config/drafts"
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
