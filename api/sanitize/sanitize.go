// Package sanitize makes text from the API inert before it is measured, wrapped, styled or
// printed: a buyer's message must never move the cursor, set the window title, write the
// clipboard or reorder what the seller reads.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// String removes escape sequences (CSI, OSC, DCS, SOS, PM, APC, in their 7-bit and 8-bit forms)
// and every control character except newline and tab, including C1 controls (U+0080–U+009F),
// bidirectional overrides and invisible formatting characters. "\r\n" and lone "\r" become "\n".
// Invalid UTF-8 becomes U+FFFD.
//
// Emoji sequences are split into their parts: joiners (ZWJ, ZWNJ), variation selectors, skin-tone
// modifiers and the keycap mark are dropped. Terminals disagree on how wide a sequence is (👍🏽 is
// 2 cells in some, 4 in tmux), and one disagreement shifts every line after it; every terminal
// agrees on the parts (👍 and 🏽 → 👍; 👩‍💻 → 👩💻). For the same reason a lone regional
// indicator becomes its letter and broken Hangul jamo become U+FFFD (see fixClusters).
func String(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		switch {
		case r == 0x1b: // ESC: skip the whole sequence it starts
			i = skipEscape(s, i+size)
			continue
		case r == 0x9b: // 8-bit CSI
			i = skipCSI(s, i+size)
			continue
		case r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f: // 8-bit OSC, DCS, SOS, PM, APC
			i = skipString(s, i+size)
			continue
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
				continue
			}
			b.WriteByte('\n')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case dropped(r):
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return fixClusters(b.String())
}

// Line is String with newlines and tabs turned into spaces: for one-line places (list rows,
// names, headers, status bar).
func Line(s string) string {
	s = String(s)
	if !strings.ContainsAny(s, "\n\t") {
		return s
	}
	return strings.Join(strings.Fields(strings.NewReplacer("\n", " ", "\t", " ").Replace(s)), " ")
}

// dropped reports characters that are removed: C0 and C1 controls, DEL, bidi controls and
// invisible format characters that could hide or reorder text.
func dropped(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true // bidi embeddings, overrides, isolates and marks
	case r == 0x200b, r == 0x2060, r == 0xfeff, r == 0x00ad, r >= 0x2061 && r <= 0x2064, r == 0x180e:
		return true // zero-width space, word joiner, BOM, soft hyphen, invisible operators
	case r >= 0xfff9 && r <= 0xfffb, r >= 0xe0000 && r <= 0xe007f && r != 0xe0020 && !(r >= 0xe0061 && r <= 0xe007f):
		return true // interlinear annotations, deprecated tags (emoji tag sequences kept)
	case r == 0x2028 || r == 0x2029:
		return true // line and paragraph separators
	case r == 0x200c || r == 0x200d, r >= 0xfe00 && r <= 0xfe0f, r >= 0x1f3fb && r <= 0x1f3ff, r == 0x20e3:
		return true // emoji joiners, variation selectors, skin tones, keycap: widths terminals disagree on
	case r == 0x3164 || r == 0x115f || r == 0x1160 || r == 0xffa0:
		return true // Hangul fillers: blank-looking letters used to hide or fake names
	case r >= 0xe0000 && r <= 0xe007f:
		return false // emoji tag sequences (subdivision flags), kept above
	case r >= 0xa0 && (unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) || unicode.Is(unicode.Variation_Selector, r)):
		// Every other invisible format or default-ignorable character (U+034F, U+17B4/5,
		// U+206A–F, U+E0100…): terminals disagree on their width with x/ansi, so a row loses
		// its columns and the screen scrolls.
		return true
	}
	return false
}

// isClean is the fast path: printable ASCII, newlines and tabs only.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// skipEscape returns the index after the sequence that an ESC at i-1 started.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	// Two- and three-byte escapes: intermediates (0x20–0x2f) then one final byte.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI skips parameters and intermediates up to and including the final byte (0x40–0x7e).
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		i++
		if c >= 0x40 && c <= 0x7e {
			return i
		}
		if c < 0x20 || c >= 0x7f { // malformed: stop at anything that is not a CSI byte
			return i - 1
		}
	}
	return i
}

// skipString skips a control string up to its terminator: BEL, ESC \ or 8-bit ST (U+009C).
func skipString(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x07, r == 0x9c:
			return i + size
		case r == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i + size
		}
		i += size
	}
	return i
}
