package uitest

import (
	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
)

// TermWidth is how many cells a terminal that adds up code points (wcwidth: xterm, tmux 3.3a)
// moves its cursor for a line: styling escapes take none, conjoining Hangul vowels and trailing
// consonants take none, every other code point its East Asian width. A frame whose lines measure
// the same here and with x/ansi's grapheme rules keeps its columns in either kind of terminal.
func TermWidth(line string) int {
	cond := runewidth.NewCondition()
	cond.EastAsianWidth = false // the width a Latin-locale terminal uses, whatever this machine's locale
	n := 0
	for _, r := range ansi.Strip(line) {
		if r >= 0x1160 && r <= 0x11ff || r >= 0xd7b0 && r <= 0xd7ff {
			continue
		}
		n += cond.RuneWidth(r)
	}
	return n
}
