package common

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Fit makes a styled line exactly width cells wide: cut (ending in tail) when longer, padded with
// spaces when shorter, so a view never overflows the area it was given.
func Fit(line string, width int, tail string) string {
	if width < 1 {
		return ""
	}
	line = ansi.Truncate(line, width, tail)
	if w := ansi.StringWidth(line); w < width {
		line += strings.Repeat(" ", width-w)
	}
	return line
}

// Truncate shortens a line to width cells, ending in "…" when it was cut.
func Truncate(s string, width int) string {
	if width < 1 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}
