package sanitize

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Flags and Hangul keep their width agreement with a terminal. The cells column is what tmux 3.3a
// (TERM=xterm-256color) moved its cursor by for the output, measured with #{cursor_x}; x/ansi must
// say the same, or a row loses its columns.
func TestClustersMeasureAsTerminalsRender(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		cells    int
	}{
		{"🇧🇷", "🇧🇷", 2},
		{"🇧🇷🇦🇷", "🇧🇷🇦🇷", 4},
		{"🇧", "B", 1},                              // lone indicator: 2 cells to x/ansi, 1 in tmux
		{"🇧🇷🇦 x", "🇧🇷A x", 5},                      // pairs from the start of the run
		{"🇧\u200d🇷", "🇧🇷", 2},                      // the joiner is dropped first, then they pair
		{"\u1100\u1161\u11a8", "각", 2},             // L V T → one syllable
		{"\u1100\u1161", "가", 2},                   // L V
		{"가\u11a8", "각", 2},                        // LV syllable + T
		{"\u1100\u1100\u1161", "\ufffd가", 3},       // x/ansi: one cluster of 2; tmux: 4
		{"a\u1161", "a\ufffd", 2},                  // lone vowel: tmux 0 cells, x/ansi 1
		{"각\u1161", "각\ufffd", 3},                  // LVT then V
		{"\u1100\u1161\u11a8\u11a8", "각\ufffd", 3}, // a second trailing jamo
		{"\ua960\u1161", "\ufffd\ufffd", 2},        // old Hangul leading jamo: no precomposed form
		{"한국어", "한국어", 6},                          // precomposed syllables untouched
	} {
		got := String(tc.in)
		if got != tc.want {
			t.Errorf("String(%+q) = %+q, want %+q", tc.in, got, tc.want)
		}
		if w := ansi.StringWidth(got); w != tc.cells {
			t.Errorf("String(%+q) = %+q: x/ansi width %d, want %d", tc.in, got, w, tc.cells)
		}
		if Line(tc.in) != got {
			t.Errorf("Line(%+q) = %+q, want %+q", tc.in, Line(tc.in), got)
		}
	}
}
