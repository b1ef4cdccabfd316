package cli

import (
	"io"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// inboxRenderer is the inbox's renderer for out, with light or dark decided before the program
// starts and never by asking the terminal: lipgloss would send an OSC 11 query when it first
// draws, after Bubble Tea has taken the input, and a terminal that does not answer (tmux with
// TERM=xterm-256color, many SSH sessions) delayed the first frame by seconds or swallowed a key.
func inboxRenderer(out io.Writer, getenv func(string) string) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(out)
	r.SetHasDarkBackground(darkBackground(getenv))
	return r
}

// darkBackground decides the background from POSTSALE_THEME ("light" or "dark"), else from
// COLORFGBG ("fg;bg" as rxvt, Konsole and others set it: bg 7 or 9–15 is light), else dark.
func darkBackground(getenv func(string) string) bool {
	switch strings.ToLower(strings.TrimSpace(getenv("POSTSALE_THEME"))) {
	case "light":
		return false
	case "dark":
		return true
	}
	if v := getenv("COLORFGBG"); v != "" {
		parts := strings.Split(v, ";")
		if bg, err := strconv.Atoi(parts[len(parts)-1]); err == nil && bg >= 0 && bg <= 15 {
			return !(bg == 7 || bg >= 9)
		}
	}
	return true
}
