package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/transport"
	"github.com/postsale/postsale/ui/uitest"
)

// waitLimit only bounds a test that went wrong; every wait ends as soon as its condition holds.
// Fifty sessions starting under -race on two cores shared with other builds once took longer
// than a minute to draw their first rows.
const waitLimit = 3 * time.Minute

// timedLog records when each API request arrived, on top of the sandbox's own log.
type timedLog struct {
	mu    sync.Mutex
	times []time.Time
	next  http.Handler
}

func (l *timedLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	l.times = append(l.times, time.Now())
	l.mu.Unlock()
	l.next.ServeHTTP(w, r)
}

func (l *timedLog) snapshot() []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Time(nil), l.times...)
}

// member is a test person: a name and an SSH key.
type member struct {
	name   string
	signer gossh.Signer
	key    ed25519.PrivateKey // the signer's key, for a key file (memberWithKeyFile)
}

func newMember(t testing.TB, name string) member {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return member{name: name, signer: s, key: priv}
}

func teamTOML(ms ...member) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "[[member]]\nname = %q\nkeys = [%q]\n\n", m.name, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(m.signer.PublicKey()))))
	}
	return b.String()
}

// rig is a server on 127.0.0.1:0 over an httptest sandbox.
type rig struct {
	srv     *Server
	sb      *sandbox.Server
	api     *timedLog
	token   string
	dataDir string
	logBuf  *uitest.Buffer
	addr    string
}

type rigOptions struct {
	members   []member
	dataDir   string
	perPeriod int
	period    time.Duration
	tune      func(*Config)
	sb        *sandbox.Server // reuse this sandbox (a restart against the same account)
}

// distinctiveToken is the API token the servers use: it must never show up anywhere.
const distinctiveToken = "APP_USR-SECRET-TOKEN-7f3a9c1e-never-on-screen"

func startRig(t testing.TB, o rigOptions) *rig {
	t.Helper()
	sb := o.sb
	if sb == nil {
		sb = sandbox.New()
		sb.AddToken(distinctiveToken, time.Now().Add(24*time.Hour))
	}
	tl := &timedLog{next: sb}
	hs := httptest.NewServer(tl)
	t.Cleanup(hs.Close)
	logBuf := &uitest.Buffer{}
	logger := slog.New(slog.NewTextHandler(logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	hc := transport.NewClient(transport.Config{PerMinute: o.perPeriod, Period: o.period, Logger: logger})
	client, err := api.New(api.StaticToken(distinctiveToken), api.WithHTTPClient(hc), api.WithBaseURL(hs.URL))
	if err != nil {
		t.Fatal(err)
	}
	team, err := ParseTeam("team.toml", []byte(teamTOML(o.members...)))
	if err != nil {
		t.Fatal(err)
	}
	dir := o.dataDir
	if dir == "" {
		dir = t.TempDir()
	}
	cfg := Config{
		Addr: "127.0.0.1:0", HostKeyPath: filepath.Join(dir, "host_ed25519"), Team: team,
		DataDir: dir, Shared: &Shared{Client: client, Logger: logger}, Logger: logger,
		MaxPerMember: 3, MaxSessions: 64,
	}
	if o.tune != nil {
		o.tune(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	r := &rig{srv: srv, sb: sb, api: tl, token: distinctiveToken, dataDir: dir, logBuf: logBuf, addr: ln.Addr().String()}
	t.Cleanup(func() { _ = srv.Close() })
	return r
}

func dial(addr string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: "team", Auth: auth, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: waitLimit,
	})
}

// terminalAnswer is a dark background (OSC 11) and VT220 device attributes (DA1).
const terminalAnswer = "\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[?62;22c"

// term is one ssh client with a PTY: it keeps every byte the server sent and answers the
// renderer's terminal queries (background colour, device attributes) as a terminal would.
type term struct {
	t      testing.TB
	client *gossh.Client
	sess   *gossh.Session
	in     io.WriteCloser

	mu      sync.Mutex
	raw     bytes.Buffer
	changed chan struct{}
	ended   chan struct{}
}

func connect(t testing.TB, addr string, m member, env map[string]string) *term {
	t.Helper()
	c, err := dial(addr, gossh.PublicKeys(m.signer))
	if err != nil {
		t.Fatalf("%s could not connect: %v", m.name, err)
	}
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := sess.RequestPty("xterm-256color", 30, 120, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errOut, err := sess.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, client: c, sess: sess, in: in, changed: make(chan struct{}, 1), ended: make(chan struct{})}
	var readers sync.WaitGroup
	readers.Add(2)
	go func() { defer readers.Done(); tm.read(out) }()
	go func() { defer readers.Done(); tm.read(errOut) }() // refusals are written to stderr
	go func() { readers.Wait(); close(tm.ended) }()
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	// The renderer asks the terminal for its background colour and device attributes (wish's
	// MakeRenderer, 1 s timeout). Answer at once, as a terminal would: the answer waits in the
	// session's input until the query reads it, so a slow machine cannot turn a late answer
	// into keystrokes.
	_, _ = in.Write([]byte(terminalAnswer)) // a refused session may be closed already
	t.Cleanup(tm.close)
	return tm
}

func (tm *term) read(r io.Reader) {
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			tm.mu.Lock()
			tm.raw.Write(buf[:n])
			tm.mu.Unlock()
			select {
			case tm.changed <- struct{}{}:
			default:
			}
		}
		if err != nil {
			return
		}
	}
}

// screen is everything received so far, escape sequences removed.
func (tm *term) screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansi.Strip(tm.raw.String())
}

func (tm *term) rawBytes() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.raw.String()
}

// mark is a position in the output; waitFrom looks only at what came after it.
func (tm *term) mark() int {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.raw.Len()
}

func (tm *term) waitFor(what string) { tm.t.Helper(); tm.waitFrom(0, what) }

func (tm *term) waitFrom(mark int, what string) {
	tm.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		tm.mu.Lock()
		s := ansi.Strip(string(tm.raw.Bytes()[mark:]))
		tm.mu.Unlock()
		if strings.Contains(s, what) {
			return
		}
		select {
		case <-tm.changed:
		case <-tm.ended:
			if !strings.Contains(ansi.Strip(tm.rawBytes()[mark:]), what) {
				tm.t.Fatalf("session ended before %q showed; it showed:\n%s", what, tail(tm.screen()))
			}
			return
		case <-deadline.C:
			tm.t.Fatalf("%q never showed; the session showed:\n%s", what, tail(strings.Join(strings.Fields(tm.screen()), " ")))
		}
	}
}

func tail(s string) string {
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}

func (tm *term) send(keys string) {
	tm.t.Helper()
	if _, err := tm.in.Write([]byte(keys)); err != nil {
		tm.t.Fatal(err)
	}
}

// exitStatus waits for the session to end and is the exit status the server sent.
func (tm *term) exitStatus() int {
	tm.t.Helper()
	done := make(chan error, 1)
	go func() { done <- tm.sess.Wait() }()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	select {
	case err := <-done:
		var exit *gossh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &exit):
			return exit.ExitStatus()
		}
		tm.t.Fatalf("the session ended without an exit status: %v", err)
	case <-deadline.C:
		tm.t.Fatal("the session never ended")
	}
	return -1
}

func (tm *term) close() {
	_ = tm.sess.Close()
	_ = tm.client.Close()
}

// waitUntil re-checks cond each time one of the sessions receives output (every Hub event
// redraws the team bar), until it holds.
func waitUntil(t testing.TB, cond func() bool, what string, terms ...*term) {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	any := make(chan struct{}, 1)
	for _, tm := range terms {
		go func(c <-chan struct{}) {
			for {
				select {
				case <-c:
					select {
					case any <- struct{}{}:
					default:
					}
				case <-ctx.Done():
					return
				}
			}
		}(tm.changed)
	}
	for !cond() {
		select {
		case <-any:
		case <-deadline.C:
			t.Fatalf("never: %s", what)
		}
	}
}

// forget drops what was received so far (memory benchmarks measure the server, not the log).
func (tm *term) forget() {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.raw = bytes.Buffer{}
}

// waitAny waits for any byte after mark.
func (tm *term) waitAny(mark int) {
	tm.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for tm.mark() <= mark {
		select {
		case <-tm.changed:
		case <-tm.ended:
			tm.t.Fatal("session ended")
		case <-deadline.C:
			tm.t.Fatal("no frame after the key")
		}
	}
}

// connectWithADraft connects ana and bruno, and has ana start a reply holding text (a draft of
// hers once saved), as sessions a stop or a reload then ends.
func connectWithADraft(t *testing.T, addr string, ana, bruno member, text string) (a, b *term) {
	t.Helper()
	a, b = connect(t, addr, ana, nil), connect(t, addr, bruno, nil)
	a.waitFor(demoBuyer)
	b.waitFor(demoBuyer)
	m := a.mark()
	a.send("r")
	a.waitFrom(m, "ctrl+s sends") // compose has read its saved draft back: what is typed now is kept
	a.send(text)
	a.waitFrom(m, text)
	return a, b
}
