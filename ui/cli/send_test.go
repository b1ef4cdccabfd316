package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/transport"
)

// answerLoser stores a send in the sandbox and then drops the connection, once, when armed: the
// send went through but its answer never arrives.
type answerLoser struct {
	sb    *sandbox.Server
	armed atomic.Bool
}

func (l *answerLoser) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/marketplace/messages/packs/") || !l.armed.Swap(false) {
		l.sb.ServeHTTP(w, r)
		return
	}
	l.sb.ServeHTTP(httptest.NewRecorder(), r)
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_, _ = buf.WriteString("HTTP/1.1 201 Created\r\nContent-Type: appl") // cut off mid-answer
	_ = buf.Flush()
	conn.Close()
}

// lossyCLI runs postsale against a sandbox behind an answerLoser, with one attempt per
// request and recorded (not real) waits before re-reads.
type lossyCLI struct {
	*harness
	loser *answerLoser
	mu    sync.Mutex
	waits []time.Duration
}

func newLossyCLI(t *testing.T) *lossyCLI {
	h := newHarness(t)
	l := &lossyCLI{harness: h, loser: &answerLoser{sb: h.sb}}
	ts := httptest.NewServer(l.loser)
	t.Cleanup(ts.Close)
	h.env["MELI_API_URL"] = ts.URL
	return l
}

func (l *lossyCLI) run(args ...string) (stdout, stderr string, code int) {
	l.t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, IO{
		In: strings.NewReader(""), Out: &out, Err: &errb, Env: l.lookup,
		HTTPClient: transport.NewClient(transport.Config{MaxAttempts: 1, Timeout: 2 * time.Second}),
		Sleep: func(ctx context.Context, d time.Duration) error {
			l.mu.Lock()
			l.waits = append(l.waits, d)
			l.mu.Unlock()
			return ctx.Err()
		},
	})
	return out.String(), errb.String(), code
}

// inConversation counts the messages of pack whose text is text.
func (l *lossyCLI) inConversation(pack, text string) int {
	l.t.Helper()
	conv, err := l.client().PackMessages(context.Background(), pack, api.PageOptions{Limit: 50})
	if err != nil {
		l.t.Fatal(err)
	}
	n := 0
	for _, m := range conv.Messages {
		if m.Text == text {
			n++
		}
	}
	return n
}

func (l *lossyCLI) sends(pack string) int {
	n := 0
	for _, r := range l.sb.Requests() {
		if r.Route == sandbox.RouteSend && r.Path == "/marketplace/messages/packs/"+pack {
			n++
		}
	}
	return n
}

func TestSendWhoseAnswerWasLostIsConfirmedFromTheConversation(t *testing.T) {
	l := newLossyCLI(t)
	const text = "Your parcel left the warehouse today."
	l.loser.armed.Store(true)
	out, errs, code := l.run("send", packActive, "--text", text)
	if code != ExitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q, want a confirmed send", code, errs)
	}
	if !strings.Contains(out, "to pack "+packActive+": sent (confirmed by reading the conversation)") {
		t.Fatalf("stdout %q does not say the send was confirmed by reading", out)
	}
	if n := l.sends(packActive); n != 1 {
		t.Fatalf("%d sends reached the sandbox, want 1", n)
	}
	if n := l.inConversation(packActive, text); n != 1 {
		t.Fatalf("the buyer sees the reply %d times, want 1", n)
	}
	if !slices.Equal(l.waits, api.LostSendDelays()[:1]) {
		t.Fatalf("waits %v, want one wait before the read that found it", l.waits)
	}
}

func TestSendWhoseAnswerWasLostAndIsNotThereSaysHowToCheck(t *testing.T) {
	for _, f := range []sandbox.Failure{sandbox.FailDrop, sandbox.FailTimeout} {
		t.Run(f.String(), func(t *testing.T) {
			l := newLossyCLI(t)
			const text = "We will call you tomorrow."
			l.sb.Fail(sandbox.RouteSend, f, 1) // lost before the sandbox stored it
			reads := func() int {
				n := 0
				for _, r := range l.sb.Requests() {
					if r.Route == sandbox.RoutePackMessages {
						n++
					}
				}
				return n
			}
			out, errs, code := l.run("send", packActive, "--text", text)
			if code != ExitError || out != "" {
				t.Fatalf("exit %d, stdout %q, want exit 1 and nothing on stdout", code, out)
			}
			line := oneLine(t, errs)
			for _, want := range []string{"not in the conversation yet", "`postsale messages " + packActive + "`", "before sending again"} {
				if !strings.Contains(line, want) {
					t.Errorf("stderr %q lacks %q", line, want)
				}
			}
			if n := l.sends(packActive); n != 1 {
				t.Fatalf("%d sends, want 1 (never sent again on its own)", n)
			}
			if n := reads(); n != 3 {
				t.Fatalf("%d reads of the conversation, want 3 (its status before sending, then 2 looking for the reply)", n)
			}
			if !slices.Equal(l.waits, api.LostSendDelays()) {
				t.Fatalf("waits %v, want %v", l.waits, api.LostSendDelays())
			}
			if n := l.inConversation(packActive, text); n != 0 {
				t.Fatalf("the reply is in the conversation %d times, want 0", n)
			}
		})
	}
}

func TestSendWhoseAnswerWasLostAndCannotBeCheckedSaysHowToCheck(t *testing.T) {
	l := newLossyCLI(t)
	l.loser.armed.Store(true)
	// The status read before sending takes its share of the failures (and is let through).
	l.sb.Fail(sandbox.RoutePackMessages, sandbox.FailServerError, 4)
	out, errs, code := l.run("send", packActive, "--text", "Checking in.")
	if code != ExitError || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	line := oneLine(t, errs)
	if !strings.Contains(line, "could not check") || !strings.Contains(line, "`postsale messages "+packActive+"` before sending again") {
		t.Fatalf("stderr %q", line)
	}
	if n := l.sends(packActive); n != 1 {
		t.Fatalf("%d sends, want 1", n)
	}
}

// A 5xx answer to a send is not "try again": Mercado Libre may have stored the message. postsale
// reads the conversation back first, as after a lost answer, and says how to check.
func TestSend5xxIsReadBackBeforeAnythingIsSaid(t *testing.T) {
	l := newLossyCLI(t)
	const text = "Your refund is on its way"
	l.sb.Fail(sandbox.RouteSend, sandbox.FailServerError, 1)
	before := len(l.sb.Requests())
	_, errs, code := l.run("send", packActive, "--text", text)
	if code == ExitOK || !strings.Contains(errs, "postsale messages "+packActive) || strings.Contains(errs, "try again in a moment") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	reads := 0
	for _, r := range l.sb.Requests()[before:] {
		if r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/marketplace/messages/packs/") {
			reads++
		}
	}
	if reads == 0 {
		t.Fatal("the conversation was not read back after the 500")
	}
}
