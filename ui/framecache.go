package ui

import "github.com/postsale/postsale/ui/common"

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
	notice   string
	right    string
	hasRight bool
	conn     string
	width    int
}
