package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Stopping the server (Ctrl+C, SIGTERM) ends every session as the idle timeout does: the
// terminal restored, one line saying why, drafts saved; then nothing more is accepted.
func TestStopEndsEverySessionCleanly(t *testing.T) {
	ana, bruno := newMember(t, "Ana"), newMember(t, "Bruno")
	r := startRig(t, rigOptions{members: []member{ana, bruno}, tune: func(c *Config) { c.IdleTimeout = -1 }})
	a, b := connectWithADraft(t, r.addr, ana, bruno, "borrador 8086")

	am, bm := a.mark(), b.mark()
	closed := make(chan error, 1)
	go func() { closed <- r.srv.Close() }()
	const why = "postsale: the server is stopping; any reply you were writing is saved as a draft."
	for _, tm := range []struct {
		*term
		mark int
	}{{a, am}, {b, bm}} {
		assertEndedCleanly(t, tm.term, tm.mark, why)
		tm.close() // as OpenSSH does once its session has ended
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.logBuf.String(), "after the stop grace") {
		t.Error("Close waited out its grace although every client hung up")
	}
	drafts, _ := filepath.Glob(filepath.Join(r.dataDir, "members", "Ana", "drafts", "*"))
	found := false
	for _, p := range drafts {
		data, _ := os.ReadFile(p)
		found = found || strings.Contains(string(data), "borrador 8086")
	}
	if !found {
		t.Errorf("Ana's draft was not saved (drafts: %v)", drafts)
	}
	if _, err := dial(r.addr, gossh.PublicKeys(ana.signer)); err == nil {
		t.Error("a stopped server let a key in")
	}
}

// A client that never hangs up does not hold the stop: after StopGrace it is cut, having been
// told why all the same.
func TestStopCutsAClientThatNeverHangsUp(t *testing.T) {
	ana := newMember(t, "Ana")
	r := startRig(t, rigOptions{members: []member{ana}, tune: func(c *Config) {
		c.IdleTimeout = -1
		// Each step of the stop gets the grace: the sessions ending (cleanly, with their line)
		// must fit in it on a busy machine; the client that never hangs up then waits it out.
		c.StopGrace = 2 * time.Second
	}})
	a := connect(t, r.addr, ana, nil)
	a.waitFor(demoBuyer)
	m := a.mark()
	if err := r.srv.Close(); err != nil {
		t.Fatal(err)
	}
	assertEndedCleanly(t, a, m, "postsale: the server is stopping")
	if !strings.Contains(r.logBuf.String(), "clients still connected after the stop grace") {
		t.Error("the server log does not say it cut a session")
	}
}
