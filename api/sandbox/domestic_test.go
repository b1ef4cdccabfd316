package sandbox_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/postsale/postsale/api/sandbox"
)

const (
	domSeller = "612345678"
	domPlain  = "2000009100000002"
	domAgent  = "2000009100000001"
)

func postJSON(t *testing.T, sb *sandbox.Server, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+sb.Token())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// The domestic sandbox serves only domestic paths and enforces their parameters.
func TestDomesticIsStrict(t *testing.T) {
	sb, ts := newServer(t, sandbox.Domestic())
	tok := sb.Token()
	pack := "/messages/packs/" + domPlain + "/sellers/" + domSeller
	for _, tc := range []struct {
		path string
		want int
		says string
	}{
		{pack + "?tag=post_sale&mark_as_read=false", 200, ""},
		{pack + "?mark_as_read=false", 400, "tag"},
		{"/messages/packs/" + domPlain + "/sellers/999?tag=post_sale", 403, "invalid for resource"},
		{pack + "?tag=post_sale&mark_as_read=maybe", 400, "mark_as_read"},
		{"/messages/unread?tag=post_sale", 400, "role"},
		{"/messages/unread?role=seller&tag=post_sale", 200, "/sellers/" + domSeller},
		{"/orders/search?seller=" + domSeller + "&sort=date_desc&offset=1&limit=2", 200, "pack_id"},
		{"/orders/search?seller=" + domSeller + "&scroll_id=abc", 400, "offset"},
		{"/messages/action_guide/packs/" + domPlain + "?tag=post_sale", 400, "blocked_by_excepted_case"},
		{"/marketplace/messages/packs/" + domPlain, 404, ""},
		{"/marketplace/messages/unread?role=seller&tag=post_sale", 404, ""},
	} {
		status, body := get(t, ts, tok, tc.path, nil)
		if status != tc.want || !strings.Contains(body, tc.says) {
			t.Errorf("GET %s = %d %s, want %d with %q", tc.path, status, body, tc.want, tc.says)
		}
	}
	// The marketplace sandbox refuses domestic paths.
	msb, mts := newServer(t)
	if status, _ := get(t, mts, msb.Token(), "/messages/unread?role=seller&tag=post_sale", nil); status != 404 {
		t.Errorf("marketplace sandbox served a domestic path: %d", status)
	}
	// Sends: from/to required, the agent only on its threads, one message at a time to it.
	for _, tc := range []struct {
		pack, query, body string
		want              int
		says              string
	}{
		{domPlain, "", `{"from":{"user_id":612345678},"to":{"user_id":702345678},"text":"Oi"}`, 400, "tag"},
		{domPlain, "?tag=post_sale", `{"from":{"user_id":612345678},"text":"Oi"}`, 400, "to.user_id"},
		{domPlain, "?tag=post_sale", `{"from":{"user_id":612345678},"to":{"user_id":612345678},"text":"Oi"}`, 400, "must not be equals"},
		{domPlain, "?tag=post_sale", `{"from":{"user_id":612345678},"to":{"user_id":3037675074},"text":"Oi"}`, 400, "does not belong to pack"},
		{domPlain, "?tag=post_sale", `{"from":{"user_id":612345678},"to":{"user_id":"702345678"},"text":"Oi"}`, 201, ""},
		{domAgent, "?tag=post_sale", `{"from":{"user_id":612345678},"to":{"user_id":3037675074},"text":"Sim"}`, 201, ""},
		{domAgent, "?tag=post_sale", `{"from":{"user_id":612345678},"to":{"user_id":3037675074},"text":"E mais"}`, 403, "one message at a time"},
	} {
		status, body := postJSON(t, sb, ts.URL+"/messages/packs/"+tc.pack+"/sellers/"+domSeller+tc.query, tc.body)
		if status != tc.want || !strings.Contains(body, tc.says) {
			t.Errorf("POST %s %s = %d %s, want %d with %q", tc.pack, tc.body, status, body, tc.want, tc.says)
		}
	}
}
