package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/transport"
)

// conversationJSON is an old message of the conversation, what a redirected send would read.
const conversationJSON = `{"paging":{"limit":10,"offset":0,"total":1},"messages":[{"id":"old-1","text":"an old message",
"from":{"user_id":"123"},"to":{"user_id":"456"},"message_date":{"created":"2020-01-01T00:00:00Z"}}]}`

func newClient(t *testing.T, url string) *api.Client {
	t.Helper()
	c, err := api.New(api.StaticToken("tok"), api.WithBaseURL(url), api.WithHTTPClient(transport.NewClient(transport.Config{MaxAttempts: 1})))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A send answered by any 3xx is a failure with a sentence, and the redirect is never followed
// (Go turns 301/302/303 into a bodiless GET and re-sends the body on 307/308).
func TestSendNeverFollowsARedirect(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		var gets, posts atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				if posts.Add(1) == 1 {
					http.Redirect(w, r, r.URL.Path+"?again=1", status)
					return
				}
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write([]byte(`{"id":"new","text":"hello","from":{"user_id":"123"}}`))
				return
			}
			gets.Add(1)
			_, _ = w.Write([]byte(conversationJSON))
		}))
		c := newClient(t, srv.URL)
		msg, err := c.SendMessage(context.Background(), "2000001", api.SendRequest{Text: "hello"})
		srv.Close()
		if err == nil || msg != nil {
			t.Fatalf("%d: send reported as sent: %+v", status, msg)
		}
		if !errors.Is(err, transport.ErrRedirect) {
			t.Errorf("%d: error is not a refused redirect: %v", status, err)
		}
		if gets.Load() != 0 || posts.Load() != 1 {
			t.Errorf("%d: the redirect was followed: %d GETs, %d POSTs", status, gets.Load(), posts.Load())
		}
		if s := api.Explain(err); !strings.Contains(s, "redirect") || strings.Count(s, ".") < 1 {
			t.Errorf("%d: explanation %q", status, s)
		}
	}
}

// The answer to a send must be the message just created: an old message of the conversation
// (another text, another date) is not a confirmation, nor is a 2xx whose body cannot be read (an
// empty 201 or 204, text, a bare string): Mercado Libre took the message, most likely stored it,
// and the error says to read the conversation back, never to send again.
func TestSendAnswerMustBeTheMessageJustSent(t *testing.T) {
	for name, answer := range map[string]struct {
		status int
		body   string
	}{
		"conversation envelope": {201, conversationJSON},
		"other text":            {201, `{"id":"9","text":"something else","from":{"user_id":"123"}}`},
		"no sender":             {201, `{"id":"9","text":"hello"}`},
		"no id":                 {201, `{"text":"hello","from":{"user_id":"123"}}`},
		"empty object":          {201, `{}`},
		"empty body":            {201, ``},
		"no content":            {204, ``},
		"text":                  {200, `OK`},
		"a string":              {201, `"sent"`},
		"an array":              {201, `[]`},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(answer.status)
			_, _ = w.Write([]byte(answer.body))
		}))
		msg, err := newClient(t, srv.URL).SendMessage(context.Background(), "2000001", api.SendRequest{Text: "hello"})
		srv.Close()
		if err == nil || msg != nil {
			t.Errorf("%s: accepted %+v as the sent message", name, msg)
			continue
		}
		if !errors.Is(err, transport.ErrAmbiguous) {
			t.Errorf("%s: %v is not ambiguous (the conversation must be read back)", name, err)
		}
		if s := api.Explain(err); !strings.Contains(s, "check the conversation before sending again") {
			t.Errorf("%s: explained as %q", name, s)
		}
	}
	// The envelope holding the new message is fine.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"messages":[{"id":"old","text":"old","from":{"user_id":"1"}},{"id":"new","text":"hello","from":{"user_id":"1"}}]}`))
	}))
	defer srv.Close()
	msg, err := newClient(t, srv.URL).SendMessage(context.Background(), "2000001", api.SendRequest{Text: "hello"})
	if err != nil || msg.ID != "new" {
		t.Fatalf("envelope with the new message: %+v %v", msg, err)
	}
}

func TestCheckSendAnswerWantsTheSellerAndARecentDate(t *testing.T) {
	sentAt := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	msg := &api.Message{ID: "1", Text: "hi", From: api.Party{UserID: "123"}}
	if err := api.CheckSendAnswer(msg, api.SendRequest{Text: "hi"}, "999", sentAt); err == nil {
		t.Error("a message from someone else confirmed the send")
	}
	if err := msg.MessageDate.Created.UnmarshalJSON([]byte(`"2020-01-01T00:00:00Z"`)); err != nil {
		t.Fatal(err)
	}
	if err := api.CheckSendAnswer(msg, api.SendRequest{Text: "hi"}, "123", sentAt); err == nil {
		t.Error("a message older than the send confirmed it")
	}
	if err := api.CheckSendAnswer(msg, api.SendRequest{Text: "hi"}, "123", msg.Date()); err != nil {
		t.Errorf("the right message was refused: %v", err)
	}
}

// No request follows a redirect to another scheme, host or port: the Authorization header would
// go with it (Go keeps it on another port of the same host).
func TestReadNeverFollowsARedirectToAnotherPort(t *testing.T) {
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Add(1)
		}
		_, _ = w.Write([]byte(conversationJSON))
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	defer srv.Close()
	_, err := newClient(t, srv.URL).PackMessages(context.Background(), "2000001", api.PageOptions{})
	if !errors.Is(err, transport.ErrRedirect) {
		t.Fatalf("err = %v", err)
	}
	if leaked.Load() != 0 {
		t.Fatal("the token followed the redirect to another port")
	}
	if s := api.Explain(err); !strings.Contains(s, "MELI_API_URL") {
		t.Errorf("explanation %q", s)
	}
	// A redirect on the same origin is still followed for a read.
	same := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("moved") == "" {
			http.Redirect(w, r, r.URL.Path+"?moved=1", http.StatusFound)
			return
		}
		_, _ = w.Write([]byte(conversationJSON))
	}))
	defer same.Close()
	if conv, err := newClient(t, same.URL).PackMessages(context.Background(), "2000001", api.PageOptions{}); err != nil || len(conv.Messages) != 1 {
		t.Fatalf("same-origin redirect: %+v %v", conv, err)
	}
}
