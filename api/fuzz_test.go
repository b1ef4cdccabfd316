package api_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
)

// quirkyBodies are shapes real responses take (numbers as strings, nulls, upper case words).
var quirkyBodies = []string{
	`{}`, `null`, `[]`, `""`, `{"messages":null,"paging":null,"conversation_status":null}`,
	`{"messages":[{"id":"x","from":{"user_id":"123"},"to":{"user_id":456},"status":"AVAILABLE","message_attachments":null,"message_date":{"created":"2021-09-26T04:48:25.000Z","read":null}}]}`,
	`{"messages":[{"message_resources":[{"id":2000001,"name":"PACKS"}],"message_date":{"received":"2020-03-13T15:14:10Z"}}]}`,
	`{"conversation_status":{"status":"blocked","substatus":"BLOCKED_BY_TIME","claim_ids":5,"claim_id":"7","shipping_id":null}}`,
	`{"results":[{"resource":"/packs/2000001/sellers/9","count":3}],"userId":"523132944"}`,
	`{"results":[{"id":1,"buyer":{"id":"2"},"orders":[{"id":3,"seller":{"id":4}}],"shipment":null,"date_created":""}],"sort":"date_desc","available_sorts":[{"id":"date_asc","name":"x"}],"paging":{"total":1,"limit":50,"scroll_id":"abc"}}`,
	`{"id":523132944,"nickname":"TESTNICOCBT","site_id":"MLM"}`,
	`{"messages":[{"text":"\u001b]52;c;ZXZpbA==\u0007\u009b2J","message_date":{"created":"9999-12-31T23:59:59-23:59"}}]}`,
	`{"id":1e400}`, `{"id":-0}`, `{"claim_ids":[null,"1",2.5]}`,
}

func addSeeds(f *testing.F, add func(body []byte)) {
	for _, b := range quirkyBodies {
		add([]byte(b))
	}
	// Huge lists of tiny objects: what a page may not hold (bounds.go).
	add(nObjects(api.MaxListItems))
	add(nObjects(api.MaxListItems + 1))
	// The seed document's example bodies, verbatim.
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			add(b)
		}
	}
}

// FuzzDecodeBodies decodes arbitrary bytes as every answer type the client reads: it may fail,
// it must not panic, and whatever decodes must encode again and answer its helper methods.
func FuzzDecodeBodies(f *testing.F) {
	addSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, body []byte) {
		var conv api.Conversation
		if json.Unmarshal(body, &conv) == nil {
			for i := range conv.Messages {
				m := &conv.Messages[i]
				_, _, _ = m.PackID(), m.Date(), m.Unread()
			}
			_ = conv.ConversationStatus.Blocked()
			mustEncode(t, conv)
		}
		var msg api.Message
		if json.Unmarshal(body, &msg) == nil {
			_, _ = msg.PackID(), msg.Date()
			mustEncode(t, msg)
		}
		var unread api.Unread
		if json.Unmarshal(body, &unread) == nil {
			for _, r := range unread.Results {
				_ = r.PackID()
			}
			mustEncode(t, unread)
		}
		var orders api.OrderSearch
		if json.Unmarshal(body, &orders) == nil {
			mustEncode(t, orders)
		}
		var user api.User
		if json.Unmarshal(body, &user) == nil {
			mustEncode(t, user)
		}
		var up api.Upload
		_ = json.Unmarshal(body, &up)
	})
}

// FuzzParseError turns arbitrary bodies and statuses into *api.Error and a sentence: never nil,
// never a panic, and the status is kept.
func FuzzParseError(f *testing.F) {
	for _, status := range []int{400, 401, 403, 404, 422, 429, 500, 502, 504} {
		addSeeds(f, func(b []byte) { f.Add(status, b) })
	}
	for _, b := range []string{
		`{"message":"x","error":"bad_request","status":400,"cause":[]}`,
		`{"error_description":"invalid refresh token","error":"invalid_grant","status":400,"cause":[]}`,
		`{"status_code":403,"code":"forbidden","message":"blocked_conversation_send_message_forbidden"}`,
		`{"cause":{"code":1},"error":null,"message":"File can not be accessed, try it later","status_code":"500"}`,
		`<html><body>502 Bad Gateway</body></html>`, ``, `{"cause":[{"code":7,"message":"m"},"s",3,null,[]]}`,
	} {
		f.Add(400, []byte(b))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := api.ParseError(status, body)
		if e == nil {
			t.Fatal("ParseError returned nil")
		}
		if e.StatusCode != status {
			t.Fatalf("status %d became %d", status, e.StatusCode)
		}
		if s := api.Explain(e); strings.TrimSpace(s) == "" {
			t.Fatalf("Explain gave no sentence for %d %q", status, body)
		}
		_ = e.Error()
	})
}

func mustEncode(t *testing.T, v any) {
	t.Helper()
	if _, err := json.Marshal(v); err != nil {
		t.Fatalf("decoded %T does not encode: %v", v, err)
	}
}
