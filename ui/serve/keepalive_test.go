package serve

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// relay forwards TCP connections to the server. freeze stops forwarding both ways while both
// sockets stay open, as with a client suspended by kill -STOP or a link gone dead: the
// connection looks established, and nothing answers.
type relay struct {
	ln   net.Listener
	gate sync.RWMutex // each forward holds it for reading; freeze holds it for writing

	mu     sync.Mutex
	conns  []net.Conn
	frozen bool
}

func startRelay(t testing.TB, target string) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{ln: ln}
	go r.accept(target)
	t.Cleanup(r.close)
	return r
}

func (r *relay) addr() string { return r.ln.Addr().String() }

func (r *relay) accept(target string) {
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", target)
		if err != nil {
			_ = c.Close()
			continue
		}
		r.mu.Lock()
		r.conns = append(r.conns, c, up)
		r.mu.Unlock()
		go r.pipe(up, c)
		go r.pipe(c, up)
	}
}

// pipe copies src to dst; either side ending closes both.
func (r *relay) pipe(dst, src net.Conn) {
	defer func() { _ = dst.Close(); _ = src.Close() }()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			r.gate.RLock()
			_, werr := dst.Write(buf[:n])
			r.gate.RUnlock()
			if werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// freeze returns once nothing more is forwarded.
func (r *relay) freeze() {
	r.gate.Lock()
	r.mu.Lock()
	r.frozen = true
	r.mu.Unlock()
}

func (r *relay) thaw() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.frozen {
		r.frozen = false
		r.gate.Unlock()
	}
}

func (r *relay) close() {
	_ = r.ln.Close()
	r.mu.Lock()
	for _, c := range r.conns {
		_ = c.Close()
	}
	r.mu.Unlock()
	r.thaw() // the pipes waiting to forward find their sockets closed
}

// A client that stops answering (suspended, its link dead, the TCP connection still up) is
// disconnected after KeepAliveMax keep-alive intervals without an answer: the teammates stop
// seeing it (nor its "replying"), the log and the audit say why, and the connection is closed.
// Before, each keep-alive waited for its answer for ever, so nothing was ever counted missing
// and such a client stayed until the idle timeout.
func TestKeepAliveDisconnectsAClientThatStopsAnswering(t *testing.T) {
	ana, bruno := newMember(t, "Ana"), newMember(t, "Bruno")
	const interval, most = 250 * time.Millisecond, 12
	r := startRig(t, rigOptions{members: []member{ana, bruno}, tune: func(c *Config) {
		c.IdleTimeout = -1
		// Short, so the test is quick; many, so a busy machine cannot make a live client
		// (Bruno, or Ana before the freeze) look dead: it would have to stall for 3 s.
		c.KeepAlive, c.KeepAliveMax = interval, most
	}})
	via := startRelay(t, r.addr) // Ana's way in; Bruno connects directly
	a, b := connect(t, via.addr(), ana, nil), connect(t, r.addr, bruno, nil)
	a.waitFor(demoBuyer)
	b.waitFor(demoBuyer)
	m := a.mark()
	a.send("r")
	a.waitFrom(m, "ctrl+s sends")
	a.send("borrador 4242")
	a.waitFrom(m, "borrador 4242") // in her composer: a draft of hers once saved
	b.waitFor("Ana replying on ")

	bm := b.mark()
	via.freeze()
	b.waitFrom(bm, "nobody else connected")
	waitUntil(t, func() bool { return r.srv.Hub().Sessions() == 1 }, "Ana's session left the Hub", b)

	log := r.logBuf.String()
	if !strings.Contains(log, "session closed: no keep-alive answers") || !strings.Contains(log, "member=Ana") {
		t.Errorf("the server log does not say Ana's session was closed for not answering:\n%s", log)
	} else if !strings.Contains(log, fmt.Sprintf("interval=%s missed=%d", interval, most)) {
		// One request at a time waits for its answer, counted missing at each tick after it:
		// the cut comes at most+1 ticks after the freeze at the latest.
		t.Errorf("the server log does not say how many keep-alives went unanswered:\n%s", log)
	}
	if strings.Count(log, "no keep-alive answers") != 1 {
		t.Errorf("the keep-alive closed more than Ana's session:\n%s", log)
	}
	audit, _ := os.ReadFile(filepath.Join(r.dataDir, "audit.jsonl"))
	if !strings.Contains(string(audit), `"event":"closed","member":"Ana"`) || !strings.Contains(string(audit), `"reason":"no keep-alive answers"`) {
		t.Errorf("the audit log does not say Ana's session was closed for not answering:\n%s", audit)
	}

	drafts, _ := filepath.Glob(filepath.Join(r.dataDir, "members", "Ana", "drafts", "*"))
	found := false
	for _, p := range drafts {
		data, _ := os.ReadFile(p)
		found = found || strings.Contains(string(data), "borrador 4242")
	}
	if !found {
		t.Errorf("the reply Ana was writing was not kept as a draft (drafts: %v)", drafts)
	}

	// The connection itself was closed, not only the session: once the relay forwards again,
	// Ana's client finds it gone.
	via.thaw()
	gone := make(chan error, 1)
	go func() { gone <- a.client.Wait() }()
	select {
	case <-gone:
	case <-time.After(waitLimit):
		t.Fatal("the server kept the connection of the client that stopped answering")
	}

	// Bruno is still served.
	mb := b.mark()
	b.send("j")
	b.waitAny(mb)
	select {
	case <-b.ended:
		t.Fatal("the keep-alive closed a session that answers")
	default:
	}
}

// aliveLoop runs keepAliveLoop on ticks the test gives, with requests the test answers.
type aliveLoop struct {
	t      *testing.T
	ticks  chan time.Time
	cancel context.CancelFunc
	result chan bool
	sent   chan chan struct{} // each request as it is sent: closing it answers it
}

func startAliveLoop(t *testing.T, most int) *aliveLoop {
	ctx, cancel := context.WithCancel(context.Background())
	l := &aliveLoop{t: t, ticks: make(chan time.Time), cancel: cancel, result: make(chan bool, 1), sent: make(chan chan struct{}, 100)}
	go func() {
		l.result <- keepAliveLoop(ctx, l.ticks, most, func() <-chan struct{} {
			ch := make(chan struct{})
			l.sent <- ch
			return ch
		})
	}()
	t.Cleanup(cancel)
	return l
}

// tick is one interval passing. The loop must still be running to take it; ticks are
// unbuffered, so once it is taken the loop has also finished with the tick before.
func (l *aliveLoop) tick(what string) {
	l.t.Helper()
	select {
	case l.ticks <- time.Time{}:
	case cut := <-l.result:
		l.t.Fatalf("the loop ended (cut %v) before the tick where %s", cut, what)
	}
}

// request waits for the request a tick sends.
func (l *aliveLoop) request() chan struct{} {
	l.t.Helper()
	select {
	case ch := <-l.sent:
		return ch
	case <-time.After(waitLimit):
		l.t.Fatal("no keep-alive request was sent")
		return nil
	}
}

// noMoreRequests: nothing was sent beyond what request took (call it once a later tick was
// taken, or the loop ended, so the ticks before it are finished).
func (l *aliveLoop) noMoreRequests(when string) {
	l.t.Helper()
	if n := len(l.sent); n > 0 {
		l.t.Errorf("%d more keep-alive request(s) %s, while one waits for its answer", n, when)
	}
}

func (l *aliveLoop) waitCut() {
	l.t.Helper()
	select {
	case cut := <-l.result:
		if !cut {
			l.t.Fatal("the loop ended without cutting the client")
		}
	case <-time.After(waitLimit):
		l.t.Fatal("the loop never cut the client")
	}
}

// A client that never answers is cut at the third tick after the request it left unanswered (3
// allowed), and no second request is sent beside the one still waiting: one goroutine at most.
func TestKeepAliveCutsAfterMostMissesWithOneRequestAtATime(t *testing.T) {
	l := startAliveLoop(t, 3)
	l.tick("the first request is sent")
	l.request()
	l.tick("it is missed once")
	l.tick("it is missed twice")
	l.noMoreRequests("after two misses")
	l.ticks <- time.Time{} // missed a third time
	l.waitCut()
	l.noMoreRequests("by the cut")
}

// A slow client is not cut: an answer that comes late, after misses were counted, still shows
// the client alive and the count starts again; one within the interval is no miss at all.
func TestKeepAliveLateAnswerCounts(t *testing.T) {
	l := startAliveLoop(t, 3)
	l.tick("the first request is sent")
	for range 20 { // answered within each interval: never cut
		close(l.request())
		l.tick("an answered request is followed by the next")
	}
	late := l.request()
	l.tick("it is missed once")
	l.tick("it is missed twice")
	close(late) // late, but before the third miss
	l.tick("the late answer is seen and another request sent")
	l.request()
	l.tick("the new request is missed once")
	l.tick("it is missed twice")
	l.ticks <- time.Time{} // missed a third time
	l.waitCut()
	l.noMoreRequests("by the cut")
}

// The session ending stops the loop without cutting anything.
func TestKeepAliveStopsWithTheSession(t *testing.T) {
	l := startAliveLoop(t, 3)
	l.tick("the first request is sent")
	l.tick("it is missed once")
	l.cancel()
	select {
	case cut := <-l.result:
		if cut {
			t.Error("a session that ended was cut")
		}
	case <-time.After(waitLimit):
		t.Fatal("the loop outlived its session")
	}
}
