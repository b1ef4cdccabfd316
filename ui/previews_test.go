package ui

import (
	"strings"
	"testing"

	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// The list's previews open in the `translation` setting's mode and follow `t` (original,
// translated, both, buyer-translated: the buyer's translated, yours as written), whether the list
// reads the local store or the API.
func TestListPreviewsFollowTheTranslationMode(t *testing.T) {
	t.Parallel()
	const (
		packJorge = "2000004499001122" // the seller wrote last
		beatriz   = "Vocês emitem nota fiscal? Comprei três itens no mesmo carrinho."
		beatrizT  = "Do you issue an invoice (nota fiscal)?"
		jorge     = "You: Thank you for your purchase, Jorge!"
		jorgeT    = "You: ¡Gracias por tu compra, Jorge!"
	)
	for _, source := range []string{"store", "api"} {
		t.Run(source, func(t *testing.T) {
			t.Parallel()
			e := uitest.New(t, uitest.At(testNow))
			o := SessionOptions{Seller: e.Sandbox.SellerID(), Translation: common.TranslationTranslated}
			a := startFrom(t, e, source, o)
			previews := func(mode, wantBeatriz, wantJorge string) {
				t.Helper()
				a.settle("the previews in "+mode, func(v string) bool {
					b, j := rowPreview(v, packTopUnread), rowPreview(v, packJorge)
					return strings.Contains(b, wantBeatriz) && strings.Contains(j, wantJorge)
				})
			}
			previews("the setting's translated", beatrizT, jorgeT)
			for _, step := range []struct{ mode, beatriz, jorge string }{
				{"both", beatriz + " ↳ " + beatrizT[:20], jorge},
				{"buyer-translated", beatrizT, jorge},
				{"original", beatriz, jorge},
				{"translated", beatrizT, jorgeT},
			} {
				a.keys("enter")
				a.settleOn("translation: ")
				a.keys("t")
				a.settleOn("translation: " + step.mode)
				a.keys("esc")
				previews(step.mode, step.beatriz, step.jorge)
			}
		})
	}
}
