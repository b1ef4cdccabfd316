package cli

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// escapeInvisible rewrites, as \uXXXX, every rune of encoded JSON that a terminal could act on
// or that cannot be seen: DEL, the C1 controls (a terminal that honours UTF-8 C1 would run
// U+009B as CSI), bidi overrides and format or default-ignorable characters. encoding/json only
// escapes below U+0020. Such runes only occur inside JSON strings, where \uXXXX means the same
// text, so the data read back is unchanged.
func escapeInvisible(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if !hiddenRune(r) {
			out = append(out, b[:n]...)
			b = b[n:]
			continue
		}
		if r > 0xFFFF {
			r1, r2 := utf16Pair(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		} else {
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		b = b[n:]
	}
	return out
}

// hiddenRune: DEL, C1, format characters (Cf: bidi marks and overrides, zero-width ones,
// tags) and the other default-ignorable code points.
func hiddenRune(r rune) bool {
	switch {
	case r == 0x7F, r >= 0x80 && r <= 0x9F:
		return true
	case r < 0xA0:
		return false
	case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r), unicode.Is(unicode.Variation_Selector, r):
		return true
	case r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0: // Hangul fillers
		return true
	}
	return false
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xD800 + (r>>10)&0x3FF, 0xDC00 + r&0x3FF
}
