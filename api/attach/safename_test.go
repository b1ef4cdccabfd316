package attach

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeNameExact(t *testing.T) {
	cases := map[string]string{
		"FileName.png":                       "FileName.png",
		"471826944_ba20cdf4-26b4-4c21.png":   "471826944_ba20cdf4-26b4-4c21.png",
		"":                                   "attachment",
		".":                                  "attachment",
		"..":                                 "attachment",
		"...":                                "attachment",
		"   ":                                "attachment",
		"\x00\x01\x1b":                       "attachment",
		"../../etc/passwd":                   "_.._etc_passwd",
		`..\..\Windows\win.ini`:              "_.._Windows_win.ini",
		"/etc/shadow":                        "_etc_shadow",
		"a\x00b.pdf":                         "ab.pdf",
		"\x1b]52;c;ZXZpbA==\x07photo.png":    "photo.png",
		"\x1b[2J\x1b[31mred.txt":             "red.txt",
		"evil\u202egnp.exe":                  "evilgnp.exe",
		"-rf.txt":                            "rf.txt",
		"--help":                             "help",
		".bashrc":                            "bashrc",
		"CON":                                "_CON",
		"con.txt":                            "_con.txt",
		"LPT1.pdf":                           "_LPT1.pdf",
		"COMPUTER.pdf":                       "COMPUTER.pdf",
		"trailing dots...":                   "trailing dots",
		"factura #1 100%.pdf":                "factura _1 100_.pdf",
		"a:b*c?d\"e<f>g|h.txt":               "a_b_c_d_e_f_g_h.txt",
		"tab\tand\nnewline.txt":              "tab and newline.txt",
		"Nota fiscal – João.pdf":             "Nota fiscal – João.pdf",
		"写真🙂.jpg":                            "写真🙂.jpg",
		"bad\xff\xfeutf8.png":                "bad__utf8.png",
		"archive.tar.gz":                     "archive.tar.gz",
		"weird.ext with space":               "weird.ext with space",
		"\u200bzero\u200bwidth\u200b.png":    "zerowidth.png",
		"report . pdf":                       "report . pdf",
		"photo.png\x1b]8;;http://evil\x1b\\": "photo.png",
	}
	for in, want := range cases {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSafeNameLong(t *testing.T) {
	cases := []struct{ in, ext string }{
		{strings.Repeat("a", 500) + ".pdf", ".pdf"},
		{strings.Repeat("é", 300) + ".jpeg", ".jpeg"},
		{strings.Repeat("🙂", 100) + ".png", ".png"},
		{strings.Repeat("x", 1000), ""},
		{strings.Repeat("/", 300) + "a.txt", ".txt"},
	}
	for _, tc := range cases {
		got := SafeName(tc.in)
		if len(got) > MaxNameBytes || !utf8.ValidString(got) || !strings.HasSuffix(got, tc.ext) {
			t.Errorf("SafeName(%d bytes) = %q (%d bytes), want <= %d valid bytes ending in %q", len(tc.in), got, len(got), MaxNameBytes, tc.ext)
		}
		if len(got) < MaxNameBytes-4 {
			t.Errorf("SafeName(%d bytes) kept only %d bytes; it should keep as much as fits", len(tc.in), len(got))
		}
	}
}

// assertSafe checks the properties every derived name must have, whatever came in.
func assertSafe(t *testing.T, in, got string) {
	t.Helper()
	switch {
	case got == "" || got == "." || got == "..":
		t.Fatalf("SafeName(%q) = %q: not a usable name", in, got)
	case strings.ContainsAny(got, "/\\\x00"):
		t.Fatalf("SafeName(%q) = %q: contains a separator or NUL", in, got)
	case got != filepath.Base(got) || !filepath.IsLocal(got):
		t.Fatalf("SafeName(%q) = %q: not a single local path element", in, got)
	case strings.HasPrefix(got, ".") || strings.HasPrefix(got, "-"):
		t.Fatalf("SafeName(%q) = %q: hidden or looks like an option", in, got)
	case len(got) > MaxNameBytes || !utf8.ValidString(got):
		t.Fatalf("SafeName(%q) = %q: too long or invalid UTF-8", in, got)
	}
	for _, r := range got {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			t.Fatalf("SafeName(%q) = %q: contains control character %U", in, got, r)
		}
	}
}

func FuzzSafeName(f *testing.F) {
	for _, s := range []string{"", "..", "../x", "a\x00b", "\x1b]0;t\x07", "CON", strings.Repeat("é", 200) + ".pdf", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := SafeName(in)
		assertSafe(t, in, got)
		if SafeName(got) != got {
			t.Fatalf("SafeName is not idempotent: %q -> %q -> %q", in, got, SafeName(got))
		}
	})
}
