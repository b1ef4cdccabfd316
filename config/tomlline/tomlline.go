// Package tomlline tells on which line of a TOML file a parse error is, for messages that send
// a person to that line.
package tomlline

import (
	"strings"

	"github.com/BurntSushi/toml"
)

// Of is the line (from 1) of data where pe's problem starts. The parser's Position.Line is the
// line its lexer had reached, which is the next one when the faulty token runs into a line
// break: `[[member]` alone on line 1 is reported on line 2. Position.Start is the byte where
// that token starts, in data less a byte-order mark (the parser skips one), so the line is
// counted from there, and never later than the parser's.
func Of(data string, pe toml.ParseError) int {
	in := data
	switch {
	case strings.HasPrefix(in, "\xff\xfe"), strings.HasPrefix(in, "\xfe\xff"):
		in = in[2:]
	case strings.HasPrefix(in, "\xef\xbb\xbf"):
		in = in[3:]
	}
	reported := pe.Position.Line
	start := pe.Position.Start
	if start < 0 || start > len(in) {
		return max(reported, 1)
	}
	line := 1 + strings.Count(in[:start], "\n")
	if reported > 0 && line > reported {
		return reported
	}
	return line
}
