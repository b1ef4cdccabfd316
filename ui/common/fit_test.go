package common

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestFit(t *testing.T) {
	cases := []struct {
		in, tail string
		width    int
		want     string
	}{
		{"abc", "…", 5, "abc  "},
		{"abcdef", "…", 4, "abc…"},
		{"abcdef", "", 4, "abcd"},
		{"日本語", "", 3, "日 "}, // a wide rune that does not fit is dropped, the cell padded
		{"abc", "…", 0, ""},
	}
	for _, c := range cases {
		if got := Fit(c.in, c.width, c.tail); got != c.want {
			t.Errorf("Fit(%q, %d, %q) = %q, want %q", c.in, c.width, c.tail, got, c.want)
		}
	}
	styled := "\x1b[1mbold text\x1b[0m"
	if got := Fit(styled, 6, "…"); ansi.StringWidth(got) != 6 || ansi.Strip(got) != "bold …" {
		t.Errorf("Fit(styled, 6) = %q, want 6 cells reading %q", got, "bold …")
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("abcdef", 4); got != "abc…" {
		t.Errorf("Truncate = %q, want %q", got, "abc…")
	}
	if got := Truncate("abc", 4); got != "abc" {
		t.Errorf("Truncate of a short line = %q, want it unchanged", got)
	}
	if got := Truncate("abc", 0); got != "" {
		t.Errorf("Truncate to 0 cells = %q, want empty", got)
	}
}
