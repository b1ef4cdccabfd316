package tomlline

import (
	"errors"
	"testing"

	"github.com/BurntSushi/toml"
)

// Each broken file's problem is on the line the table names, whether or not the faulty token
// runs into the line break after it.
func TestOfIsTheLineWithTheProblem(t *testing.T) {
	for _, c := range []struct {
		name string
		data string
		want int
	}{
		{"unclosed array of tables, then more", "[[member]\nname = \"A\"\n", 1},
		{"unclosed array of tables alone", "[[member]", 1},
		{"unclosed table after blank lines", "\n\n[keys\n\n", 3},
		{"unclosed table, CRLF", "[keys\r\nquit = \"x\"\r\n", 1},
		{"after a byte-order mark", "\xef\xbb\xbf[[member]\nname = \"A\"\n", 1},
		{"string broken by a line break", "[[member]]\nname = \"A\nkeys = []\n", 2},
		{"array open at the end", "name = \"A\"\nkeys = [\n", 2},
		{"two equals signs", "[[member]]\nname = = 1\n", 2},
		{"a key twice", "a = 1\n\nb = 2\na = 3\n", 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			var v map[string]any
			_, err := toml.Decode(c.data, &v)
			var pe toml.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("no parse error: %v", err)
			}
			if got := Of(c.data, pe); got != c.want {
				t.Errorf("line %d, want %d (the parser said line %d, start %d: %s)", got, c.want, pe.Position.Line, pe.Position.Start, pe.Message)
			}
		})
	}
}
