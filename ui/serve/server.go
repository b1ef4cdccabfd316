// Package serve is postsale's SSH front end (`postsale serve`): a small team shares one Mercado
// Libre account from one machine. The token stays on the server; every teammate connects with
// their own SSH key and gets their own inbox (own renderer, size, time zone, drafts, keys),
// while a Hub shares presence, assignments, internal notes and who-sent-what between them.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // a teammate's TZ resolves even on a server without zoneinfo

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	wishtea "github.com/charmbracelet/wish/bubbletea"
	"github.com/charmbracelet/wish/logging"
	wishrecover "github.com/charmbracelet/wish/recover"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/config/seen"
	"github.com/postsale/postsale/ui"
	"github.com/postsale/postsale/ui/common"
)

// Defaults for the server's limits.
const (
	DefaultAddr         = "127.0.0.1:2222"
	DefaultIdleTimeout  = 30 * time.Minute
	DefaultKeepAlive    = 30 * time.Second
	DefaultKeepAliveMax = 3
	DefaultMaxPerMember = 3
	DefaultMaxSessions  = 64
	DefaultStopGrace    = 5 * time.Second
	DefaultLoginGrace   = 30 * time.Second
	DefaultMaxLogins    = 64
)

// Why the server ends a session itself (sessionState.end): the gate says it, after the program
// restored the terminal, followed by whether the drafts were saved.
const (
	endRemoved  = "your key was removed from the team, so this session is closed"
	endStopping = "the server is stopping"
)

// Config is a server's setup. Shared (the one client), Team or TeamFile, HostKeyPath and
// DataDir are required.
type Config struct {
	Addr        string
	HostKeyPath string
	// TeamFile is read at start and by ReloadTeam; Team, when set, is used instead (tests).
	TeamFile string
	Team     *Team
	// DataDir holds the Hub's state file, the audit log and each member's drafts and downloads;
	// CacheDir each member's fetched attachments ("" = under DataDir).
	DataDir  string
	CacheDir string
	Shared   *Shared
	// TeamStore, when set, keeps assignments, notes and sent-by records in the local store
	// (usually the store behind Shared.Data); nil keeps them in DataDir's team-state.json. A
	// state file from before the store is imported into it once.
	TeamStore *store.Store
	Logger    *slog.Logger
	// IdleTimeout ends a session after this long without a key (0 = default, <0 = never).
	IdleTimeout time.Duration
	// KeepAlive is the interval of keep-alive requests; a session missing KeepAliveMax in a
	// row is closed.
	KeepAlive    time.Duration
	KeepAliveMax int
	// MaxPerMember and MaxSessions cap the sessions per person and in total.
	MaxPerMember int
	MaxSessions  int
	// LoginGrace is how long a connection has to log in before it is cut (0 = default, <0 =
	// no limit); MaxLogins caps the connections still logging in, refusing more at once.
	LoginGrace time.Duration
	MaxLogins  int
	// StopGrace is how long Close lets the sessions restore their terminals and say why they
	// end before it cuts the connections (0 = default).
	StopGrace time.Duration
	Now       func() time.Time
}

// Server is a running `postsale serve`.
type Server struct {
	cfg    Config
	ssh    *ssh.Server
	hub    *Hub
	audit  *Audit
	logins *logins // connections still logging in
	team   atomic.Pointer[Team]
	log    *slog.Logger
	wg     sync.WaitGroup // the gates (sessions) running; Add only under mu while not stopping
	mu     sync.Mutex
	// under mu:
	ln       net.Listener
	sessions map[*sessionState]struct{} // the sessions past the gate, to end on reload or stop
	stopping bool                       // Close began: no new session
}

type ctxKey int

const (
	rejectedKey ctxKey = iota // fingerprint of a key not in the team file
	sessionKey                // *sessionState
	refusedKey                // the refusal line was shown on this connection
	loginKey                  // *loginConn, until the login is accepted
)

// sessionState travels from the gate middleware to the program handler and back.
type sessionState struct {
	member string
	key    gossh.PublicKey // the key the session logged in with
	remote string
	conn   *Conn
	model  *sessionModel
	seen   seenKeeper // the member's triage marks, closed when the session ends

	gone <-chan struct{} // closed when the connection is

	endOnce sync.Once
	ended   chan struct{} // closed by end: the program quits, the gate says why
	why     string        // written before ended is closed
}

func newSessionState(member string, key gossh.PublicKey, remote string, gone <-chan struct{}) *sessionState {
	return &sessionState{member: member, key: key, remote: remote, gone: gone, ended: make(chan struct{})}
}

// end asks the session to close itself the clean way (drafts saved, terminal restored, why
// said); the first reason wins. It never blocks.
func (st *sessionState) end(why string) {
	st.endOnce.Do(func() {
		st.why = why
		close(st.ended)
	})
}

// endedWhy is the reason end was given, or "".
func (st *sessionState) endedWhy() string {
	select {
	case <-st.ended:
		return st.why
	default:
		return ""
	}
}

// seenKeeper keeps a member's triage marks: in the account's store when the server has one
// (ui.StoreSeen), else in a file under their folder (seen.Dir).
type seenKeeper interface {
	common.SeenStore
	Close()
}

// New checks the configuration, reads the team file and the Hub's state and prepares the host
// key (generated, 0600, when absent). It does not listen yet.
func New(cfg Config) (*Server, error) {
	if cfg.Shared == nil || cfg.Shared.Client == nil {
		return nil, errors.New("serve: no API client")
	}
	if cfg.DataDir == "" || cfg.HostKeyPath == "" {
		return nil, errors.New("serve: a data directory and a host key path are required")
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Shared.Logger == nil {
		cfg.Shared.Logger = cfg.Logger
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.KeepAlive == 0 {
		cfg.KeepAlive = DefaultKeepAlive
	}
	if cfg.KeepAliveMax <= 0 {
		cfg.KeepAliveMax = DefaultKeepAliveMax
	}
	if cfg.MaxPerMember <= 0 {
		cfg.MaxPerMember = DefaultMaxPerMember
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.LoginGrace == 0 {
		cfg.LoginGrace = DefaultLoginGrace
	}
	if cfg.MaxLogins <= 0 {
		cfg.MaxLogins = DefaultMaxLogins
	}
	if cfg.StopGrace <= 0 {
		cfg.StopGrace = DefaultStopGrace
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CacheDir == "" {
		cfg.CacheDir = filepath.Join(cfg.DataDir, "cache")
	}
	s := &Server{cfg: cfg, log: cfg.Logger, sessions: map[*sessionState]struct{}{}}
	team := cfg.Team
	if team == nil {
		t, err := LoadTeam(cfg.TeamFile)
		if err != nil {
			return nil, err
		}
		team = t
	}
	s.team.Store(team)
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(cfg.HostKeyPath), 0o700); err != nil {
		return nil, fmt.Errorf("serve: host key directory: %w", err)
	}
	audit, err := OpenAudit(filepath.Join(cfg.DataDir, "audit.jsonl"))
	if err != nil {
		return nil, err
	}
	s.audit = audit
	hub, err := NewHub(HubOptions{
		StateFile: filepath.Join(cfg.DataDir, "team-state.json"), Store: cfg.TeamStore, Audit: audit,
		MaxPerMember: cfg.MaxPerMember, MaxTotal: cfg.MaxSessions, Now: cfg.Now,
		OnSaveError: func(err error) { s.log.Error("team state not saved", "err", err) },
		Logger:      cfg.Logger,
	})
	if err != nil {
		_ = audit.Close()
		return nil, err
	}
	s.hub = hub
	s.logins = newLogins(cfg.LoginGrace, cfg.MaxLogins, s.log)
	if cfg.IdleTimeout > 0 {
		s.logins.unused, s.logins.onUnused = cfg.IdleTimeout, s.unusedConn
	}
	printf := printfLogger{s.log}
	srv, err := wish.NewServer(
		wish.WithAddress(cfg.Addr),
		wish.WithHostKeyPath(cfg.HostKeyPath),
		wish.WithPublicKeyAuth(s.publicKey),
		wish.WithKeyboardInteractiveAuth(s.keyboardInteractive),
		func(srv *ssh.Server) error {
			srv.ConnCallback, srv.ServerConfigCallback = s.logins.admit, s.logins.config
			return nil
		},
		wish.WithSubsystem("default", s.refuseSubsystem),
		wish.WithMiddleware(
			wishrecover.MiddlewareWithLogger(printf,
				wishtea.MiddlewareWithProgramHandler(s.program, termenv.Ascii),
				s.gate,
				s.terminalOnly,
			),
			s.scpMiddleware(),
			logging.MiddlewareWithLogger(printf),
			s.logins.inUse,
		),
	)
	if err != nil {
		_ = audit.Close()
		return nil, fmt.Errorf("serve: host key %s: %w", cfg.HostKeyPath, err)
	}
	s.ssh = srv
	return s, nil
}

// Hub is the state the sessions share.
func (s *Server) Hub() *Hub { return s.hub }

// Team is the team file as last read.
func (s *Server) Team() *Team { return s.team.Load() }

// ReloadTeam reads the team file again; on error the old team stays. The sessions whose key is
// no longer in it (or now names someone else) are closed, each told why.
func (s *Server) ReloadTeam() error {
	if s.cfg.TeamFile == "" {
		return nil
	}
	t, err := LoadTeam(s.cfg.TeamFile)
	if err != nil {
		return err
	}
	// Under mu: a gate past its lookup is in sessions already, so none slips between the two.
	s.mu.Lock()
	s.team.Store(t)
	type closing struct {
		st  *sessionState
		now string // the member the key names now ("" = nobody)
	}
	var gone []closing
	for st := range s.sessions {
		if name, ok := t.Lookup(st.key); !ok || name != st.member {
			gone = append(gone, closing{st, name})
		}
	}
	s.mu.Unlock()
	for _, g := range gone {
		st := g.st
		why, reason, logMsg := teamChange(t, st.member, g.now)
		st.end(why)
		s.log.Info(logMsg, "member", st.member, "now", g.now, "remote", st.remote, "key", gossh.FingerprintSHA256(st.key))
		s.audit.Log(AuditEvent{Event: "closed", Member: st.member, Remote: st.remote, Reason: reason})
	}
	s.log.Info("team file reloaded", "members", len(t.Members), "sessions_closed", len(gone))
	return nil
}

// teamChange says why a reload closes a session of member whose key now names now ("" = the
// key is gone): to the person, to the audit log and to the server log. Drafts, assignments and
// marks are kept by name, so a renamed member starts afresh under the new name: the person is
// told where theirs stayed. The names come from the team file, cleaned when it was read.
func teamChange(t *Team, member, now string) (why, reason, logMsg string) {
	switch {
	case now == "":
		return endRemoved, "key removed from the team file", "session closed: its key is no longer in the team file"
	case t.Has(member): // the key moved to someone else; the member is still there
		return fmt.Sprintf("this key now belongs to %s in the team file, so this session as %s is closed", now, member),
			"key now belongs to " + now + " in the team file",
			"session closed: its key now belongs to another member"
	}
	return fmt.Sprintf("your name in the team file changed from %s to %s, so this session is closed: connect again (drafts and assignments stay under %s)", member, now, member),
		"renamed in the team file to " + now,
		"session closed: its member was renamed in the team file"
}

// Serve accepts connections on ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return ln.Close()
	}
	s.ln = ln
	s.mu.Unlock()
	err := s.ssh.Serve(ln)
	s.mu.Lock()
	stopping := s.stopping // Close closed ln
	s.mu.Unlock()
	if stopping || errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// ListenAndServe listens on the configured address.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ln)
}

// Close stops accepting connections, ends every session the clean way (drafts saved, terminal
// restored, "the server is stopping" said) and waits up to StopGrace for their clients to hang
// up, then cuts what is left and closes the audit log.
func (s *Server) Close() error {
	s.mu.Lock()
	s.stopping = true
	if s.ln != nil {
		_ = s.ln.Close() // no new connection; ssh.Close closes it again below
	}
	sessions := make([]*sessionState, 0, len(s.sessions))
	for st := range s.sessions {
		sessions = append(sessions, st)
	}
	s.mu.Unlock()
	for _, st := range sessions {
		st.end(endStopping)
	}
	// Each session says why and ends, then its client hangs up (cutting sooner could lose the
	// last line); each step gets StopGrace, so a client that stopped reading cannot hold the stop.
	gates := make(chan struct{})
	go func() { s.wg.Wait(); close(gates) }()
	if !s.waitStop([]<-chan struct{}{gates}) {
		s.log.Warn("sessions still open after the stop grace: cutting them", "grace", s.cfg.StopGrace.String())
	} else {
		gone := make([]<-chan struct{}, len(sessions))
		for i, st := range sessions {
			gone[i] = st.gone
		}
		if !s.waitStop(gone) {
			s.log.Warn("clients still connected after the stop grace: cutting them", "grace", s.cfg.StopGrace.String())
		}
	}
	s.logins.closeAll()
	err := s.ssh.Close()
	<-gates
	_ = s.audit.Close()
	// We closed the listener first, so the library may close it a second time (until its
	// accept loop notices): that error says only that it is closed, which is what we want.
	if errors.Is(err, ssh.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// waitStop waits up to StopGrace for every channel to close; false when the grace ran out.
func (s *Server) waitStop(chs []<-chan struct{}) bool {
	grace := time.NewTimer(s.cfg.StopGrace)
	defer grace.Stop()
	for _, ch := range chs {
		select {
		case <-ch:
		case <-grace.C:
			return false
		}
	}
	return true
}

// admit registers a session past the team lookup, or says why not (the server is stopping, the
// key is not in the team file). done unregisters it.
func (s *Server) admit(sess ssh.Session) (st *sessionState, refusal string, done func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return nil, "postsale: the server is stopping; connect again in a moment.", nil
	}
	member, ok := s.Team().Lookup(sess.PublicKey())
	if !ok {
		return nil, "postsale: your key is no longer in the team file.", nil
	}
	st = newSessionState(member, sess.PublicKey(), sess.RemoteAddr().String(), sess.Context().Done())
	s.sessions[st] = struct{}{}
	s.wg.Add(1)
	return st, "", func() {
		s.mu.Lock()
		delete(s.sessions, st)
		s.mu.Unlock()
		s.wg.Done()
	}
}

// unusedConn says whose connection is cut for running no session within the idle timeout
// (`ssh -N`, a multiplexing master after its last session): there is no session to tell.
func (s *Server) unusedConn(ctx ssh.Context) {
	member := ""
	if key, ok := ctx.Value(ssh.ContextKeyPublicKey).(ssh.PublicKey); ok {
		member, _ = s.Team().Lookup(key)
	}
	remote := ctx.RemoteAddr().String()
	s.log.Info("connection closed: no session within the idle timeout", "member", member, "remote", remote,
		"idle_timeout", s.cfg.IdleTimeout.String())
	s.audit.Log(AuditEvent{Event: "closed", Member: member, Remote: remote, Reason: "no session within the idle timeout"})
}

// publicKey admits the keys of the team file.
func (s *Server) publicKey(ctx ssh.Context, key ssh.PublicKey) bool {
	if _, ok := s.Team().Lookup(key); ok {
		return true
	}
	ctx.SetValue(rejectedKey, gossh.FingerprintSHA256(key))
	return false
}

// keyboardInteractive is refused, with one line saying why. OpenSSH shows a keyboard-interactive
// text only with a prompt, so the line is the prompt (Enter closes). Passwords are not offered.
func (s *Server) keyboardInteractive(ctx ssh.Context, challenge gossh.KeyboardInteractiveChallenge) bool {
	if ctx.Value(refusedKey) != nil {
		return false // said once; OpenSSH would ask again up to three times
	}
	ctx.SetValue(refusedKey, true)
	line := "postsale: only SSH keys listed in the team file may connect (press Enter) "
	reason := "no key"
	if fp, ok := ctx.Value(rejectedKey).(string); ok {
		line = "postsale: key " + fp + " is not in the team file; ask whoever runs the server to add it (press Enter) "
		reason = "key not in team file"
	}
	s.audit.Log(AuditEvent{Event: "refused", Remote: ctx.RemoteAddr().String(), Reason: reason})
	_, _ = challenge("", "", []string{line}, []bool{false})
	return false
}

// gate finds the member, applies the caps, joins the Hub and keeps the connection alive; after
// the program it flushes drafts and leaves.
func (s *Server) gate(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		st, refusal, done := s.admit(sess)
		if st == nil {
			wish.Fatalln(sess, refusal)
			return
		}
		defer done()
		member := st.member
		conn, err := s.hub.Join(member, sess.RemoteAddr().String())
		if err != nil {
			s.audit.Log(AuditEvent{Event: "refused", Member: member, Remote: sess.RemoteAddr().String(), Reason: err.Error()})
			msg := fmt.Sprintf("postsale: %s already has as many sessions open as allowed (%d); close one first.", member, s.cfg.MaxPerMember)
			if errors.Is(err, ErrTooManySessions) {
				msg = fmt.Sprintf("postsale: the server already serves %s; try again later.", sessionsCount(s.cfg.MaxSessions))
			}
			wish.Fatalln(sess, msg)
			return
		}
		st.conn = conn
		sess.Context().SetValue(sessionKey, st)
		stop := s.keepAlive(sess, member)
		next(sess)
		stop()
		if st.seen != nil {
			st.seen.Close() // a mark being written is finished; later ones are dropped
		}
		saved := true
		if st.model != nil {
			if err := st.model.FlushDrafts(); err != nil {
				saved = false
				s.log.Error("drafts not saved", "member", member, "err", err)
			}
		}
		// The program has left the alternate screen and shown the cursor: the last line stays.
		why := st.endedWhy()
		idled := st.model != nil && st.model.idledOut
		switch {
		case idled:
			wish.Println(sess, fmt.Sprintf("postsale: closed after %s without a key; connect again to carry on.", s.cfg.IdleTimeout))
		case why != "" && saved:
			wish.Println(sess, "postsale: "+why+"; any reply you were writing is saved as a draft.")
		case why != "":
			wish.Println(sess, "postsale: "+why+"; your draft could not be saved.")
		}
		conn.Leave()
		if idled || why != "" {
			// The server ended it, not the person quitting: exit 1, so a script or the shell
			// the person connected from can tell (a quit exits 0 when the handler returns).
			_ = sess.Exit(1)
		}
	}
}

// sessionsCount is "1 session", "3 sessions".
func sessionsCount(n int) string {
	if n == 1 {
		return "1 session"
	}
	return fmt.Sprintf("%d sessions", n)
}

// keepAlive sends keepalive@openssh.com requests every KeepAlive; a client leaving KeepAliveMax
// of them in a row without an answer is disconnected, as OpenSSH's ClientAliveCountMax does: a
// client suspended (kill -STOP) or behind a dead link keeps its TCP connection up and would
// otherwise keep its presence, and its "replying", until the idle timeout. The connection is
// closed, not only the session: the client cannot be told, and the request waiting for its
// answer ends with it.
func (s *Server) keepAlive(sess ssh.Session, member string) (stop func()) {
	if s.cfg.KeepAlive <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(sess.Context())
	go func() {
		t := time.NewTicker(s.cfg.KeepAlive)
		defer t.Stop()
		if !keepAliveLoop(ctx, t.C, s.cfg.KeepAliveMax, func() <-chan struct{} { return sendKeepAlive(sess) }) {
			return
		}
		remote := sess.RemoteAddr().String()
		s.log.Info("session closed: no keep-alive answers", "member", member, "remote", remote,
			"interval", s.cfg.KeepAlive.String(), "missed", s.cfg.KeepAliveMax)
		s.audit.Log(AuditEvent{Event: "closed", Member: member, Remote: remote, Reason: "no keep-alive answers"})
		if c, ok := sess.Context().Value(ssh.ContextKeyConn).(gossh.Conn); ok {
			_ = c.Close()
			return
		}
		_ = sess.Close()
	}()
	return cancel
}

// sendKeepAlive sends one keep-alive request; the channel is closed when the client answers
// (either way: an answer is what shows it is alive). The request waits for its answer until the
// connection closes, so its goroutine ends then at the latest.
func sendKeepAlive(sess ssh.Session) <-chan struct{} {
	answered := make(chan struct{})
	go func() {
		if _, err := sess.SendRequest("keepalive@openssh.com", true, nil); err == nil {
			close(answered)
		}
	}()
	return answered
}

// keepAliveLoop sends a keep-alive at a tick and looks for its answer at the next: answered, the
// count of misses starts again and the next is sent; not yet, it is a miss, and it goes on
// waiting rather than a second request being sent beside it (one request, one goroutine, at a
// time). A late answer still counts: a slow client is cut only after most ticks in a row without
// one. It returns true then, false once ctx ends.
func keepAliveLoop(ctx context.Context, ticks <-chan time.Time, most int, send func() <-chan struct{}) (cut bool) {
	var waiting <-chan struct{} // the request sent and not yet answered; nil = none
	missed := 0
	for {
		select {
		case <-ctx.Done():
			return false
		case <-ticks:
		}
		if waiting != nil {
			select {
			case <-waiting:
				waiting, missed = nil, 0
			default:
				missed++
				if missed >= most {
					return true
				}
				continue
			}
		}
		waiting = send()
	}
}

// program builds the person's inbox for this session (the factory) and its tea.Program.
func (s *Server) program(sess ssh.Session) *tea.Program {
	st, ok := sess.Context().Value(sessionKey).(*sessionState)
	if !ok {
		return nil
	}
	env := sessionEnv(sess)
	r := wishtea.MakeRenderer(sess)
	home := filepath.Join(s.cfg.DataDir, "members", st.member)
	file := seen.NewDir(filepath.Join(home, "seen"))
	st.seen = file
	if s.cfg.TeamStore != nil { // with the team's state, in the store; the file is imported once
		st.seen = ui.NewStoreSeen(s.cfg.TeamStore, st.member, file)
	}
	inner := NewInbox(s.cfg.Shared, Person{
		Member:       st.member,
		Ctx:          sess.Context(),
		Renderer:     r,
		Out:          sess,
		Getenv:       env,
		Location:     location(env("TZ")),
		DraftsDir:    filepath.Join(home, "drafts"),
		DownloadsDir: s.downloadsDir(st.member),
		CacheDir:     filepath.Join(s.cfg.CacheDir, st.member),
		Seen:         st.seen,
		Team:         NewTeam(st.conn, s.Team),
		SavedHint:    fetchHint(sess.LocalAddr(), s.downloadsDir(st.member)),
	})
	idle := s.cfg.IdleTimeout
	if idle < 0 {
		idle = 0
	}
	st.model = newSessionModel(inner, st.conn, r, idle, s.cfg.Now)
	st.model.ended, st.model.gone = st.ended, st.gone
	opts := append(wishtea.MakeOptions(sess), tea.WithAltScreen(), tea.WithoutSignalHandler())
	return tea.NewProgram(st.model, opts...)
}

// sessionEnv reads the environment the client sent, plus what marks an SSH session.
func sessionEnv(sess ssh.Session) func(string) string {
	env := map[string]string{}
	for _, kv := range sess.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	if pty, _, ok := sess.Pty(); ok && pty.Term != "" {
		env["TERM"] = pty.Term
	}
	env["SSH_CONNECTION"] = sess.RemoteAddr().String()
	return func(k string) string { return env[k] }
}

// location is the zone TZ names, else the server's.
func location(tz string) *time.Location {
	tz = strings.TrimPrefix(strings.TrimSpace(tz), ":")
	if tz == "" {
		return time.Local
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.Local
	}
	return loc
}

// printfLogger sends wish's Printf lines to the app's slog log.
type printfLogger struct{ l *slog.Logger }

func (p printfLogger) Printf(format string, v ...any) {
	p.l.Info("ssh: " + strings.TrimSpace(fmt.Sprintf(format, v...)))
}

// HostKeyFingerprint is the SHA256 fingerprint of the server's host key, for teammates to check
// on their first connection.
func (s *Server) HostKeyFingerprint() (string, error) {
	data, err := os.ReadFile(s.cfg.HostKeyPath)
	if err != nil {
		return "", err
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return "", fmt.Errorf("host key %s: %w", s.cfg.HostKeyPath, err)
	}
	return gossh.FingerprintSHA256(signer.PublicKey()), nil
}

// Addr is where the server listens (after Serve started), else the configured address.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return s.ln.Addr().String()
	}
	return s.cfg.Addr
}
