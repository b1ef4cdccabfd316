package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
)

// Domestic demo packs (assets/demo/domestic.json).
const (
	domSeller  = "612345678"
	domAgent   = "2000009100000001"
	domPlain   = "2000009100000002"
	domReason  = "2000009100000003"
	domUnknown = "2000009100000004"
)

func newDomesticHarness(t *testing.T, opts ...sandbox.Option) *harness {
	t.Helper()
	sb := sandbox.New(append([]sandbox.Option{sandbox.Domestic()}, opts...)...)
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	return &harness{t: t, sb: sb, ts: ts, dir: dir, env: map[string]string{
		"HOME":              dir,
		"XDG_CONFIG_HOME":   filepath.Join(dir, "config"),
		"XDG_STATE_HOME":    filepath.Join(dir, "state"),
		"XDG_CACHE_HOME":    filepath.Join(dir, "cache"),
		"MELI_API_URL":      ts.URL,
		"MELI_ACCESS_TOKEN": sb.Token(),
	}}
}

func (h *harness) lastRequest(method string) sandbox.RecordedRequest {
	h.t.Helper()
	reqs := h.sb.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == method {
			return reqs[i]
		}
	}
	h.t.Fatalf("no %s request", method)
	return sandbox.RecordedRequest{}
}

func unreadOf(t *testing.T, h *harness, pack string) int {
	t.Helper()
	var u api.Unread
	if err := json.Unmarshal([]byte(h.mustRun("unread", "--json")), &u); err != nil {
		t.Fatal(err)
	}
	for _, r := range u.Results {
		if r.PackID() == pack {
			return r.Count
		}
	}
	return 0
}

func TestDomesticMessagesNeverMarkReadUnlessAsked(t *testing.T) {
	h := newDomesticHarness(t)
	out := h.mustRun("messages", domPlain, "--limit", "2")
	r := h.lastRequest(http.MethodGet)
	q, _ := url.ParseQuery(r.RawQuery)
	if r.Path != "/messages/packs/"+domPlain+"/sellers/"+domSeller || q.Get("tag") != "post_sale" || q.Get("mark_as_read") != "false" {
		t.Errorf("messages read %s?%s", r.Path, r.RawQuery)
	}
	if !strings.Contains(out, "Chegou só o cabo") || !strings.Contains(out, "replies up to 350 characters") {
		t.Errorf("output:\n%s", out)
	}
	h.mustRun("messages", domPlain, "--all", "--json")
	if unreadOf(t, h, domPlain) != 1 {
		t.Fatal("reading from the CLI marked the conversation read")
	}
	h.mustRun("messages", domPlain, "--mark-read")
	if unreadOf(t, h, domPlain) != 0 {
		t.Error("--mark-read did not mark the conversation read")
	}
}

func TestDomesticAllJSONJoinsRawPages(t *testing.T) {
	h := newDomesticHarness(t)
	out := h.mustRun("messages", domPlain, "--all", "--json")
	var env map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &env); err != nil {
		t.Fatal(err)
	}
	var msgs []map[string]any
	if err := json.Unmarshal(env["messages"], &msgs); err != nil || len(msgs) != 3 {
		t.Fatalf("messages %s: %v", env["messages"], err)
	}
	if _, ok := msgs[0]["client_id"].(float64); !ok {
		t.Errorf("client_id is %T, want the API's number", msgs[0]["client_id"])
	}
	if string(env["seller_max_message_length"]) != "350" || !strings.Contains(string(env["conversation_status"]), `"path"`) {
		t.Errorf("envelope lost the API's fields: %s", out)
	}
}

func TestDomesticSendRepliesToTheAssistant(t *testing.T) {
	h := newDomesticHarness(t)
	out := h.mustRun("messages", domAgent)
	if !strings.Contains(out, api.AssistantName) {
		t.Errorf("the agent is not shown as the assistant:\n%s", out)
	}
	h.mustRun("send", domAgent, "--text", "Tem 12 meses de garantia.")
	r := h.lastRequest(http.MethodPost)
	if r.Path != "/messages/packs/"+domAgent+"/sellers/"+domSeller || r.RawQuery != "tag=post_sale" ||
		!strings.Contains(string(r.Body), `"to":{"user_id":3037675074}`) {
		t.Errorf("send %s?%s %s", r.Path, r.RawQuery, r.Body)
	}
	_, stderr, code := h.run("send", domAgent, "--text", "Mais uma coisa")
	if code == ExitOK || !strings.Contains(stderr, "one message at a time") {
		t.Errorf("second message to the agent: %d %q", code, stderr)
	}
}

func TestDomesticContactReasons(t *testing.T) {
	h := newDomesticHarness(t)
	out := h.mustRun("messages", domReason)
	if !strings.Contains(out, "contact reason") {
		t.Errorf("blocked pack does not point to a contact reason:\n%s", out)
	}
	out = h.mustRun("contact", domReason)
	if !strings.Contains(out, "REQUEST_BILLING_INFO") || !strings.Contains(out, "1 left") {
		t.Errorf("contact list:\n%s", out)
	}
	out = h.mustRun("contact", domReason, "--reason", "REQUEST_BILLING_INFO")
	if !strings.HasPrefix(out, "Sent with reason REQUEST_BILLING_INFO") {
		t.Errorf("contact send: %q", out)
	}
	r := h.lastRequest(http.MethodPost)
	if r.Path != "/messages/action_guide/packs/"+domReason+"/option" || r.RawQuery != "tag=post_sale" ||
		!strings.Contains(string(r.Body), `"template_id":"TEMPLATE___REQUEST_BILLING_INFO___1"`) {
		t.Errorf("option %s?%s %s", r.Path, r.RawQuery, r.Body)
	}
	_, stderr, _ := h.run("contact", domReason, "--reason", "REQUEST_BILLING_INFO")
	if !strings.Contains(stderr, "maximum number of times") {
		t.Errorf("cap used: %q", stderr)
	}
	h.sb.LockOptions(1)
	_, stderr, _ = h.run("contact", domReason, "--reason", "OTHER", "--text", "Seu pedido sai amanhã.")
	if !strings.Contains(stderr, "wait a moment") {
		t.Errorf("409: %q", stderr)
	}
}

// What to send without the reason to send it with is a usage mistake, not a listing of the
// reasons that exits 0 having sent nothing.
func TestContactWithoutReasonRefusesToSend(t *testing.T) {
	h := newDomesticHarness(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--text", "hi"}, "postsale: --reason is required to send with --text: run `postsale contact " + domReason + "` to see the reasons"},
		{[]string{"--template", "TEMPLATE___REQUEST_BILLING_INFO___1"}, "postsale: --reason is required to send with --template: "},
		{[]string{"--var", "DAYS=3"}, "postsale: --reason is required to send with --var: "},
		{[]string{"--reason", " ", "--text", "hi"}, "postsale: --reason is empty: give a reason id; run `postsale contact " + domReason + "` to see them"},
	} {
		args := append([]string{"contact", domReason}, c.args...)
		out, errs, code := h.run(args...)
		if line := oneLine(t, errs); code != ExitUsage || !strings.HasPrefix(line, c.want) || out != "" {
			t.Errorf("postsale %q: exit %d, stdout %q, %q; want exit %d, %q", args, code, out, line, ExitUsage, c.want)
		}
	}
	if n := len(h.sb.Requests()); n != 0 {
		t.Errorf("%d requests made", n)
	}
	if out := h.mustRun("contact", domReason); !strings.Contains(out, "Send one with: postsale contact "+domReason) {
		t.Errorf("the reasons are no longer listed:\n%s", out)
	}
}

func TestDomesticUnknownSubstatusIsShownVerbatim(t *testing.T) {
	h := newDomesticHarness(t)
	out := h.mustRun("messages", domUnknown)
	if !strings.Contains(out, "Mercado Libre blocked this conversation (substatus blocked_by_tax_document_review)") ||
		!strings.Contains(out, "you cannot write in this conversation now") {
		t.Errorf("unknown substatus:\n%s", out)
	}
}

func TestDemoDomesticFlag(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("--demo", "--domestic", "unread")
	if !strings.Contains(out, domPlain) {
		t.Errorf("--demo --domestic unread:\n%s", out)
	}
	out = h.mustRun("--demo", "unread")
	if strings.Contains(out, domPlain) || !strings.Contains(out, packActive) {
		t.Errorf("--demo unread is not the cross-border demo:\n%s", out)
	}
	_, stderr, code := h.run("--domestic", "unread")
	if code != ExitUsage || !strings.Contains(stderr, "--demo") {
		t.Errorf("--domestic without --demo: %d %q", code, stderr)
	}
}

func TestForbiddenSellerCLI(t *testing.T) {
	h := newDomesticHarness(t, sandbox.WithMessagingForbidden())
	_, stderr, code := h.run("unread")
	if code != ExitError || !strings.Contains(stderr, "does not allow this account to use post-sale messages") {
		t.Errorf("forbidden seller: %d %q", code, stderr)
	}
}

// A thread Mercado Libre's messaging agent answers has no buyer in its last message: `unread`
// names the buyer from the local store, as the inbox does, once the store knows the sale.
func TestDomesticUnreadNamesTheAgentThreadsBuyerFromTheStore(t *testing.T) {
	h := newDomesticHarness(t)
	line := func() string {
		for _, l := range strings.Split(h.mustRun("unread"), "\n") {
			if strings.HasPrefix(l, "pack "+domAgent+"\t") {
				return l
			}
		}
		t.Fatalf("unread has no line for %s", domAgent)
		return ""
	}
	h.mustRun("search", "rafael") // catches the store up with Mercado Libre first
	if l := line(); !strings.Contains(l, "\tRAFAEL.SOUZA\t") {
		t.Errorf("unread line = %q, want the buyer the store knows", l)
	}
}
