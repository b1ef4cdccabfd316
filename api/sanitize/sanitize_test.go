package sanitize

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
)

func TestString(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "hola\tque tal\n", "hola\tque tal\n"},
		{"csi clear", "a\x1b[2J\x1b[Hb", "ab"},
		{"osc52 bel", "x\x1b]52;c;ZXZpbA==\x07y", "xy"},
		{"osc8 st", "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"title", "\x1b]0;pwned\x07ok", "ok"},
		{"c1 csi", "a\u009b31mb", "ab"},
		{"c1 osc", "a\u009d0;t\u009cb", "ab"},
		{"c1 other", "a\u0085b\u008dc", "abc"},
		{"bidi", "abc\u202edcba\u2066x\u2069", "abcdcbax"},
		{"zero width", "a\u200bb\ufeffc", "abc"},
		{"crlf", "a\r\nb\rc", "a\nb\nc"},
		{"nul and bell", "a\x00b\x07c\x7f", "abc"},
		{"emoji zwj split", "👩\u200d💻", "👩💻"},
		{"skin tone dropped", "ok 👍\U0001F3FD", "ok 👍"},
		{"variation selector dropped", "❤\ufe0f", "❤"},
		{"keycap", "1\ufe0f\u20e3", "1"},
		{"hangul filler", "\u3164\u3164name", "name"},
		{"zwnj", "a\u200cb", "ab"},
		{"invalid utf8", "a\xffb", "a\ufffdb"},
		{"dangling esc", "abc\x1b", "abc"},
		{"dcs", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"charset", "a\x1b(Bb", "ab"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := String(c.in); got != c.want {
				t.Fatalf("String(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	if got := Line("one\ntwo\t three\x1b[1m"); got != "one two three" {
		t.Fatalf("Line = %q", got)
	}
}

// Terminals measure a sanitised string the same way whether they cluster graphemes (as
// charmbracelet/x/ansi does) or add up code points (wcwidth, as tmux and most terminals do).
func TestWidthAgreesAcrossTerminalModels(t *testing.T) {
	for _, in := range []string{
		"👍🏽 gracias", "👩‍💻 dev", "❤️ love", "1️⃣ uno", "🏳️‍🌈", "👨‍👩‍👧‍👦 família", "田中 ゆき 🌸", "Olá 🙏🏿🙏🏻",
	} {
		s := String(in)
		grapheme := ansi.StringWidth(s)
		perRune := 0
		for _, r := range s {
			perRune += runewidth.RuneWidth(r)
		}
		if grapheme != perRune {
			t.Errorf("String(%q) = %q: %d cells by graphemes, %d by code points", in, s, grapheme, perRune)
		}
	}
}
