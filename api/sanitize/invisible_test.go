package sanitize

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Invisible format characters are dropped: postsale measures with x/ansi's grapheme rules, and
// these are where terminals disagree with it (a row loses its columns, the screen scrolls).
func TestInvisibleFormatCharactersAreDropped(t *testing.T) {
	for _, r := range []rune{0x034f, 0x17b4, 0x17b5, 0x206a, 0x206b, 0x206c, 0x206d, 0x206e, 0x206f,
		0xe0100, 0xe01ef, 0x180b, 0x180f, 0x2065, 0x1d173, 0xe0001} {
		in := "a" + string(r) + "b"
		got := Line(in)
		if got != "ab" {
			t.Errorf("U+%04X: %q → %q", r, in, got)
		}
		if w := ansi.StringWidth(got); w != 2 {
			t.Errorf("U+%04X: width %d", r, w)
		}
	}
	// Subdivision flags keep their tag characters.
	wales := "\U0001F3F4\U000E0067\U000E0062\U000E0077\U000E006C\U000E0073\U000E007F"
	if got := String(wales); got != wales {
		t.Errorf("flag of Wales: %q", got)
	}
}
