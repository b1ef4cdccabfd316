package attachments

import (
	"context"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

const (
	demoPack = "2000004411223300" // MCO: a text guide, a PNG and a broken PNG
	demoSite = "MCO"
)

func newCommon(t *testing.T) (*sandbox.Server, *common.Common) {
	t.Helper()
	u := uitest.New(t)
	return u.Sandbox, u.Common
}

// drain runs cmd like the runtime does, depth first, and returns every message it produced
// (batches flattened; progress re-armed until the meter closes).
func drain(cmd tea.Cmd) []tea.Msg {
	return uitest.Drain(cmd, func(msg tea.Msg) tea.Cmd {
		if p, ok := msg.(ProgressMsg); ok {
			return p.Next()
		}
		return nil
	})
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
