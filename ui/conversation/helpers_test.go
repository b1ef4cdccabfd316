package conversation

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// Demo packs used by the tests (assets/demo/demo.json).
const (
	packLinks   = "2000004512345671" // seller reply with an <a href> link
	packLong    = "2000004777000111" // 300+ generated messages
	packHostile = "2000004900001111" // buyer text with OSC 52, clear screen, colours
	packThreat  = "2000004400998877" // pdf flagged potential_security_threat
	packBlocked = "2000003999887766" // blocked_by_time
	packModer   = "2000004966554433" // seller message moderated (short URL)
)

// clock is the fixed time of the sandbox and the UI, so goldens are stable.
var clock = uitest.DefaultClock()

type env struct {
	sb *sandbox.Server
	c  *common.Common
}

func newEnv(t testing.TB) *env {
	t.Helper()
	u := uitest.New(t, uitest.At(clock), uitest.AsSeller("MLM", "Demo Seller"))
	return &env{sb: u.Sandbox, c: u.Common}
}

// run executes cmd like the Bubble Tea runtime and plays a minimal root: task results and send
// messages go back to m; everything else is returned for assertions.
func run(m tea.Model, cmd tea.Cmd) []tea.Msg { return uitest.Play(m, cmd, uitest.Returned) }

// press sends a key and runs what it starts.
func press(m tea.Model, k string) []tea.Msg { return uitest.Update(m, uitest.Key(k), uitest.Returned) }

// openPack builds the conversation of packID at w×h and loads its newest page.
func openPack(t testing.TB, e *env, packID string, w, h int) *Model {
	t.Helper()
	m := New(e.c, packID, "")
	m.SetSize(w, h)
	for _, msg := range run(m, m.Init()) {
		if f, ok := msg.(common.TaskFinishedMsg); ok && f.Err != nil {
			t.Fatalf("load %s: %v", packID, f.Err)
		}
	}
	return m
}

func lines(view string) []string { return strings.Split(view, "\n") }

// deliver hands msg to m as the root would and runs what it starts.
func deliver(m tea.Model, msg tea.Msg) []tea.Msg { return uitest.Update(m, msg, uitest.Returned) }
