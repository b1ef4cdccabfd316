package attachments

import (
	"context"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
)

const (
	demoPack = "2000004411223300" // MCO: a text guide, a PNG and a broken PNG
	demoSite = "MCO"
)

func newCommon(t *testing.T) (*sandbox.Server, *common.Common) {
	t.Helper()
	sb := sandbox.New()
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	client, err := api.New(api.StaticToken(sb.Token()), api.WithBaseURL(ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c := common.New(ctx, client, r)
	c.Now = func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }
	c.Location = time.UTC
	return sb, c
}

// drain runs cmd like the runtime does, depth first, and returns every message it produced
// (batches flattened; progress re-armed until the meter closes).
func drain(cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if b, ok := msg.(tea.BatchMsg); ok {
			queue = append([]tea.Cmd(b), queue...)
			continue
		}
		if msg == nil {
			continue
		}
		out = append(out, msg)
		if p, ok := msg.(ProgressMsg); ok {
			queue = append(queue, p.Next())
		}
	}
	return out
}

func finished(t *testing.T, msgs []tea.Msg) common.TaskFinishedMsg {
	t.Helper()
	for _, m := range msgs {
		if f, ok := m.(common.TaskFinishedMsg); ok {
			return f
		}
	}
	t.Fatalf("no task finished among %d messages: %#v", len(msgs), msgs)
	return common.TaskFinishedMsg{}
}

func findAttachment(t *testing.T, c *common.Common, pack, name string) api.Attachment {
	t.Helper()
	conv, err := c.Client.PackMessages(context.Background(), pack, api.PageOptions{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range conv.Messages {
		for _, a := range m.Attachments {
			if a.OriginalFilename == name {
				return a
			}
		}
	}
	t.Fatalf("no attachment %q in pack %s", name, pack)
	return api.Attachment{}
}

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}
