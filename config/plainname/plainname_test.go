package plainname

import (
	"regexp"
	"strings"
	"testing"
)

// The checks accept exactly what the regular expressions they replace accepted.
var replaced = []struct {
	re        *regexp.Regexp
	max       int
	punct     string
	leadPunct bool
}{
	{regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`), 128, "._-", false}, // secret keys
	{regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`), 64, "._-", false},   // account names
	{regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`), 64, "_-", false},     // template names
	{regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`), 64, "_-", true},                 // pack ids in drafts
}

func TestValidMatchesTheRegexpsItReplaced(t *testing.T) {
	inputs := []string{"", "a", "A9", "_a", "-a", ".a", "a.b", "a_b", "a-b", "a b", "a/b", "a\x00", "ñ", "aé",
		"2000004512345671", "ana.souza", "..", ".", "a\n", strings.Repeat("a", 63), strings.Repeat("a", 64),
		strings.Repeat("a", 65), strings.Repeat("b", 127), strings.Repeat("b", 128), strings.Repeat("b", 129)}
	for _, r := range replaced {
		for _, in := range inputs {
			if got, want := Valid(in, r.max, r.punct, r.leadPunct), r.re.MatchString(in); got != want {
				t.Errorf("%s: Valid(%q) = %v, the regexp said %v", r.re, in, got, want)
			}
		}
	}
}

func FuzzValid(f *testing.F) {
	for _, s := range []string{"a", "_x", "a.b", "é", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, r := range replaced {
			if got, want := Valid(in, r.max, r.punct, r.leadPunct), r.re.MatchString(in); got != want {
				t.Fatalf("%s: Valid(%q) = %v, the regexp said %v", r.re, in, got, want)
			}
		}
	})
}
