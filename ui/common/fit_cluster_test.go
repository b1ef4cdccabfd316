package common_test

import (
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// A row with a flag, Hangul jamo or an invisible format character, cut anywhere, is exactly the
// width asked for, both to x/ansi and to a terminal adding up code points: a flag is never cut in
// half, and nothing measures differently in the two.
func TestFitKeepsFlagsAndJamoToTheWidth(t *testing.T) {
	for _, raw := range []string{
		"🇧🇷 Ana", "a🇧🇷🇦🇷🇧 b", "\u1100\u1161\u11a8 Kim", "\u1100\u1100\u1161\u1161\u11a8 x", "x\u034fy\u17b4z\u206a",
		"Jose\u0301 🇧🇷\u200d🇦🇷 각각",
	} {
		line := sanitize.Line(raw)
		for w := 1; w <= 24; w++ {
			got := common.Fit(line, w, "…")
			if aw, tw := ansi.StringWidth(got), uitest.TermWidth(got); aw != w || tw != w {
				t.Errorf("Fit(%+q, %d) = %+q: %d cells to x/ansi, %d to a terminal", line, w, got, aw, tw)
			}
			if tr := common.Truncate(line, w); uitest.TermWidth(tr) != ansi.StringWidth(tr) || ansi.StringWidth(tr) > w {
				t.Errorf("Truncate(%+q, %d) = %+q measures %d/%d", line, w, tr, ansi.StringWidth(tr), uitest.TermWidth(tr))
			}
		}
	}
}
