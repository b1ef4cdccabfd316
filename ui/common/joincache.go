package common

import (
	"slices"
	"strings"
)

// JoinCache joins a view's lines into its frame, reusing the last frame's string when every
// line is the same: an idle redraw (a spinner tick elsewhere on the screen) then builds nothing.
// The zero value is ready; it belongs to one view of one session.
type JoinCache struct {
	lines []string // the last frame's lines, and out, their join
	out   string
	spare []string // a buffer for the next frame's lines
}

// Next is an empty slice of capacity n for this frame's lines, never the last frame's (Join
// compares the two).
func (jc *JoinCache) Next(n int) []string {
	if cap(jc.spare) >= n {
		return jc.spare[:0]
	}
	return make([]string, 0, n)
}

// Join is lines joined by newlines, the last frame's string when the lines are the same.
// lines must not be changed afterwards (Next hands out a different buffer).
func (jc *JoinCache) Join(lines []string) string {
	if jc.lines != nil && slices.Equal(jc.lines, lines) {
		jc.spare = lines[:0]
		return jc.out
	}
	jc.spare, jc.lines, jc.out = jc.lines, lines, strings.Join(lines, "\n")
	return jc.out
}
