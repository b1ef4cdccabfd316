package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/uitest"
)

// inOrder reports whether every text appears in view, each below the one before.
func inOrder(view string, texts ...string) bool {
	at := 0
	for _, s := range texts {
		i := strings.Index(view[at:], s)
		if i < 0 {
			return false
		}
		at += i + len(s)
	}
	return true
}

// Messages written in the same second (the sandbox's clock stands still, as Mercado Libre's
// whole-second dates allow) show in the order they were written, whether the list reads the
// store or the API: the row's preview is the last one written, the conversation has them top to
// bottom, and a sync that brings more of that second puts them below.
func TestMessagesOfTheSameSecondInTheInboxInTheOrderWritten(t *testing.T) {
	t.Parallel()
	for _, source := range []string{"store", "api"} {
		t.Run(source, func(t *testing.T) {
			t.Parallel()
			e := uitest.New(t, uitest.At(testNow))
			ctx := context.Background()
			send := func(text string) {
				t.Helper()
				if _, err := e.Client.SendMessage(ctx, packReadOld, api.SendRequest{Text: text}); err != nil {
					t.Fatal(err)
				}
			}
			for _, text := range []string{"orden-1", "orden-2", "orden-3", "orden-4"} {
				send(text)
			}
			a := startFrom(t, e, source, SessionOptions{Seller: e.Sandbox.SellerID()})
			a.settle("the last one written in Carlos's row", func(v string) bool {
				return strings.Contains(rowPreview(v, packReadOld), "You: orden-4")
			})
			a.openPack(packReadOld)
			a.settle("the conversation in the order written", func(v string) bool {
				return inOrder(v, "orden-1", "orden-2", "orden-3", "orden-4")
			})
			// The buyer answers and the seller writes again elsewhere, in the same second.
			if _, err := e.Sandbox.BuyerWrites(packReadOld, "orden-5"); err != nil {
				t.Fatal(err)
			}
			send("orden-6")
			a.keys("R")
			a.settle("the conversation after a refresh", func(v string) bool {
				return inOrder(v, "orden-3", "orden-4", "orden-5", "orden-6")
			})
			a.keys("esc")
			a.keys("R")
			a.settle("the newest in Carlos's row after a sync", func(v string) bool {
				return strings.Contains(rowPreview(v, packReadOld), "You: orden-6")
			})
		})
	}
}
