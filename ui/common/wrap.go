package common

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Wrap is ansi.Wrap (words first at breakpoints, long words cut) that keeps each grapheme on one
// line: ansi.Wrap can cut a long word between a letter and its combining mark ("José" written
// with U+0301 as "Jose" / "\u0301…"), leaving the accent on the next line. Marks a line starts with
// go back to the end of the line before, where they take no cell.
func Wrap(s string, width int, breakpoints string) string {
	out := ansi.Wrap(s, width, breakpoints)
	if !strings.Contains(out, "\n") || isASCII(out) {
		return out
	}
	lines := strings.Split(out, "\n")
	for i := 1; i < len(lines); i++ {
		n := 0
		for n < len(lines[i]) {
			r, size := utf8.DecodeRuneInString(lines[i][n:])
			if !unicode.In(r, unicode.Mn, unicode.Me) {
				break
			}
			n += size
		}
		if n > 0 && lines[i-1] != "" {
			lines[i-1] += lines[i][:n]
			lines[i] = lines[i][n:]
		}
	}
	return strings.Join(lines, "\n")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
