package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/postsale/postsale/api"
)

// Path segments are escaped exactly once, and dot segments never go out.
func TestPathSegmentsAreEscapedOnceAndDotsRefused(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.RequestURI)
		mu.Unlock()
		_, _ = w.Write([]byte(`{"messages":[{"id":"1","text":"x","from":{"user_id":"1"}}]}`))
	}))
	defer srv.Close()
	c := newClient(t, srv.URL+"/base")
	ctx := context.Background()
	for id, want := range map[string]string{
		"a b":   "/base/marketplace/messages/packs/a%20b",
		"a/b":   "/base/marketplace/messages/packs/a%2Fb",
		"100%":  "/base/marketplace/messages/packs/100%25",
		"2000x": "/base/marketplace/messages/packs/2000x",
	} {
		mu.Lock()
		got = nil
		mu.Unlock()
		if _, err := c.PackMessages(ctx, id, api.PageOptions{}); err != nil {
			t.Fatalf("%q: %v", id, err)
		}
		mu.Lock()
		if len(got) != 1 || got[0] != want {
			t.Errorf("%q went out as %v, want %s", id, got, want)
		}
		mu.Unlock()
	}
	mu.Lock()
	got = nil
	mu.Unlock()
	for _, id := range []string{".", ".."} {
		_, err1 := c.PackMessages(ctx, id, api.PageOptions{})
		_, err2 := c.Message(ctx, id)
		_, err3 := c.SendMessage(ctx, id, api.SendRequest{Text: "x"})
		_, err4 := c.DownloadAttachment(ctx, "MLM", id, nil)
		for _, err := range []error{err1, err2, err3, err4} {
			var ve *api.ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("%q: err = %v, want a validation error", id, err)
			}
		}
	}
	if len(got) != 0 {
		t.Fatalf("dot segments went out: %v", got)
	}
}

// A file of 25 MB and one byte is refused with a size that does not read as 25 MB.
func TestOverLimitSizeDoesNotContradictTheLimit(t *testing.T) {
	err := api.ValidateUpload("big.pdf", api.MaxAttachmentSize+1, "application/pdf")
	s := api.Explain(err)
	if err == nil || strings.Contains(s, "is 25.0 MB") || !strings.Contains(s, "26214401 bytes") {
		t.Fatalf("%q", s)
	}
	if s := api.Explain(api.ValidateUpload("big.pdf", 30<<20, "application/pdf")); !strings.Contains(s, "is 30.0 MB") {
		t.Fatalf("%q", s)
	}
}
