package serve

import (
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Connections that have not logged in yet are bounded like OpenSSH's LoginGraceTime and
// MaxStartups: each has grace to log in, after which it is cut, and past max of them at once a
// new connection is refused at once. Without this a raw TCP connection that never speaks held
// a descriptor and a goroutine for as long as the peer liked, and nothing capped how many.
//
// A connection that logged in is then bounded like a session: while it runs no session (the
// inbox, scp) it is cut after the idle timeout, as an inbox nobody types in is. That is `ssh -N`,
// a session channel that never asks for a shell, or a multiplexing master (ControlPersist)
// after its last session; without it such a connection stayed for as long as the peer liked.

// logins keeps the connections still logging in.
type logins struct {
	grace time.Duration // <= 0: no deadline
	max   int           // <= 0: no cap
	log   *slog.Logger
	// unused is how long a logged-in connection may run no session (<= 0: no limit);
	// onUnused hears of each cut first (the log and the audit).
	unused   time.Duration
	onUnused func(ssh.Context)

	mu      sync.Mutex
	pending map[*loginConn]struct{}
	refused int  // refusals since the cap was last reached (logged once, then summed up)
	closed  bool // the server is stopping: nothing more is let in
}

func newLogins(grace time.Duration, max int, log *slog.Logger) *logins {
	return &logins{grace: grace, max: max, log: log, pending: map[*loginConn]struct{}{}}
}

// loginConn is a connection until its login is accepted: the deadline runs, and the slot is
// released once it logs in or closes. Once logged in, it counts the sessions running on it and
// is cut after logins.unused without one.
type loginConn struct {
	net.Conn
	l   *logins
	ctx ssh.Context

	mu    sync.Mutex
	timer *time.Timer
	done  bool // logged in or closed: slot released, deadline stopped
	// After the login:
	sessions int         // sessions running (their handler has not returned)
	idle     *time.Timer // cuts the connection while sessions is 0
	idleGen  int         // bumped whenever idle is stopped or armed: a stale firing does nothing
	closed   bool
}

// admit is the ssh server's ConnCallback: nil refuses the connection (the server closes it).
func (l *logins) admit(ctx ssh.Context, c net.Conn) net.Conn {
	lc := &loginConn{Conn: c, l: l}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	if l.max > 0 && len(l.pending) >= l.max {
		l.refused++
		first := l.refused == 1
		l.mu.Unlock()
		if first {
			l.log.Warn("refusing connections: too many still logging in", "max", l.max, "remote", c.RemoteAddr().String())
		}
		return nil
	}
	l.pending[lc] = struct{}{}
	l.mu.Unlock()
	if l.grace > 0 {
		lc.mu.Lock()
		lc.timer = time.AfterFunc(l.grace, lc.expire)
		lc.mu.Unlock()
	}
	lc.ctx = ctx
	ctx.SetValue(loginKey, lc)
	return lc
}

// config is the ssh server's ServerConfigCallback: an accepted login releases its slot and
// stops its deadline. AuthLogCallback hears of a login only once the key's signature checked
// out, not when a client merely asks whether a key would do.
func (l *logins) config(ctx ssh.Context) *gossh.ServerConfig {
	cfg := &gossh.ServerConfig{}
	if lc, ok := ctx.Value(loginKey).(*loginConn); ok {
		cfg.AuthLogCallback = func(_ gossh.ConnMetadata, _ string, err error) {
			if err == nil {
				lc.loggedIn()
			}
		}
	}
	return cfg
}

// closeAll refuses every new connection and cuts those still logging in (the server stops).
func (l *logins) closeAll() {
	l.mu.Lock()
	l.closed = true
	cut := make([]*loginConn, 0, len(l.pending))
	for lc := range l.pending {
		cut = append(cut, lc)
	}
	l.mu.Unlock()
	for _, lc := range cut {
		_ = lc.Close()
	}
}

// expire cuts a connection that did not log in within the grace.
func (lc *loginConn) expire() {
	lc.mu.Lock()
	done := lc.done
	lc.mu.Unlock()
	if done {
		return
	}
	lc.l.log.Debug("connection closed: no login within the grace", "grace", lc.l.grace.String(), "remote", lc.RemoteAddr().String())
	_ = lc.Close()
}

// release frees the slot and stops the deadline, once.
func (lc *loginConn) release() {
	lc.mu.Lock()
	if lc.done {
		lc.mu.Unlock()
		return
	}
	lc.done = true
	if lc.timer != nil {
		lc.timer.Stop()
	}
	lc.mu.Unlock()
	l := lc.l
	l.mu.Lock()
	delete(l.pending, lc)
	refused := 0
	if l.refused > 0 && (l.max <= 0 || len(l.pending) < l.max) {
		refused, l.refused = l.refused, 0
	}
	l.mu.Unlock()
	if refused > 0 {
		l.log.Info("accepting connections again", "refused_while_full", refused)
	}
}

// loggedIn frees the slot and starts the wait for a session.
func (lc *loginConn) loggedIn() {
	lc.release()
	lc.mu.Lock()
	lc.armIdle()
	lc.mu.Unlock()
}

// armIdle starts the wait for a session when none runs (under mu).
func (lc *loginConn) armIdle() {
	if lc.l.unused <= 0 || lc.sessions > 0 || lc.closed {
		return
	}
	lc.stopIdle()
	gen := lc.idleGen
	lc.idle = time.AfterFunc(lc.l.unused, func() { lc.idleOut(gen) })
}

// stopIdle stops the wait for a session (under mu).
func (lc *loginConn) stopIdle() {
	lc.idleGen++
	if lc.idle != nil {
		lc.idle.Stop()
		lc.idle = nil
	}
}

// idleOut cuts the connection when the wait armed as gen ran out with still no session.
func (lc *loginConn) idleOut(gen int) {
	lc.mu.Lock()
	stale := gen != lc.idleGen || lc.sessions > 0 || lc.closed
	lc.mu.Unlock()
	if stale {
		return
	}
	if lc.l.onUnused != nil {
		lc.l.onUnused(lc.ctx)
	}
	_ = lc.Close()
}

// sessionStarted and sessionEnded bracket a session's handler: while one runs the connection
// is in use.
func (lc *loginConn) sessionStarted() {
	lc.mu.Lock()
	lc.sessions++
	lc.stopIdle()
	lc.mu.Unlock()
}

func (lc *loginConn) sessionEnded() {
	lc.mu.Lock()
	lc.sessions--
	lc.armIdle()
	lc.mu.Unlock()
}

// inUse is the outermost middleware: it counts the sessions running on each connection.
func (l *logins) inUse(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if lc, ok := sess.Context().Value(loginKey).(*loginConn); ok {
			lc.sessionStarted()
			defer lc.sessionEnded()
		}
		next(sess)
	}
}

func (lc *loginConn) Close() error {
	lc.release()
	lc.mu.Lock()
	lc.closed = true
	lc.stopIdle()
	lc.mu.Unlock()
	return lc.Conn.Close()
}
