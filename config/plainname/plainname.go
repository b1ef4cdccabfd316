// Package plainname checks the plain names postsale uses as file names: account names, secret
// keys, template names and pack ids in drafts' file names.
//
// It replaces anchored regular expressions with bounded repeats ({0,127}): those compile to
// programs of hundreds of instructions, and compiling four of them was a noticeable part of
// every start, before the first frame, for checks that a loop does in nanoseconds.
package plainname

import "strings"

// Valid reports whether s is 1 to max bytes of ASCII letters, digits and the characters in
// punct, starting with a letter or a digit unless leadPunct.
func Valid(s string, max int, punct string, leadPunct bool) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c < 0x80 && strings.IndexByte(punct, c) >= 0 && (i > 0 || leadPunct):
		default:
			return false
		}
	}
	return true
}
