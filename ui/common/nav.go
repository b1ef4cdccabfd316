package common

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
)

// Navigation and cross-view messages. Children never switch views themselves: they ask with
// Common.Navigate, and the root acts on the request before the next message (the next key of the
// same read) reaches any view. A command would arrive after those keys, which would go to the
// view being left.

// Navigation is the queue of requests (OpenPackMsg, BackMsg, ComposeMsg) made during one Update.
type Navigation struct{ pending []tea.Msg }

// Take returns the requests made since the last Take and empties the queue.
func (n *Navigation) Take() []tea.Msg {
	out := n.pending
	n.pending = nil
	return out
}

// Navigate asks the root to switch views (OpenPackMsg, BackMsg, ComposeMsg) as soon as the
// current Update returns. It returns nil so a view can write `return m.c.Navigate(...)`.
func (c *Common) Navigate(msg tea.Msg) tea.Cmd {
	c.Nav.pending = append(c.Nav.pending, msg)
	return nil
}

// OpenPackMsg asks the root to open the conversation of a pack (from the pack list).
type OpenPackMsg struct {
	PackID string
	Site   string // the pack's site when known (from its header); "" otherwise
	// MessageID, when set, opens the conversation at that message (from the search), scrolled
	// to it and marked.
	MessageID string
	// InTranslation says the search matched the message's translation: the conversation shows
	// it (conversation.Model.OpenAt).
	InTranslation bool
}

// BackMsg asks the root to go back one view (conversation → list, compose → conversation).
type BackMsg struct{}

// ComposeMsg asks the root to open the compose view for a pack. The root keeps one compose model
// per pack, so a draft survives going back and forth until it is sent.
type ComposeMsg struct {
	PackID string
	Site   string
	// Template opens compose with the reply-template picker showing (`T` in the pack list).
	Template bool
}

// SendStartedMsg: compose began sending; the conversation shows the message as "sending".
type SendStartedMsg struct {
	PackID  string
	LocalID string // compose's id for the pending message, to match SendDoneMsg
	Request api.SendRequest
	At      time.Time
}

// SendDoneMsg: the send finished. On success Message is what the API returned (it may be sparse);
// on failure Err is set, the draft stays in compose and the conversation drops the pending row.
type SendDoneMsg struct {
	PackID  string
	LocalID string
	Request api.SendRequest
	Message *api.Message
	Err     error
}

// DraftDiscardedMsg: the seller discarded PackID's draft (ctrl+x twice), in compose and on disk
// when drafts are kept there; Err says the file could not be removed. The root says so in the
// status bar; a served session stops counting as replying to the pack.
type DraftDiscardedMsg struct {
	PackID string
	Err    error
}

// RefreshMsg asks the views to reload what they show (the interval tick or `R`).
type RefreshMsg struct{ Manual bool }

// StatusMsg puts a sentence in the status bar. Err set means it is an error. ShownBy is the view
// that already shows the error itself (a composer's problem beside its draft; zero for none):
// while that view is on screen the status bar does not say it a second time.
type StatusMsg struct {
	Text    string
	Err     error
	ShownBy Owner
}

// Typer is implemented by views that have a focused text field: the root then sends keys to them
// before its global bindings ("q" types a q).
type Typer interface {
	Typing() bool
}

// AltKeyUser is implemented by views whose focused text field gives meaning to some alt keys
// (alt+b, alt+f: word moves); the root reads any other alt+key as esc then the key.
type AltKeyUser interface {
	UsesAltKey(msg tea.KeyMsg) bool
}

// Statuser is implemented by views that put a short note in the footer (e.g. the translation mode).
type Statuser interface {
	Status() string
}
