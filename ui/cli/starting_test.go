package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/ui"
	"github.com/postsale/postsale/ui/uitest"
)

func demoInbox(t *testing.T) *ui.Model {
	t.Helper()
	e := uitest.New(t)
	m, err := ui.NewSession(ui.SessionOptions{Ctx: e.Common.Ctx, Data: e.Client, Renderer: uitest.Renderer(termenv.Ascii),
		Now: e.Common.Now, Location: time.UTC, Seller: e.Sandbox.SellerID()})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Bubble Tea takes the terminal before the inbox exists: the window's size and keys typed at
// once wait for it, in order, and reach it when it is built.
func TestStartingKeepsWhatArrivesBeforeTheInbox(t *testing.T) {
	start := newStarting(nil)
	tm := teatest.NewTestModel(t, start, teatest.WithInitialTermSize(100, 30))
	tm.Type("/Beatriz")
	tm.Send(builtMsg{inbox: demoInbox(t)})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Beatriz")) }, teatest.WithDuration(30*time.Second))
	tm.Send(tea.Quit())
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*starting)
	if final.inbox == nil {
		t.Fatal("the inbox never arrived")
	}
	view := final.inbox.View()
	if !strings.Contains(view, "Beatriz") || len(final.pending) != 0 {
		t.Fatalf("the keys typed before the inbox existed did not reach it (pending %d):\n%s", len(final.pending), view)
	}
	if !strings.Contains(view, "/ Beatriz") && !strings.Contains(view, "/Beatriz") && !strings.Contains(view, "> Beatriz") {
		t.Fatalf("the filter does not hold what was typed before the inbox existed:\n%s", view)
	}
	if w := strings.Split(view, "\n")[0]; len([]rune(w)) != 100 {
		t.Fatalf("the inbox did not get the window's size before it was built: first line is %d wide:\n%s", len([]rune(w)), view)
	}
}

// An inbox that cannot be built ends the program with the reason, which runInbox returns.
func TestStartingEndsWithTheBuildsError(t *testing.T) {
	start := newStarting(nil)
	tm := teatest.NewTestModel(t, start, teatest.WithInitialTermSize(100, 30))
	tm.Type("j")
	tm.Send(builtMsg{err: errors.New("the local store is locked")})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*starting)
	if final.err == nil || final.err.Error() != "the local store is locked" || final.inbox != nil {
		t.Fatalf("err = %v, inbox %v", final.err, final.inbox)
	}
}

// A build that takes long (a store another postsale holds busy) is said on screen instead of a
// blank one, and the inbox replaces the line when it comes.
func TestStartingSaysWhatItDoesWhenTheBuildIsSlow(t *testing.T) {
	start := newStarting(nil)
	tm := teatest.NewTestModel(t, start, teatest.WithInitialTermSize(100, 30))
	tm.Send(slowMsg{}) // what the timer sends after slowBuild
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("opening your local history")) }, teatest.WithDuration(10*time.Second))
	tm.Send(builtMsg{inbox: demoInbox(t)})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Beatriz Souza")) }, teatest.WithDuration(30*time.Second))
	tm.Send(slowMsg{}) // a late timer changes nothing
	tm.Send(tea.Quit())
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*starting)
	if v := final.View(); strings.Contains(v, "opening your local history") || !strings.Contains(v, "Beatriz Souza") {
		t.Fatalf("after the build the inbox is shown:\n%s", v)
	}
}
