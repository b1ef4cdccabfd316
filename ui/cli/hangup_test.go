//go:build linux

package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/postsale/postsale/config/drafts"
)

// TestHangupKeepsTheDraftAndRemovesTheDemoStore closes the terminal under a running inbox, as a
// closed window or a dropped SSH connection does (the kernel sends SIGHUP): postsale ends as
// with Ctrl+C instead of being killed, so the reply being typed is in its draft and the demo's
// temporary store is gone from the temporary folder.
func TestHangupKeepsTheDraftAndRemovesTheDemoStore(t *testing.T) {
	if os.Getenv("POSTSALE_HANGUP_CHILD") == "1" {
		os.Exit(Run(context.Background(), []string{"--demo"}, IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	demoStores := func() []string {
		m, _ := filepath.Glob(filepath.Join(tmp, "postsale-demo-store-*"))
		return m
	}
	c := startChild(t, "TestHangupKeepsTheDraftAndRemovesTheDemoStore", dir, "POSTSALE_HANGUP_CHILD=1",
		"TERM=xterm-256color", "TMPDIR="+tmp)
	c.waitFor("first frame", func() bool { return c.has("Conversations") })
	if n := len(demoStores()); n != 1 {
		t.Fatalf("%d demo stores in the temporary folder while the demo runs, want 1", n)
	}
	typeKeys := func(s string) {
		t.Helper()
		if _, err := c.master.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	// Filter down to Carlos's row (enter keeps the filter), then reply to it.
	typeKeys("/Carlos")
	c.waitFor("Carlos's row alone", func() bool { return c.has("Carlos Restrepo") && c.has(" 1 of 18") })
	typeKeys("\r")
	typeKeys("r")
	c.waitFor("the reply", func() bool { return c.has("Reply to Carlos Restrepo") })
	const text = "Llega el martes sin falta"
	typeKeys(text)
	c.waitFor("the typed reply", func() bool { return c.has(text) })

	// The window closes: the terminal hangs up under the program at once.
	c.master.Close()
	var err error
	select {
	case err = <-c.exited:
		c.exited <- err
	case <-time.After(60 * time.Second):
		t.Fatal("postsale still runs a minute after its terminal hung up")
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Fatalf("postsale was killed by %v when its terminal hung up", ws.Signal())
		}
	}
	if left := demoStores(); len(left) != 0 {
		t.Errorf("the demo's temporary store was left behind: %v", left)
	}
	store, err := drafts.Open(func(k string) (string, bool) {
		if k == "XDG_STATE_HOME" {
			return filepath.Join(dir, "state"), true
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	list, err := store.List()
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, d := range list {
		found = found || (d.PackID == "2000004600112233" && strings.Contains(d.Text, text))
	}
	if !found {
		t.Errorf("the reply typed before the hangup is not in the drafts: %+v", list)
	}
}
