package serve

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// A demo buyer the list shows on its first screen.
const demoBuyer = "Ana Lucía Pérez"

func TestKnownKeyGetsTheInbox(t *testing.T) {
	ana := newMember(t, "Ana")
	r := startRig(t, rigOptions{members: []member{ana}})
	tm := connect(t, r.addr, ana, nil)
	tm.waitFor(demoBuyer)
	tm.waitFor("Ana (you)")
	fi, err := os.Stat(filepath.Join(r.dataDir, "host_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("host key mode = %v, want 0600", fi.Mode().Perm())
	}
}

func TestRefusals(t *testing.T) {
	ana, stranger := newMember(t, "Ana"), newMember(t, "Eve")
	r := startRig(t, rigOptions{members: []member{ana}})

	if _, err := dial(r.addr, gossh.PublicKeys(stranger.signer)); err == nil {
		t.Error("a key not in the team file was let in")
	}
	if _, err := dial(r.addr, gossh.Password("hunter2")); err == nil {
		t.Error("a password was let in")
	}
	var instruction string
	ki := gossh.KeyboardInteractive(func(_, ins string, q []string, _ []bool) ([]string, error) {
		instruction = ins + strings.Join(q, "")
		return make([]string, len(q)), nil
	})
	if _, err := dial(r.addr, gossh.PublicKeys(stranger.signer), ki); err == nil {
		t.Error("keyboard-interactive was let in")
	}
	if !strings.Contains(instruction, "is not in the team file") || strings.Count(instruction, "\n") > 0 {
		t.Errorf("the refusal line = %q, want one line saying the key is not in the team file", instruction)
	}

	// A known key without a PTY is told so and ends with an error status.
	c, err := dial(r.addr, gossh.PublicKeys(ana.signer))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.CombinedOutput("")
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() == 0 {
		t.Errorf("no-PTY session ended with %v, want a non-zero exit", err)
	}
	if got := strings.TrimSpace(string(out)); got == "" || strings.Contains(got, "\n") || strings.Contains(got, demoBuyer) {
		t.Errorf("no-PTY session printed %q, want one refusal line and no inbox", got)
	}
}

// A second session of the same person over the cap gets one line, then the end; the first one
// stays. (No idle timeout here: on a busy machine it could close the first session before the
// second connects.)
func TestSessionCapPerPerson(t *testing.T) {
	ana := newMember(t, "Ana")
	r := startRig(t, rigOptions{members: []member{ana}, tune: func(c *Config) {
		c.MaxPerMember = 1
		c.IdleTimeout = 0
	}})
	first := connect(t, r.addr, ana, nil)
	first.waitFor(demoBuyer)

	second := connect(t, r.addr, ana, nil)
	second.waitFor("already has as many sessions open as allowed (1)")
	<-second.ended

	mark := first.mark()
	first.send("j") // still served: the cursor moves
	first.waitFrom(mark, "▸")
	select {
	case <-first.ended:
		t.Fatal("the first session ended when the second was refused")
	default:
	}
}

// Over the server's cap a session gets one line, in English ("1 session", not "1 sessions"),
// and the served one stays.
func TestSessionCapOnTheServerSaysHowMany(t *testing.T) {
	ana, bruno := newMember(t, "Ana"), newMember(t, "Bruno")
	r := startRig(t, rigOptions{members: []member{ana, bruno}, tune: func(c *Config) {
		c.MaxSessions = 1
		c.IdleTimeout = -1
	}})
	first := connect(t, r.addr, ana, nil)
	first.waitFor(demoBuyer)

	second := connect(t, r.addr, bruno, nil)
	second.waitFor("postsale: the server already serves 1 session; try again later.")
	<-second.ended
	select {
	case <-first.ended:
		t.Fatal("the first session ended when the second was refused")
	default:
	}
	if got, want := sessionsCount(64), "64 sessions"; got != want {
		t.Errorf("sessionsCount(64) = %q, want %q", got, want)
	}
}

// Without a key a session closes itself and says why, whatever it was showing by then.
func TestIdleTimeout(t *testing.T) {
	ana := newMember(t, "Ana")
	r := startRig(t, rigOptions{members: []member{ana}, tune: func(c *Config) {
		c.IdleTimeout = 200 * time.Millisecond
	}})
	first := connect(t, r.addr, ana, nil)
	first.waitFor("without a key")
	<-first.ended
	if code := first.exitStatus(); code != 1 {
		t.Errorf("a session closed for idling exited %d, want 1", code)
	}
}

// A person quitting exits 0: only a session the server ends exits 1.
func TestQuittingExitsZero(t *testing.T) {
	ana := newMember(t, "Ana")
	r := startRig(t, rigOptions{members: []member{ana}, tune: func(c *Config) { c.IdleTimeout = -1 }})
	a := connect(t, r.addr, ana, nil)
	a.waitFor(demoBuyer)
	a.send("q")
	if code := a.exitStatus(); code != 0 {
		t.Errorf("quitting exited %d, want 0", code)
	}
}
