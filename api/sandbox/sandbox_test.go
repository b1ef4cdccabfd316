package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/sandbox/sandboxtest"
)

var fixedNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

func newServer(t *testing.T, opts ...sandbox.Option) (*sandbox.Server, *httptest.Server) {
	t.Helper()
	f := sandboxtest.New(t, sandboxtest.WithSandbox(append([]sandbox.Option{sandbox.WithClock(func() time.Time { return fixedNow })}, opts...)...))
	return f.Sandbox, f.Server
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

func TestAnswersMixTheRealAPIsQuirks(t *testing.T) {
	sb, ts := newServer(t)
	code, body := get(t, ts, sb.Token(), "/marketplace/messages/packs/2000004777000111?limit=60", nil)
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	quirks := map[string]string{
		"string user id":    `"user_id":"523132944"`,
		"number user id":    `"user_id":523132944`,
		"null attachments":  `"message_attachments":null`,
		"empty attachments": `"message_attachments":[]`,
		"milliseconds":      `.000Z"`,
		"upper-case status": `"status":"AVAILABLE"`,
		"lower-case status": `"status":"available"`,
		"null read date":    `"read":null`,
		"null subject":      `"subject":null`,
		"null substatus":    `"substatus":null`,
	}
	for name, s := range quirks {
		if !strings.Contains(body, s) {
			t.Errorf("%s: %q not in the answer", name, s)
		}
	}
	_, links := get(t, ts, sb.Token(), "/marketplace/messages/packs/2000004512345671", nil)
	if !strings.Contains(links, `<a href=\"https://www.mercadolibre.com.mx/envios/43210987651\">tracking</a>`) {
		t.Errorf("links are not written as <a href>: %s", links)
	}
}

func TestSeedCurlExample(t *testing.T) {
	sb, ts := newServer(t)
	var conv rawConversation
	code, body := get(t, ts, sb.Token(), "/marketplace/messages/packs/2000004512345671?limit=2&offset=1", &conv)
	if code != 200 || conv.Paging.Limit != 2 || conv.Paging.Offset != 1 || conv.Paging.Total != 4 || len(conv.Messages) != 2 {
		t.Fatalf("%d %s", code, body)
	}
	// Offset 1 skips the newest message: the page starts with the second newest.
	if got := conv.Messages[0]["text"]; got != "El rastreo dice que está detenido en aduana desde hace tres días." {
		t.Errorf("offset 1 starts with %q", got)
	}
	if conv.Messages[0]["text_translated"] != "Tracking says it has been held at customs for three days." {
		t.Errorf("translation = %q", conv.Messages[0]["text_translated"])
	}
}

func TestDemoDatesFollowTheClock(t *testing.T) {
	sb, ts := newServer(t)
	var conv rawConversation
	get(t, ts, sb.Token(), "/marketplace/messages/packs/2000004533445566?limit=1", &conv)
	dates := conv.Messages[0]["message_date"].(map[string]any)
	if got := dates["available"]; got != fixedNow.Add(-5*time.Minute).Format(time.RFC3339) {
		t.Errorf("a message written 5m ago is dated %v with the clock at %s", got, fixedNow)
	}
}

func TestUnknownRouteAndMessage(t *testing.T) {
	sb, ts := newServer(t)
	code, body := get(t, ts, sb.Token(), "/marketplace/nothing", nil)
	if code != 404 || !strings.Contains(body, `"error":"not_found"`) {
		t.Errorf("unknown route: %d %s", code, body)
	}
	code, body = get(t, ts, sb.Token(), "/marketplace/messages/deadbeef", nil)
	if code != 404 || body != `{"message":"The message with id: deadbeef could not be retrieved from storage","error":"not_found","status":404,"cause":[]}` {
		t.Errorf("unknown message: %d %s", code, body)
	}
}

func TestRequestsAreRecordedWithACappedBody(t *testing.T) {
	sb, ts := newServer(t)
	big := strings.Repeat("x", 100<<10)
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/marketplace/messages/packs/2000004512345671?x=1", strings.NewReader(`{"text":"`+big+`"}`))
	req.Header.Set("Authorization", "Bearer "+sb.Token())
	req.Header.Set("X-Probe", "yes")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	reqs := sb.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests recorded", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/marketplace/messages/packs/2000004512345671" || r.RawQuery != "x=1" ||
		r.Route != sandbox.RouteSend || r.Header.Get("X-Probe") != "yes" || len(r.Body) != 64<<10 {
		t.Errorf("recorded %s %s ?%s route %q probe %q body %d bytes", r.Method, r.Path, r.RawQuery, r.Route, r.Header.Get("X-Probe"), len(r.Body))
	}
	r.Header.Set("X-Probe", "changed")
	r.Body[0] = '!'
	if again := sb.Requests()[0]; again.Header.Get("X-Probe") != "yes" || again.Body[0] != '{' {
		t.Error("Requests returns the sandbox's own records, not copies")
	}
}

// failures returns, for n requests to /users/me, which ones failed with a 500.
func failures(t *testing.T, n int, opts ...sandbox.Option) []bool {
	t.Helper()
	sb, ts := newServer(t, opts...)
	out := make([]bool, n)
	for i := range out {
		code, _ := get(t, ts, sb.Token(), "/users/me", nil)
		out[i] = code == http.StatusInternalServerError
	}
	return out
}

func TestFailureRateIsSeeded(t *testing.T) {
	a := failures(t, 40, sandbox.WithFailureRate(sandbox.RouteMe, sandbox.FailServerError, 0.5, 7))
	b := failures(t, 40, sandbox.WithFailureRate(sandbox.RouteAll, sandbox.FailServerError, 0.5, 7))
	n := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different failures at %d", i)
		}
		if a[i] {
			n++
		}
	}
	if n < 8 || n > 32 {
		t.Errorf("%d of 40 failed at p=0.5", n)
	}
	for _, failed := range failures(t, 10, sandbox.WithFailureRate(sandbox.RouteSend, sandbox.FailServerError, 1, 7)) {
		if failed {
			t.Fatal("a failure rate for another route failed /users/me")
		}
	}
}

func TestScriptedFailuresCountDown(t *testing.T) {
	sb, ts := newServer(t)
	sb.Fail(sandbox.RouteMe, sandbox.FailServerError, 2)
	var codes []int
	for range 3 {
		code, body := get(t, ts, sb.Token(), "/users/me", nil)
		codes = append(codes, code)
		if code == 500 && !strings.Contains(body, `"status":500`) {
			t.Errorf("500 body = %s", body)
		}
	}
	if codes[0] != 500 || codes[1] != 500 || codes[2] != 200 {
		t.Errorf("codes = %v, want 500 500 200", codes)
	}
	sb.Fail(sandbox.RouteAll, sandbox.FailRateLimit, 1)
	code, body := get(t, ts, sb.Token(), "/marketplace/messages/unread?role=seller&tag=post_sale", nil)
	if code != 429 || body != `{"message":"local_rate_limited","error":"too_many_requests","status":429,"cause":[]}` {
		t.Errorf("429: %d %s", code, body)
	}
	sb.Fail(sandbox.RouteMe, sandbox.FailDrop, 1)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/users/me", nil)
	req.Header.Set("Authorization", "Bearer "+sb.Token())
	if resp, err := ts.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("dropped connection answered %d", resp.StatusCode)
	}
}

func TestLatencyEndsWhenTheClientGivesUp(t *testing.T) {
	sb, ts := newServer(t, sandbox.WithLatency(time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/users/me", nil)
	req.Header.Set("Authorization", "Bearer "+sb.Token())
	if resp, err := ts.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		if resp != nil {
			resp.Body.Close()
		}
		t.Fatalf("err = %v, want the client's deadline", err)
	}
	// ts.Close in Cleanup returns only once the held handler has given up too.
}

func BenchmarkPackMessagesPage(b *testing.B) {
	sb := sandbox.New()
	ts := httptest.NewServer(sb)
	defer ts.Close()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/marketplace/messages/packs/2000004777000111?limit=50&offset=100", nil)
	req.Header.Set("Authorization", "Bearer "+sb.Token())
	for b.Loop() {
		resp, err := ts.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func TestRequestLogIsCapped(t *testing.T) {
	s := sandbox.New(sandbox.WithRequestLog(10))
	for i := 0; i < 25; i++ {
		req := httptest.NewRequest(http.MethodGet, "/users/me", nil)
		req.Header.Set("Authorization", "Bearer "+s.Token())
		s.ServeHTTP(httptest.NewRecorder(), req)
	}
	if got := len(s.Requests()); got > 10 || got < 5 {
		t.Fatalf("kept %d requests, want between 5 and 10", got)
	}
}
