package common

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// A long word of decomposed letters (e + U+0301) cut by the wrap keeps every accent on its
// letter's line, and no line is wider than asked.
func TestWrapKeepsCombiningMarksWithTheirLetter(t *testing.T) {
	word := strings.Repeat("e\u0301", 30)
	for _, in := range []string{word, "José " + word + " fim", "🇧🇷🇧🇷 " + word} {
		for w := 2; w <= 12; w++ {
			out := Wrap(in, w, "")
			if strip := strings.NewReplacer("\n", "", " ", ""); strip.Replace(out) != strip.Replace(in) {
				t.Fatalf("Wrap(%+q, %d) lost text: %+q", in, w, out) // only spaces at breaks may go
			}
			for _, l := range strings.Split(out, "\n") {
				if r, _ := utf8.DecodeRuneInString(l); unicode.Is(unicode.Mn, r) {
					t.Fatalf("Wrap(%+q, %d): a line starts with the mark %U: %+q", in, w, r, out)
				}
				if lw := ansi.StringWidth(l); lw > w {
					t.Fatalf("Wrap(%+q, %d): line %+q is %d cells", in, w, l, lw)
				}
			}
		}
	}
}
