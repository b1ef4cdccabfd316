//go:build linux

package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/postsale/postsale/config/drafts"
)

// TestDemoKeepsTheSellersDraftsApart runs postsale --demo where the seller has a draft of their
// own for a pack the demo shows too (demo packs are real pack ids): the demo never restores it,
// never discards it and never writes beside it. Its own drafts still work (kept while it runs,
// back when the reply opens again) and go with it.
func TestDemoKeepsTheSellersDraftsApart(t *testing.T) {
	if os.Getenv("POSTSALE_DEMODRAFTS_CHILD") == "1" {
		os.Exit(Run(context.Background(), []string{"--demo"}, IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	const pack = "2000004533445566" // Beatriz Souza, the demo's top row
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	sellers := drafts.NewStore(filepath.Join(dir, "state", "postsale", "drafts"))
	const real = "Respuesta real sin enviar"
	if err := sellers.Save(drafts.Draft{PackID: pack, Text: real}); err != nil {
		t.Fatal(err)
	}
	c := startChild(t, "TestDemoKeepsTheSellersDraftsApart", dir, "POSTSALE_DEMODRAFTS_CHILD=1",
		"TERM=xterm-256color", "TMPDIR="+tmp)
	typeKeys := func(s string) {
		t.Helper()
		if _, err := c.master.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	c.waitFor("first frame", func() bool { return c.has("Beatriz Souza") })
	typeKeys("r")
	c.waitFor("the reply", func() bool { return c.has("Reply to Beatriz Souza") })
	const typed = "borrador del demo"
	typeKeys(typed)
	c.waitFor("the typed reply", func() bool { return c.has(typed) })
	// Compose writes nothing until the saved draft was read: once the demo's draft is on disk,
	// reading it is over, and it found nothing (the demo's folder is its own).
	demoDraft := func() (drafts.Draft, bool) {
		m, _ := filepath.Glob(filepath.Join(tmp, "postsale-demo-drafts-*"))
		if len(m) != 1 {
			return drafts.Draft{}, false
		}
		d, err := drafts.NewStore(m[0]).Load(pack)
		return d, err == nil && !d.Empty()
	}
	teatest.WaitFor(t, strings.NewReader(""), func([]byte) bool { _, ok := demoDraft(); return ok },
		teatest.WithDuration(60*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	if d, _ := demoDraft(); d.Text != typed {
		t.Errorf("the demo's draft is %q, want only what was typed in the demo", d.Text)
	}
	// Esc keeps the draft, esc again is the list, whose row says so; r on the row brings it back.
	typeKeys("\x1b")
	c.waitFor("the draft kept", func() bool { return c.has("Draft kept") })
	typeKeys("\x1b")
	c.waitFor("the row marked", func() bool { return c.has("✎ draft") })
	typeKeys("/Beatriz")
	c.waitFor("Beatriz's row alone", func() bool { return c.has(" 1 of ") })
	shown := strings.Count(c.scr.String(), typed)
	typeKeys("\r")
	typeKeys("r")
	c.waitFor("the draft back", func() bool { return strings.Count(c.scr.String(), typed) > shown })
	// Discarding the demo's draft leaves the seller's alone.
	typeKeys("\x18\x18")
	c.waitFor("the draft discarded", func() bool { return c.has("Draft discarded.") })
	typeKeys("\x1b") // to the conversation, where q quits
	c.quit()
	if strings.Contains(c.scr.String(), real) || strings.Contains(c.scr.String(), "Draft restored") {
		t.Error("the demo restored the seller's own draft")
	}
	list, err := sellers.List()
	if err != nil || len(list) != 1 || list[0].PackID != pack || list[0].Text != real {
		t.Errorf("the seller's drafts after the demo = %+v, %v; want their one draft untouched", list, err)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "postsale-demo-drafts-*")); len(left) != 0 {
		t.Errorf("the demo's drafts folder was left behind: %v", left)
	}
}
