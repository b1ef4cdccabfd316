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
// with Ctrl+C instead of being killed, so on a seller's account the reply being typed is in
// their drafts, and the demo leaves nothing behind: its temporary store and drafts folder are
// gone from the temporary folder and the seller's drafts folder is untouched.
func TestHangupKeepsTheDraftAndRemovesTheDemoStore(t *testing.T) {
	if os.Getenv("POSTSALE_HANGUP_CHILD") == "1" {
		args := strings.Fields(os.Getenv("POSTSALE_HANGUP_ARGS"))
		os.Exit(Run(context.Background(), args, IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	const text = "Llega el martes sin falta"
	t.Run("account", func(t *testing.T) {
		_, _, _, env := cliSandbox(t) // postsale on an account at the sandbox
		dir := t.TempDir()
		hangUpWhileTyping(t, dir, text, nil, "POSTSALE_HANGUP_ARGS=",
			"MELI_API_URL="+env["MELI_API_URL"], "MELI_ACCESS_TOKEN="+env["MELI_ACCESS_TOKEN"])
		list := sellersDrafts(t, dir)
		var found bool
		for _, d := range list {
			found = found || (d.PackID == "2000004600112233" && strings.Contains(d.Text, text))
		}
		if !found {
			t.Errorf("the reply typed before the hangup is not in the drafts: %+v", list)
		}
	})
	t.Run("demo", func(t *testing.T) {
		dir := t.TempDir()
		tmp := filepath.Join(dir, "tmp")
		patterns := []string{"postsale-demo-store-*", "postsale-demo-drafts-*"}
		running := func() {
			for _, pattern := range patterns {
				if m, _ := filepath.Glob(filepath.Join(tmp, pattern)); len(m) != 1 {
					t.Fatalf("%d %s in the temporary folder while the demo runs, want 1", len(m), pattern)
				}
			}
		}
		hangUpWhileTyping(t, dir, text, running, "POSTSALE_HANGUP_ARGS=--demo")
		for _, pattern := range patterns {
			if left, _ := filepath.Glob(filepath.Join(tmp, pattern)); len(left) != 0 {
				t.Errorf("the demo left %v behind", left)
			}
		}
		if list := sellersDrafts(t, dir); len(list) != 0 {
			t.Errorf("the demo wrote into the seller's drafts: %+v", list)
		}
	})
}

// hangUpWhileTyping runs postsale (the child, with env) in a home below dir, with its temporary
// folder dir/tmp, on a terminal; once its first frame is up (running, when set, looks around
// then) it types text into a reply to Carlos and hangs the terminal up under it, and returns
// once postsale ended.
func hangUpWhileTyping(t *testing.T, dir, text string, running func(), env ...string) {
	t.Helper()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	env = append(env, "POSTSALE_HANGUP_CHILD=1", "TERM=xterm-256color", "TMPDIR="+tmp)
	c := startChild(t, "TestHangupKeepsTheDraftAndRemovesTheDemoStore", dir, env...)
	c.waitFor("first frame", func() bool { return c.has("Conversations") })
	if running != nil {
		running()
	}
	typeKeys := func(s string) {
		t.Helper()
		if _, err := c.master.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	// Filter down to Carlos's row (enter keeps the filter), then reply to it.
	typeKeys("/Carlos")
	c.waitFor("Carlos's row alone", func() bool { return c.has("Carlos Restrepo") && c.has(" 1 of ") })
	typeKeys("\r")
	typeKeys("r")
	c.waitFor("the reply", func() bool { return c.has("Reply to Carlos Restrepo") })
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
}

// sellersDrafts lists the drafts in the seller's drafts folder of the home below dir.
func sellersDrafts(t *testing.T, dir string) []drafts.Draft {
	t.Helper()
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
	return list
}
