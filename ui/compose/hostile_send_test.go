package compose

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/transport"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// falseAnswers answers every send without storing it: with a redirect to the conversation, or
// with an old message of the conversation, as a hostile or broken server could.
type falseAnswers struct {
	sb       *sandbox.Server
	redirect bool
	gets     atomic.Int32
}

func (f *falseAnswers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	isPack := strings.HasPrefix(r.URL.Path, "/marketplace/messages/packs/")
	switch {
	case r.Method == http.MethodPost && isPack && f.redirect:
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	case r.Method == http.MethodPost && isPack:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"0001","text":"Hello, when will it ship?","from":{"user_id":"111"},"to":{"user_id":"222"},
			"message_date":{"created":"2020-01-01T00:00:00Z"}}`))
	default:
		if r.Method == http.MethodGet && isPack {
			f.gets.Add(1)
		}
		f.sb.ServeHTTP(w, r)
	}
}

// A send answered by a redirect, or by any message other than the one just created, is not
// "sent": the draft stays on disk and in compose, and nothing says it went out.
func TestSendAnsweredFalselyKeepsTheDraft(t *testing.T) {
	for _, redirect := range []bool{true, false} {
		f := &falseAnswers{redirect: redirect}
		hc := transport.NewClient(transport.Config{MaxAttempts: 1})
		e := uitest.New(t, uitest.AsSeller("MLM", "Demo Seller"),
			uitest.Behind(func(sb *sandbox.Server) http.Handler { f.sb = sb; return f }),
			uitest.WithClient(api.WithHTTPClient(hc)))
		m, store, _ := newLossyCompose(t, e)
		const text = "Your parcel left today."
		typeDraft(m, text)
		before := f.gets.Load()
		out := uitest.Press(m, "ctrl+s")
		done, ok := uitest.Find[common.SendDoneMsg](out)
		if !ok || done.Err == nil || done.Message != nil {
			t.Fatalf("redirect=%v: want the send not confirmed, got %#v (compose says %q)", redirect, done, m.Err())
		}
		if d, _ := store.Load(packOpen); d.Text != text {
			t.Fatalf("redirect=%v: the draft was removed: %+v", redirect, d)
		}
		if m.Empty() || m.Err() == "" {
			t.Fatalf("redirect=%v: compose emptied or silent: %+v %q", redirect, m.Draft(), m.Err())
		}
		if redirect && f.gets.Load() != before {
			t.Fatalf("the redirect was followed")
		}
		if !redirect && f.gets.Load() == before {
			t.Fatalf("a wrong answer was not checked against the conversation")
		}
	}
}

// A 5xx answer to a send may hide a stored message: compose reads the conversation back before
// saying anything, keeps the draft, and does not invite a blind resend.
func TestSend5xxIsReadBackBeforeAnythingIsSaid(t *testing.T) {
	e, _ := newLossyEnv(t)
	m, store, w := newLossyCompose(t, e)
	const text = "Your refund is on its way."
	typeDraft(m, text)
	e.Sandbox.Fail(sandbox.RouteSend, sandbox.FailServerError, 1)
	before := reads(e.Sandbox)
	uitest.Press(m, "ctrl+s")
	if n := reads(e.Sandbox) - before; n == 0 || len(w.all()) == 0 {
		t.Fatalf("the conversation was not read back after the 500 (%d reads)", n)
	}
	if m.Err() != lostNotice {
		t.Fatalf("compose says %q", m.Err())
	}
	if d, _ := store.Load(packOpen); d.Text != text {
		t.Fatalf("the draft was removed: %+v", d)
	}
}
