package cli

import "testing"

func TestBackgroundIsDecidedFromTheEnvironment(t *testing.T) {
	for _, tc := range []struct {
		theme, colorfgbg string
		dark             bool
	}{
		{"", "", true},      // nothing known: dark
		{"", "15;0", true},  // white on black
		{"", "0;15", false}, // black on white
		{"", "0;default;7", false},
		{"", "12;8", true},
		{"", "junk", true},
		{"light", "15;0", false}, // the setting wins
		{"DARK", "0;15", true},
	} {
		env := map[string]string{"POSTSALE_THEME": tc.theme, "COLORFGBG": tc.colorfgbg}
		if got := darkBackground(func(k string) string { return env[k] }); got != tc.dark {
			t.Errorf("POSTSALE_THEME=%q COLORFGBG=%q: dark = %v", tc.theme, tc.colorfgbg, got)
		}
	}
}
