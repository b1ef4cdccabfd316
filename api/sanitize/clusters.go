package sanitize

import (
	"strings"
	"unicode/utf8"
)

// Regional indicators and Hangul jamo are where x/ansi's grapheme widths and terminals part ways
// even after the invisible characters are gone. A pair of regional indicators (a flag, 🇧🇷) is 2
// cells in both, but a lone one is 2 cells to x/ansi and 1 in xterm and tmux; conjoining jamo
// that do not form one syllable (ᄀ가, a lone ᅡ) are one cluster to x/ansi and 0 or 4 cells to a
// terminal. fixClusters rewrites both into text every side measures alike:
//   - regional indicators pair from the start of each run, as the grapheme rules do; a lone one
//     becomes its plain capital letter (🇧 → B);
//   - modern leading+vowel(+trailing) jamo compose into the precomposed syllable
//     (U+1100 U+1161 U+11A8 → 각), as NFC does; a syllable followed by a trailing jamo takes it;
//   - any jamo left over (old Hangul, a vowel or trailing jamo without its leading one) becomes
//     U+FFFD, 1 cell everywhere.
func fixClusters(s string) string {
	if !hasClusterRunes(s) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case isRegional(r):
			if i+1 < len(rs) && isRegional(rs[i+1]) {
				b.WriteRune(r)
				b.WriteRune(rs[i+1])
				i++
				continue
			}
			b.WriteRune('A' + (r - riFirst))
		case isJamo(r):
			if syl, n := composeJamo(rs[i:]); n > 0 {
				b.WriteRune(syl)
				i += n - 1
				continue
			}
			b.WriteRune(utf8.RuneError)
		case isSyllableLV(r) && i+1 < len(rs) && isModernT(rs[i+1]):
			b.WriteRune(r + rs[i+1] - tBase)
			i++
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

const (
	riFirst, riLast = 0x1f1e6, 0x1f1ff
	sBase, lBase    = 0xac00, 0x1100
	vBase, tBase    = 0x1161, 0x11a7
	lCount, vCount  = 19, 21
	tCount          = 28
)

func hasClusterRunes(s string) bool {
	for _, r := range s {
		if isRegional(r) || isJamo(r) {
			return true
		}
	}
	return false
}

func isRegional(r rune) bool { return r >= riFirst && r <= riLast }

// isJamo reports conjoining jamo: Hangul Jamo and the Extended-A and -B blocks.
func isJamo(r rune) bool {
	return r >= 0x1100 && r <= 0x11ff || r >= 0xa960 && r <= 0xa97f || r >= 0xd7b0 && r <= 0xd7ff
}

func isModernT(r rune) bool { return r > tBase && r < tBase+tCount }

func isSyllableLV(r rune) bool {
	return r >= sBase && r < sBase+lCount*vCount*tCount && (r-sBase)%tCount == 0
}

// composeJamo composes a modern leading jamo, a vowel and an optional trailing jamo at the start
// of rs into one syllable, returning it and how many runes it used (0 when they do not compose).
func composeJamo(rs []rune) (rune, int) {
	if len(rs) < 2 || rs[0] < lBase || rs[0] >= lBase+lCount || rs[1] < vBase || rs[1] >= vBase+vCount {
		return 0, 0
	}
	syl := sBase + ((rs[0]-lBase)*vCount+(rs[1]-vBase))*tCount
	if len(rs) > 2 && isModernT(rs[2]) {
		return syl + rs[2] - tBase, 3
	}
	return syl, 2
}
