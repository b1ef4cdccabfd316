package sanitize

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold is text for matching: lower case, without accents ("Lucía" matches "lucia"). It is
// not for display. It runs for every word of every search result, so plain ASCII takes a
// short path and the rest is decomposed once, stripped of its combining marks and composed
// again (Hangul stays syllables).
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	stripped := strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return unicode.ToLower(r)
	}, norm.NFD.String(s))
	return norm.NFC.String(stripped)
}
