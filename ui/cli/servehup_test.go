//go:build linux

package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// A team file that cannot be read again on SIGHUP leaves the old team serving, and says why in
// postsale.log as well as on the terminal: a service's terminal is seldom read.
func TestServeLogsATeamFileItCannotReload(t *testing.T) {
	if os.Getenv("POSTSALE_SERVE_HUP_CHILD") == "1" {
		args := []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--team", os.Getenv("POSTSALE_TEAM")}
		os.Exit(Run(context.Background(), args, IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	dir := t.TempDir()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	team := filepath.Join(dir, "team.toml")
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key)))
	if err := os.WriteFile(team, []byte("[[member]]\nname = \"Ana\"\nkeys = [\""+line+"\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// TERM=dumb: nothing asks the terminal for its colours, which this one would not answer.
	// TMPDIR: the demo's temporary store goes with the test's folder (the child is killed at the end).
	c := startChild(t, "TestServeLogsATeamFileItCannotReload", dir, "POSTSALE_SERVE_HUP_CHILD=1", "POSTSALE_TEAM="+team, "TERM=dumb", "TMPDIR="+dir)
	c.waitFor("the server", func() bool { return c.has("serving the inbox") })
	if !c.has(" for 1 person (host key ") {
		t.Error("the start line does not say it serves 1 person")
	}

	if err := os.WriteFile(team, []byte("[[member]]\nname = \"Ana\"\nkeys = [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.proc.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	c.waitFor("the refusal on the terminal", func() bool { return c.has("team file not reloaded") })
	logged, _ := os.ReadFile(filepath.Join(dir, "state", "postsale", "postsale.log"))
	var found string
	for _, l := range strings.Split(string(logged), "\n") {
		if strings.Contains(l, "team file not reloaded") {
			found = l
		}
	}
	if !strings.Contains(found, team) || !strings.Contains(found, "line ") {
		t.Errorf("postsale.log has %q, want the team file not reloaded, with its path and line:\n%s", found, logged)
	}
}
