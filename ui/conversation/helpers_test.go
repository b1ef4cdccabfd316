package conversation

import (
	"strings"
	"testing"

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

type env = uitest.Env

// newEnv is the demo seller on MLM against a fresh sandbox.
func newEnv(t testing.TB) *env { return uitest.New(t, uitest.AsSeller("MLM", "Demo Seller")) }

// openPack builds the conversation of packID at w×h and loads its newest page.
func openPack(t testing.TB, e *env, packID string, w, h int) *Model {
	t.Helper()
	m := New(e.Common, packID, "")
	m.SetSize(w, h)
	for _, msg := range uitest.Run(m, m.Init()) {
		if f, ok := msg.(common.TaskFinishedMsg); ok && f.Err != nil {
			t.Fatalf("load %s: %v", packID, f.Err)
		}
	}
	return m
}

func lines(view string) []string { return strings.Split(view, "\n") }
