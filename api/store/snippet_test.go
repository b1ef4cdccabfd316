package store

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Whatever the text and the query, the snippet is valid UTF-8 and its marks are ordered,
// within it, and on what the seller typed.
func FuzzSnippet(f *testing.F) {
	f.Add("la câmara chegou quebrada", "camara")
	f.Add("\xff\xfe câmara", "câm")
	f.Add("a b c d e f g h i j k l m n o p q r s t u v w x y z", "m ")
	f.Add("ＣＡＭＡＲＡ ǅ ß ﬁ", "ǆ")
	f.Fuzz(func(t *testing.T, text, query string) {
		h := newHighlighter(query)
		snip, marks := h.snippet([]string{text, "", "Ana", "2000", "", ""})
		if !utf8.ValidString(snip) {
			t.Fatalf("snippet %q is not UTF-8", snip)
		}
		at := 0
		for _, m := range marks {
			if m.Start < at || m.End > len(snip) || m.Start >= m.End {
				t.Fatalf("marks %v out of order or bounds in %q", marks, snip)
			}
			at = m.End
			if strings.TrimSpace(snip[m.Start:m.End]) == "" {
				t.Fatalf("an empty mark in %q", snip)
			}
		}
	})
}
