package store

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Whatever the text, the titles and the query, the snippet is valid UTF-8 on one line, and its
// marks are ordered, within it, and on what the seller typed.
func FuzzSnippet(f *testing.F) {
	f.Add("la câmara chegou quebrada", "", "camara", false)
	f.Add("\xff\xfe câmara", "", "câm", false)
	f.Add("a b c d e f g h i j k l m n o p q r s t u v w x y z", "", "m ", false)
	f.Add("ＣＡＭＡＲＡ ǅ ß ﬁ", "", "ǆ", false)
	f.Add("Hola\n\ncómo\tva", "Carregador USB-C 30W\nCabo USB-C 2 m", "usb", true)
	f.Fuzz(func(t *testing.T, text, items, query string, pack bool) {
		c := newHighlighter(query).snippet([]string{text, "", "Ana", "2000", items, ""}, pack)
		snip, marks := c.text, c.marks
		if !utf8.ValidString(snip) {
			t.Fatalf("snippet %q is not UTF-8", snip)
		}
		if strings.ContainsAny(snip, "\n\r\t") {
			t.Fatalf("snippet %q is not one line", snip)
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
