package ui

import (
	"slices"
	"strings"

	"github.com/postsale/postsale/ui/common"
)

// headerKey is everything the header line is drawn from: the line is restyled only when one
// of these changes, not on every spinner tick.
type headerKey struct {
	styles  *common.Styles
	demo    bool
	account string
	seller  string
	site    string
	pack    string // raw; sanitised when drawn
	active  view
	help    bool
	width   int
}

// statusKey is everything the status line is drawn from (raw strings, sanitised when drawn).
// While tasks are in flight spinner is the spinner's current frame, so a tick redraws the line.
type statusKey struct {
	styles   *common.Styles
	tasks    bool
	spinner  string
	label    string
	more     int
	errText  string
	info     string
	right    string
	hasRight bool
	conn     string
	width    int
}

// next is an empty slice of capacity n for this frame's lines, never the last frame's (join
// compares the two).
func (fc *frameCache) next(n int) []string {
	if cap(fc.spare) >= n {
		return fc.spare[:0]
	}
	return make([]string, 0, n)
}

// join is lines joined by newlines; when every line is the last frame's, the last frame's string
// is returned as is (an idle tick then builds no new screen).
func (fc *frameCache) join(lines []string) string {
	if fc.lines != nil && slices.Equal(fc.lines, lines) {
		fc.spare = lines[:0]
		return fc.out
	}
	fc.spare, fc.lines, fc.out = fc.lines, lines, strings.Join(lines, "\n")
	return fc.out
}
