package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
)

// tinyObjects is `{"messages":[{},{},…]}` of about size bytes: the answer that once grew the
// process to 9 GB.
func tinyObjects(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 32)
	b.WriteString(`{"messages":[{}`)
	for b.Len() < size {
		b.WriteString(`,{}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// widestAccepted is the worst answer the bounds still accept: a page of MaxListItems messages
// whose texts fill the body up to MaxAnswerBytes.
func widestAccepted() []byte {
	n := api.MaxListItems
	text := strings.Repeat("a", (api.MaxAnswerBytes-n*200)/n)
	var b bytes.Buffer
	b.WriteString(`{"paging":{"total":1000,"limit":1000,"offset":0},"messages":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"m%d","text":%q,"from":{"user_id":"1"},"to":{"user_id":"2"}}`, i, text)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// deepAttachments is MaxAnswerItems list items spread over lists of at most MaxListItems.
func deepAttachments() []byte {
	var b bytes.Buffer
	b.WriteString(`{"messages":[`)
	per := api.MaxAnswerItems/50 - 1
	for i := range 49 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"m%d","text":"x","message_attachments":[`, i)
		for j := range min(per, api.MaxListItems) {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"filename":"f.png","size":1}`)
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// nObjects is `{"messages":[{},…]}` with n objects.
func nObjects(n int) []byte {
	return []byte(`{"messages":[` + strings.TrimSuffix(strings.Repeat(`{},`, n), ",") + `]}`)
}

func serve(t testing.TB, body []byte) *api.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c, err := api.New(api.StaticToken("tok"), api.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// allocated returns the bytes allocated while fn ran (TotalAlloc: an upper bound of the peak).
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestHugeListsAreRefusedWithASentence(t *testing.T) {
	for name, body := range map[string][]byte{
		"1001 tiny objects":     nObjects(api.MaxListItems + 1),
		"63 MB of tiny objects": tinyObjects(63 << 20),
		"nested lists":          []byte(strings.Repeat("[", 100) + strings.Repeat("]", 100)),
	} {
		c := serve(t, body)
		_, err := c.PackMessages(context.Background(), "2000001", api.PageOptions{})
		if !errors.Is(err, api.ErrAnswerTooLarge) {
			t.Errorf("%s: err = %v", name, err)
			continue
		}
		if s := api.Explain(err); !strings.HasPrefix(s, "Mercado Libre sent an answer larger than postsale accepts") || strings.Count(s, "\n") > 0 {
			t.Errorf("%s: explanation %q", name, s)
		}
	}
	// A full page of 50, and a list of exactly MaxListItems, are fine.
	c := serve(t, nObjects(api.MaxListItems))
	if conv, err := c.PackMessages(context.Background(), "2000001", api.PageOptions{}); err != nil || len(conv.Messages) != api.MaxListItems {
		t.Fatalf("a list of %d: %v", api.MaxListItems, err)
	}
}

// peakBound is the stated bound on what reading and decoding any one answer allocates: the body
// as read, each message's own JSON kept as served (for --json and the store), its strings once
// decoded, plus the structs — under six times MaxAnswerBytes.
const peakBound = 6 * api.MaxAnswerBytes

// TestDecodingTheWorstAcceptedAnswerStaysBounded states the memory bound in bytes: every answer
// the client accepts, and every one it refuses, allocates at most peakBound while read and
// decoded, whatever the server sends (63 MB of `{}` once grew the process to 9 GB).
func TestDecodingTheWorstAcceptedAnswerStaysBounded(t *testing.T) {
	for name, tc := range map[string]struct {
		body []byte
		ok   bool
	}{
		"63 MB of tiny objects":    {tinyObjects(63 << 20), false},
		"widest accepted page":     {widestAccepted(), true},
		"most list items accepted": {deepAttachments(), true},
		"16 MB of tiny objects":    {tinyObjects(api.MaxAnswerBytes - 16), false},
	} {
		c := serve(t, tc.body)
		var err error
		got := allocated(func() { _, err = c.PackMessages(context.Background(), "2000001", api.PageOptions{}) })
		if (err == nil) != tc.ok {
			t.Fatalf("%s (%d bytes): err = %v", name, len(tc.body), err)
		}
		t.Logf("%s: %d MB answer, %.1f MB allocated", name, len(tc.body)>>20, float64(got)/(1<<20))
		if got > peakBound && !raceEnabled {
			t.Errorf("%s: decoding allocated %d bytes, over the bound of %d", name, got, peakBound)
		}
	}
}

func BenchmarkDecodeWorstAcceptedAnswer(b *testing.B) {
	c := serve(b, widestAccepted())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.PackMessages(context.Background(), "2000001", api.PageOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
