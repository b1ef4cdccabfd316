package ui

import (
	"fmt"
	"io"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

// notifier rings the session's terminal when a sync brings new buyer messages: a bell, and a
// desktop notification (OSC 9 or OSC 777) where the terminal is known to show one. It writes to
// the session's own output (never the server's stdout); a zero notifier is silent.
type notifier struct {
	out io.Writer
	osc string // "9", "777" or "" (bell only)
}

// newNotifier picks the notification for the terminal getenv describes (TERM_PROGRAM, TERM,
// TMUX); out nil means notices are off.
func newNotifier(out io.Writer, getenv func(string) string) notifier {
	if out == nil {
		return notifier{}
	}
	if getenv == nil {
		return notifier{out: out}
	}
	return notifier{out: out, osc: oscFor(getenv("TERM_PROGRAM"), getenv("TERM"), getenv("TMUX") != "")}
}

// oscFor is the desktop notification the terminal understands: OSC 9 (iTerm2, WezTerm, kitty,
// Ghostty), OSC 777 (foot, urxvt); none inside tmux or screen, which would not pass it on.
func oscFor(program, term string, tmux bool) string {
	term = strings.ToLower(term)
	if tmux || strings.HasPrefix(term, "tmux") || strings.HasPrefix(term, "screen") {
		return ""
	}
	switch strings.ToLower(program) {
	case "iterm.app", "wezterm", "ghostty":
		return "9"
	}
	switch {
	case strings.Contains(term, "kitty"), strings.Contains(term, "ghostty"):
		return "9"
	case strings.HasPrefix(term, "foot"), strings.HasPrefix(term, "rxvt-unicode"):
		return "777"
	}
	return ""
}

// sequence is what is written for msg: the bell and, when known, the notification.
func (n notifier) sequence(msg common.NewMessagesMsg) string {
	body := fmt.Sprintf("%d new message", msg.Count)
	if msg.Count != 1 {
		body += "s"
	}
	if len(msg.Buyers) > 0 {
		body += " from " + strings.Join(msg.Buyers, ", ")
	}
	// A notification's text ends at BEL or ST and OSC 777 splits on ';': none may get through.
	body = strings.NewReplacer(";", ",", "\a", "").Replace(sanitize.Line(body))
	body = truncateRunes(body, 200)
	switch n.osc {
	case "9":
		return "\a\x1b]9;postsale: " + body + "\a"
	case "777":
		return "\a\x1b]777;notify;postsale;" + body + "\a"
	}
	return "\a"
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// cmd writes the notice off the update loop; nil when notices are off.
func (n notifier) cmd(msg common.NewMessagesMsg) tea.Cmd {
	if n.out == nil || msg.Count == 0 {
		return nil
	}
	out, seq := n.out, n.sequence(msg)
	return func() tea.Msg {
		_, _ = io.WriteString(out, seq) // a bell that cannot be written is no loss
		return nil
	}
}
