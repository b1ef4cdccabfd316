package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api/sandbox"
)

var fixedNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

func newServer(t *testing.T, opts ...sandbox.Option) (*sandbox.Server, *httptest.Server) {
	t.Helper()
	sb := sandbox.New(append([]sandbox.Option{sandbox.WithClock(func() time.Time { return fixedNow })}, opts...)...)
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	return sb, ts
}

// get performs an authenticated GET and decodes the JSON answer into out (when not nil).
func get(t *testing.T, ts *httptest.Server, token, path string, out any) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("decode %s: %v\n%s", path, err, b)
		}
	}
	return resp.StatusCode, string(b)
}

type rawConversation struct {
	Paging             *struct{ Limit, Offset, Total int }
	ConversationStatus *struct {
		Status    string  `json:"status"`
		Substatus *string `json:"substatus"`
	} `json:"conversation_status"`
	Messages []map[string]any `json:"messages"`
}

func TestAuthBodies(t *testing.T) {
	_, ts := newServer(t)
	code, body := get(t, ts, "", "/users/me", nil)
	if code != 400 || body != `{"message":"Access token is required","error":"bad_request","status":400,"cause":[]}` {
		t.Fatalf("no token: %d %s", code, body)
	}
	code, body = get(t, ts, "APP_USR-wrong", "/users/me", nil)
	if code != 401 || body != `{"message":"invalid access token","error":"not_found","status":401,"cause":[]}` {
		t.Fatalf("wrong token: %d %s", code, body)
	}
}

func TestTokensExpireAndRevoke(t *testing.T) {
	sb, ts := newServer(t)
	sb.AddToken("APP_USR-short", fixedNow.Add(time.Minute))
	sb.AddToken("APP_USR-old", fixedNow.Add(-time.Minute))
	if code, _ := get(t, ts, "APP_USR-short", "/users/me", nil); code != 200 {
		t.Fatalf("added token refused: %d", code)
	}
	if code, _ := get(t, ts, "APP_USR-old", "/users/me", nil); code != 401 {
		t.Fatalf("expired token accepted: %d", code)
	}
	sb.RevokeToken(sb.Token())
	if code, _ := get(t, ts, sb.Token(), "/users/me", nil); code != 401 {
		t.Fatalf("revoked token accepted: %d", code)
	}
}

func TestDemoDataCoversTheBrief(t *testing.T) {
	sb, ts := newServer(t)
	var search struct {
		Results []struct {
			ID     json.Number `json:"id"`
			SiteID string      `json:"site_id"`
		}
		Paging struct{ Total int }
	}
	if code, body := get(t, ts, sb.Token(), "/marketplace/orders/search?seller="+sb.SellerID()+"&limit=50", &search); code != 200 {
		t.Fatalf("search: %d %s", code, body)
	}
	if len(search.Results) < 15 || search.Paging.Total != len(search.Results) {
		t.Fatalf("want >= 15 packs on one page, got %d of %d", len(search.Results), search.Paging.Total)
	}
	sites := map[string]bool{}
	substatus := map[string]bool{}
	longest := 0
	var threat, nonLatinName, escape, link bool
	for _, p := range search.Results {
		sites[p.SiteID] = true
		var conv rawConversation
		if code, body := get(t, ts, sb.Token(), "/marketplace/messages/packs/"+p.ID.String()+"?limit=100", &conv); code != 200 {
			t.Fatalf("pack %s: %d %s", p.ID, code, body)
		}
		longest = max(longest, conv.Paging.Total)
		if conv.ConversationStatus.Status == "blocked" {
			substatus[*conv.ConversationStatus.Substatus] = true
		}
		for _, m := range conv.Messages {
			text := m["text"].(string)
			escape = escape || strings.Contains(text, "\x1b]52;") && strings.Contains(text, "\x1b[2J")
			link = link || strings.Contains(text, `<a href="`)
			from := m["from"].(map[string]any)
			nonLatinName = nonLatinName || strings.ContainsRune(from["name"].(string), 'ゆ')
			atts, _ := m["message_attachments"].([]any)
			for _, a := range atts {
				threat = threat || a.(map[string]any)["potential_security_threat"].(bool)
			}
		}
	}
	for _, site := range []string{"MLM", "MLB", "MCO", "MLC"} {
		if !sites[site] {
			t.Errorf("no pack on %s", site)
		}
	}
	if len(substatus) < 4 {
		t.Errorf("want >= 4 blocked substatus values, got %v", substatus)
	}
	if longest < 300 {
		t.Errorf("longest conversation has %d messages, want 300+", longest)
	}
	if !threat || !nonLatinName || !escape || !link {
		t.Errorf("threat %v, non-Latin name %v, escape sequences %v, link %v: all must be in the demo", threat, nonLatinName, escape, link)
	}
}
