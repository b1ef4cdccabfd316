package attachments

import (
	"strings"

	"github.com/postsale/postsale/api/sanitize"
)

// sanitizeStyled makes a line the filepicker drew inert: the file names in it are raw (a file
// named with ESC ] 0; … BEL would retitle the window, OSC 52 write the clipboard), mixed with the
// picker's own colours. Colour (SGR: ESC [ digits m) passes; every other run of text goes
// through the sanitiser, which drops any other escape sequence and control character.
func sanitizeStyled(line string) string {
	var b strings.Builder
	b.Grow(len(line))
	text := 0
	for i := 0; i < len(line); {
		if j := sgrEnd(line, i); j > i {
			b.WriteString(sanitize.Line(line[text:i]))
			b.WriteString(line[i:j])
			i, text = j, j
			continue
		}
		i++
	}
	b.WriteString(sanitize.Line(line[text:]))
	return b.String()
}

// sgrEnd returns the end of an SGR sequence starting at i, or i when there is none.
func sgrEnd(s string, i int) int {
	if i+1 >= len(s) || s[i] != 0x1b || s[i+1] != '[' {
		return i
	}
	for j := i + 2; j < len(s); j++ {
		switch c := s[j]; {
		case c >= '0' && c <= '9', c == ';', c == ':':
		case c == 'm':
			return j + 1
		default:
			return i
		}
	}
	return i
}
