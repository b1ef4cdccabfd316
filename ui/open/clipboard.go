package open

import (
	"errors"
	"io"
	"strings"

	"github.com/aymanbagabas/go-osc52/v2"
)

// errNoOutput: the Opener was given no terminal to write to.
var errNoOutput = errors.New("no terminal output to copy through")

// OSC52 returns the sequence that asks the seller's terminal to put text on their clipboard,
// wrapped for tmux or screen when the environment says they sit in between.
func OSC52(text string, getenv func(string) string) string {
	seq := osc52.New(text)
	switch {
	case getenv("TMUX") != "":
		seq = seq.Tmux()
	case strings.HasPrefix(getenv("TERM"), "screen"):
		seq = seq.Screen()
	}
	return seq.String()
}

// Copy writes text to the seller's clipboard with OSC 52, in one write so it cannot interleave
// with a frame being drawn.
func (o *Opener) Copy(text string) error {
	if o.out == nil {
		return errNoOutput
	}
	_, err := io.WriteString(o.out, OSC52(text, o.getenv))
	return err
}
