package serve

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// rawConn is a TCP connection that never logs in: it only reads what the server sends.
type rawConn struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetReadDeadline(time.Now().Add(waitLimit)) // only bounds a test that went wrong
	return &rawConn{t: t, c: c, r: bufio.NewReader(c)}
}

// greeted reports whether the server began the SSH handshake (its version line) with this
// connection: it was let in.
func (rc *rawConn) greeted() bool {
	rc.t.Helper()
	line, err := rc.r.ReadString('\n')
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		rc.t.Fatalf("the server neither greeted nor closed a connection: %v", err)
	}
	return strings.HasPrefix(line, "SSH-2.0-") // a refused one is closed (EOF, or a reset)
}

// waitCut waits until the server closes the connection.
func (rc *rawConn) waitCut() {
	rc.t.Helper()
	if _, err := io.Copy(io.Discard, rc.r); err != nil {
		rc.t.Fatalf("the server never closed a connection that did not log in: %v", err)
	}
}

// Connections that never log in are bounded like OpenSSH's LoginGraceTime and MaxStartups: past
// the cap a new one is refused at once, each is cut after the grace, a login frees its slot
// and is never cut by the grace, and stopping the server cuts the ones still waiting.
func TestConnectionsThatNeverLogInAreBounded(t *testing.T) {
	ana := newMember(t, "Ana")
	// The cap, with a grace no machine is slow enough to reach.
	r := startRig(t, rigOptions{members: []member{ana}, tune: func(c *Config) {
		c.LoginGrace, c.MaxLogins = time.Hour, 2
		c.IdleTimeout = -1
	}})
	c1, c2 := dialRaw(t, r.addr), dialRaw(t, r.addr)
	if !c1.greeted() || !c2.greeted() {
		t.Fatal("connections under the cap were not let in")
	}
	if c3 := dialRaw(t, r.addr); c3.greeted() {
		t.Fatal("a connection over the cap of those logging in was let in")
	}
	if !strings.Contains(r.logBuf.String(), "too many still logging in") {
		t.Error("the server log does not say it refused connections")
	}

	// A login holds no slot: with a cap of one, Ana logged in leaves it to the next connection.
	r = startRig(t, rigOptions{members: []member{ana}, tune: func(c *Config) {
		c.LoginGrace, c.MaxLogins = time.Hour, 1
		c.IdleTimeout = -1
	}})
	a := connect(t, r.addr, ana, nil)
	a.waitFor(demoBuyer)
	if c := dialRaw(t, r.addr); !c.greeted() {
		t.Fatal("a logged-in connection still counts as logging in")
	}
	if c := dialRaw(t, r.addr); c.greeted() {
		t.Fatal("a second connection over a cap of one was let in")
	}

	// The grace: a connection that does not log in is cut, the logged-in session is not. The
	// grace is short for the test, and still far above an SSH login on a busy machine.
	const grace = 2 * time.Second
	r = startRig(t, rigOptions{members: []member{ana}, tune: func(c *Config) {
		c.LoginGrace = grace
		c.IdleTimeout = -1
	}})
	a = connect(t, r.addr, ana, nil)
	a.waitFor(demoBuyer)
	c := dialRaw(t, r.addr)
	if !c.greeted() {
		t.Fatal("a connection under the cap was not let in")
	}
	c.waitCut() // Ana has now been connected longer than the grace
	m := a.mark()
	a.send("j")
	a.waitAny(m)
	select {
	case <-a.ended:
		t.Fatal("the login grace cut a session that had logged in")
	default:
	}
}

// Stopping the server cuts the connections still logging in, without waiting for their grace.
func TestStopCutsConnectionsStillLoggingIn(t *testing.T) {
	ana := newMember(t, "Ana")
	r := startRig(t, rigOptions{members: []member{ana}, tune: func(c *Config) { c.LoginGrace = time.Hour }})
	c := dialRaw(t, r.addr)
	if !c.greeted() {
		t.Fatal("not let in")
	}
	if err := r.srv.Close(); err != nil {
		t.Fatal(err)
	}
	c.waitCut()
}

// A connection that logged in but runs no session (`ssh -N`, or a session channel that never
// asks for a shell) is cut after the idle timeout, as an idle inbox is; the log and the audit
// say whose.
func TestALoggedInConnectionWithoutASessionIsCutAfterTheIdleTimeout(t *testing.T) {
	ana := newMember(t, "Ana")
	r := startRig(t, rigOptions{members: []member{ana}, tune: func(c *Config) {
		c.IdleTimeout = 200 * time.Millisecond
		c.LoginGrace = time.Hour // not the grace: the login is long done
	}})
	waitClosed := func(c *gossh.Client, what string) {
		t.Helper()
		done := make(chan struct{})
		go func() { _ = c.Wait(); close(done) }()
		deadline := time.NewTimer(waitLimit)
		defer deadline.Stop()
		select {
		case <-done:
		case <-deadline.C:
			t.Fatalf("%s was never closed", what)
		}
	}

	n, err := dial(r.addr, gossh.PublicKeys(ana.signer)) // ssh -N
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	waitClosed(n, "a connection without a session")

	c, err := dial(r.addr, gossh.PublicKeys(ana.signer))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if _, err := c.NewSession(); err != nil { // a channel, but no shell, command or subsystem
		t.Fatal(err)
	}
	waitClosed(c, "a connection with a session channel that never started")

	if n := strings.Count(r.logBuf.String(), "connection closed: no session within the idle timeout"); n != 2 {
		t.Errorf("the log says %d connections were cut for running no session, want 2", n)
	}
	if got := auditReasons(t, r.dataDir, "Ana"); len(got) != 2 || got[0] != "no session within the idle timeout" {
		t.Errorf("audit reasons for Ana = %q", got)
	}
}

// While a session runs the connection has no deadline of its own (the session's idle timeout
// applies, by keys); once the last one ends the wait starts again, and closing stops it.
func TestASessionHoldsOffTheConnectionsIdleCut(t *testing.T) {
	l := newLogins(0, 0, slog.New(slog.DiscardHandler))
	l.unused = time.Hour
	a, b := net.Pipe()
	defer b.Close()
	lc := &loginConn{Conn: a, l: l}
	pending := func() bool {
		lc.mu.Lock()
		defer lc.mu.Unlock()
		return lc.idle != nil
	}
	lc.loggedIn()
	if !pending() {
		t.Fatal("a login without a session has no deadline")
	}
	lc.sessionStarted()
	lc.sessionStarted()
	lc.sessionEnded()
	if pending() {
		t.Fatal("a connection running a session has a deadline")
	}
	lc.sessionEnded()
	if !pending() {
		t.Fatal("the last session ended and no deadline started")
	}
	_ = lc.Close()
	if pending() {
		t.Fatal("a closed connection still has a deadline")
	}
}
