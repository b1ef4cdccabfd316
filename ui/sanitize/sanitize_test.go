package sanitize

import "testing"

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
		{"emoji zwj kept", "👩\u200d💻", "👩\u200d💻"},
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
