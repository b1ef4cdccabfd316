package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// hostileSeeds are the shapes of attack the fuzzer starts from (more in testdata/fuzz).
var hostileSeeds = []string{
	"",
	"hola",
	"\x1b]52;c;ZXZpbA==\x07",
	"\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
	"\x1b]0;pwned\x07",
	"\x1b[2J\x1b[H\x1b[31;1mred",
	"\u009b2J\u009d0;t\u009c",
	"a\u202eb\u2066c\u200bd\ufeff",
	"\x1b", "\x1b[", "\x1b]", "\x1bP", "\xc2\x9b", "\xc2",
	"\r\n\r\x00\x7f",
	"👩\u200d👩\u200d👧\u200d👦🏳️\u200d🌈",
	"\xff\xfe\xfd",
	"🇧🇷🇦\u200d🇷 \u1100\u1100\u1161\u11a8\u11a8 \u1161 \u034f",
}

func FuzzString(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := String(in)
		checkInert(t, "String", in, out, true)
		if again := String(out); again != out {
			t.Fatalf("String is not idempotent on %q: %q then %q", in, out, again)
		}
		line := Line(in)
		checkInert(t, "Line", in, line, false)
		if again := Line(line); again != line {
			t.Fatalf("Line is not idempotent on %q: %q then %q", in, line, again)
		}
	})
}

// checkInert asserts the properties every sanitised string has.
func checkInert(t *testing.T, fn, in, out string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s(%q) = %q is not valid UTF-8", fn, in, out)
	}
	for i := 0; i < len(out); i++ {
		c := out[i]
		if c == 0x1b || c == 0x7f || (c < 0x20 && (!multiline || (c != '\n' && c != '\t'))) {
			t.Fatalf("%s(%q) = %q keeps control byte %#x at %d", fn, in, out, c, i)
		}
	}
	for _, r := range out {
		if r >= 0x80 && r <= 0x9f {
			t.Fatalf("%s(%q) = %q keeps C1 control %U", fn, in, out, r)
		}
		if dropped(r) && r != '\n' && r != '\t' {
			t.Fatalf("%s(%q) = %q keeps %U, which must be dropped", fn, in, out, r)
		}
	}
	run := 0 // regional indicators come in pairs; no conjoining jamo is left (see fixClusters)
	for _, r := range out + " " {
		if isJamo(r) {
			t.Fatalf("%s(%q) = %q keeps conjoining jamo %U", fn, in, out, r)
		}
		if isRegional(r) {
			run++
		} else if run%2 != 0 {
			t.Fatalf("%s(%q) = %q keeps a lone regional indicator", fn, in, out)
		} else {
			run = 0
		}
	}
	if !multiline && strings.ContainsAny(out, "\n\t") {
		t.Fatalf("Line(%q) = %q has a newline or tab", in, out)
	}
}
