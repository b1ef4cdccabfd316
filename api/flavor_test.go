package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
)

// Domestic demo (assets/demo/domestic.json).
const (
	domSeller  = "612345678"
	domAgent   = "2000009100000001" // MLB Full, handled by the messaging agent
	domPlain   = "2000009100000002" // ordinary thread, two orders, buyer unread
	domReason  = "2000009100000003" // blocked_by_conversation_started_by_seller, action_guide
	domUnknown = "2000009100000004" // unknown substatus, seller_max_message_length 0
	domNoPack  = "4600000000000051" // an order without pack, seller_max_message_length 120
	mlbAgentID = "3037675074"
	plainBuyer = "702345678"
)

// newFlavorFixture is a fixture whose client resolves its flavour from /users/me.
func newFlavorFixture(t *testing.T, opts ...sandbox.Option) *fixture {
	t.Helper()
	f := newFixture(t, opts...)
	c, err := api.New(api.StaticToken(f.sb.Token()), api.WithBaseURL(f.ts.URL), api.WithHTTPClient(f.ts.Client()), api.WithFlavor(api.FlavorAuto))
	if err != nil {
		t.Fatal(err)
	}
	f.client = c
	return f
}

func domestic(t *testing.T, opts ...sandbox.Option) *fixture {
	t.Helper()
	return newFlavorFixture(t, append([]sandbox.Option{sandbox.Domestic()}, opts...)...)
}

func paths(f *fixture) []string {
	var out []string
	for _, r := range f.sb.Requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func TestFlavorAutoFollowsUsersMe(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		opts   []sandbox.Option
		want   api.Flavor
		unread string
	}{
		{"Global Selling (CBT)", nil, api.FlavorMarketplace, "/marketplace/messages/unread"},
		{"domestic MLB", []sandbox.Option{sandbox.Domestic()}, api.FlavorDomestic, "/messages/unread"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFlavorFixture(t, tc.opts...)
			if _, err := f.client.UnreadPacks(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := f.client.UnreadPacks(ctx); err != nil {
				t.Fatal(err)
			}
			got := paths(f)
			want := []string{"GET /users/me", "GET " + tc.unread, "GET " + tc.unread}
			if !slices.Equal(got, want) {
				t.Errorf("requests %q, want %q (/users/me asked once)", got, want)
			}
			f.expectRequest(t, f.last(t), http.MethodGet, tc.unread, url.Values{"role": {"seller"}, "tag": {"post_sale"}})
			if fl, _ := f.client.Flavor(ctx); fl != tc.want {
				t.Errorf("flavor %q, want %q", fl, tc.want)
			}
		})
	}
}

func TestParseFlavor(t *testing.T) {
	for in, want := range map[string]api.Flavor{"": api.FlavorAuto, "AUTO": api.FlavorAuto, "marketplace": api.FlavorMarketplace, "domestic": api.FlavorDomestic} {
		if got, err := api.ParseFlavor(in); err != nil || got != want {
			t.Errorf("ParseFlavor(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := api.ParseFlavor("international"); err == nil {
		t.Error("an unknown flavour was accepted")
	}
	if api.FlavorOf("CBT") != api.FlavorMarketplace || api.FlavorOf("MPE") != api.FlavorDomestic {
		t.Error("FlavorOf does not follow the site")
	}
}

func TestWrongFlavourPathsAreRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sandbox.Domestic()) // a marketplace client against a domestic API
	_, err := f.client.PackMessages(ctx, domPlain, api.PageOptions{})
	asAPIError(t, err, http.StatusNotFound)
	m := newFixture(t)
	d, err := api.New(api.StaticToken(m.sb.Token()), api.WithBaseURL(m.ts.URL), api.WithFlavor(api.FlavorDomestic), api.WithSeller("523132944", "MLM"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.UnreadPacks(ctx)
	asAPIError(t, err, http.StatusNotFound)
}

func TestDomesticReadsNeverMarkReadUnlessAsked(t *testing.T) {
	ctx := context.Background()
	f := domestic(t)
	conv, err := f.client.PackMessages(ctx, domPlain, api.PageOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	f.expectRequest(t, f.last(t), http.MethodGet, "/messages/packs/"+domPlain+"/sellers/"+domSeller,
		url.Values{"tag": {"post_sale"}, "limit": {"1"}, "mark_as_read": {"false"}})
	if len(conv.Messages) != 1 || !conv.Messages[0].Unread() {
		t.Fatalf("newest message %+v, want the buyer's unread one", conv.Messages)
	}
	unread := func() int {
		u, err := f.client.UnreadPacks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range u.Results {
			if r.PackID() == domPlain {
				n = r.Count
				if r.Resource != "/packs/"+domPlain+"/sellers/"+domSeller {
					t.Errorf("resource %q", r.Resource)
				}
			}
		}
		return n
	}
	if unread() != 1 {
		t.Fatal("a read with mark_as_read=false marked the conversation read")
	}
	if _, err := f.client.PackMessages(ctx, domPlain, api.PageOptions{Limit: 10, MarkRead: true}); err != nil {
		t.Fatal(err)
	}
	if q, _ := url.ParseQuery(f.last(t).RawQuery); q.Has("mark_as_read") {
		t.Errorf("opening the conversation sent %q", f.last(t).RawQuery)
	}
	if unread() != 0 {
		t.Error("opening the conversation did not mark it read")
	}
	m, err := f.client.Message(ctx, conv.Messages[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	f.expectRequest(t, f.last(t), http.MethodGet, "/messages/"+m.ID, url.Values{"tag": {"post_sale"}})
}

func TestShuffledPagesOpenAtTheNewestMessage(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		f    *fixture
		pack string
	}{
		{"marketplace", newFlavorFixture(t, sandbox.WithShuffledPages(7)), packLong},
		{"domestic", domestic(t, sandbox.WithShuffledPages(7)), domNoPack},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pages [][]api.Message
			for offset := 0; offset < 6; offset += 2 {
				conv, err := tc.f.client.PackMessages(ctx, tc.pack, api.PageOptions{Limit: 2, Offset: offset})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.IsSortedFunc(conv.Messages, func(a, b api.Message) int { return b.Date().Compare(a.Date()) }) {
					t.Errorf("page at %d not newest first", offset)
				}
				var raw struct {
					Messages []json.RawMessage `json:"messages"`
				}
				if err := json.Unmarshal(conv.Raw, &raw); err != nil || len(raw.Messages) != len(conv.Messages) {
					t.Fatalf("raw page %s: %v", conv.Raw, err)
				}
				pages = append(pages, conv.Messages)
			}
			// A poll that returns the first page again merges without duplicates.
			merged := api.MergeMessages(append(pages, pages[0])...)
			ids := map[string]bool{}
			for _, m := range merged {
				if ids[m.ID] {
					t.Errorf("message %s twice after merging", m.ID)
				}
				ids[m.ID] = true
			}
			if merged[0].ID != pages[0][0].ID || !slices.IsSortedFunc(merged, func(a, b api.Message) int { return b.Date().Compare(a.Date()) }) {
				t.Error("merged pages do not open at the newest message")
			}
		})
	}
}

func TestMergeKeepsTheFresherCopy(t *testing.T) {
	at := func(s string) api.Time { tm, _ := time.Parse(time.RFC3339, s); return api.Time{Time: tm} }
	old := api.Message{ID: "a", Text: "old", MessageDate: api.MessageDate{Created: at("2026-01-01T10:00:00Z")}}
	fresh := old
	fresh.Text = "moderated"
	b := api.Message{ID: "b", MessageDate: api.MessageDate{Received: at("2026-01-01T11:00:00Z")}}
	got := api.MergeMessages([]api.Message{old}, []api.Message{b, fresh})
	if len(got) != 2 || got[0].ID != "b" || got[1].Text != "moderated" {
		t.Errorf("merged %+v", got)
	}
}

func TestRawJSONKeepsNumbersAndUnknownFields(t *testing.T) {
	ctx := context.Background()
	f := domestic(t)
	conv, err := f.client.PackMessages(ctx, domPlain, api.PageOptions{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(conv.Raw, []byte(`"seller_max_message_length":350`)) || !bytes.Contains(conv.Raw, []byte(`"path":"/packs/`+domPlain+`/sellers/`+domSeller+`"`)) {
		t.Errorf("raw envelope lost fields: %s", conv.Raw)
	}
	for _, m := range conv.Messages {
		var probe map[string]any
		if err := json.Unmarshal(m.Raw, &probe); err != nil {
			t.Fatal(err)
		}
		if _, ok := probe["client_id"].(float64); !ok {
			t.Errorf("client_id in raw message is %T, want a number", probe["client_id"])
		}
	}
	if conv.ConversationStatus.Path != "/packs/"+domPlain+"/sellers/"+domSeller {
		t.Errorf("status path %q", conv.ConversationStatus.Path)
	}
}

func TestPerThreadLimits(t *testing.T) {
	ctx := context.Background()
	f := domestic(t)
	for pack, want := range map[string]int{domPlain: 350, domUnknown: 0, domNoPack: 120} {
		conv, err := f.client.PackMessages(ctx, pack, api.PageOptions{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got := conv.TextLimit(); got != want {
			t.Errorf("pack %s limit %d, want %d", pack, got, want)
		}
	}
	_, err := f.client.SendMessage(ctx, domNoPack, api.SendRequest{Text: strings.Repeat("a", 121)})
	if e := asAPIError(t, err, http.StatusBadRequest); !strings.Contains(api.Explain(e), "120") {
		t.Errorf("over the thread's limit: %q", api.Explain(err))
	}
	m := newFixture(t)
	conv, err := m.client.PackMessages(ctx, packAna, api.PageOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if conv.TextLimit() != api.MaxTextLength {
		t.Errorf("marketplace limit %d", conv.TextLimit())
	}
}

func sentTo(t *testing.T, f *fixture) string {
	t.Helper()
	var body struct {
		From struct{ UserID json.Number } `json:"from"`
		To   struct {
			UserID json.Number `json:"user_id"`
		} `json:"to"`
		Text string `json:"text"`
	}
	r := f.last(t)
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("send body %s: %v", r.Body, err)
	}
	if !bytes.Contains(r.Body, []byte(`"from":{"user_id":`+domSeller+`}`)) {
		t.Errorf("send body %s lacks from.user_id as a number", r.Body)
	}
	return body.To.UserID.String()
}

func TestDomesticSendChoosesTheRecipientFromTheThread(t *testing.T) {
	ctx := context.Background()
	f := domestic(t)
	if _, err := f.client.SendMessage(ctx, domPlain, api.SendRequest{Text: "Vai em outro pacote, chega amanhã."}); err != nil {
		t.Fatal(err)
	}
	f.expectRequest(t, f.last(t), http.MethodPost, "/messages/packs/"+domPlain+"/sellers/"+domSeller, url.Values{"tag": {"post_sale"}})
	if to := sentTo(t, f); to != plainBuyer {
		t.Errorf("ordinary thread: sent to %s, want the buyer %s", to, plainBuyer)
	}

	conv, err := f.client.PackMessages(ctx, domAgent, api.PageOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !api.AgentHandled(conv, domSeller) || api.PartyName(conv.Messages[0].From) != api.AssistantName {
		t.Fatalf("agent thread not recognised: path %q from %+v", conv.ConversationStatus.Path, conv.Messages[0].From)
	}
	if _, err := f.client.SendMessage(ctx, domAgent, api.SendRequest{Text: "Tem 12 meses de garantia."}); err != nil {
		t.Fatal(err)
	}
	if to := sentTo(t, f); to != mlbAgentID {
		t.Errorf("agent thread: sent to %s, want the MLB agent", to)
	}
	// One message at a time to the agent.
	_, err = f.client.SendMessage(ctx, domAgent, api.SendRequest{Text: "E a nota fiscal vai junto."})
	if e := asAPIError(t, err, http.StatusForbidden); !strings.Contains(api.Explain(e), "one message at a time") {
		t.Errorf("second message to the agent: %q", api.Explain(err))
	}
	// A translation would be dropped by the domestic API: refused before any request.
	var ve *api.ValidationError
	if err := f.noRequest(t, func() error {
		_, err := f.client.SendMessage(ctx, domNoPack, api.SendRequest{Text: "Oi", TextTranslated: "Hi"})
		return err
	}); !errors.As(err, &ve) {
		t.Errorf("translation on the domestic flavour: %v", err)
	}
	// Addressing the agent on a thread it does not handle is refused, in a sentence.
	_, err = f.client.SendMessage(ctx, domNoPack, api.SendRequest{Text: "Oi", To: mlbAgentID})
	if e := asAPIError(t, err, http.StatusBadRequest); !strings.Contains(api.Explain(e), "assistant does not handle") {
		t.Errorf("agent on a plain thread: %q", api.Explain(err))
	}
}

func TestDomesticOrderSearch(t *testing.T) {
	ctx := context.Background()
	f := domestic(t)
	var packs []api.Pack
	opts := api.OrderSearchOptions{Seller: domSeller, Sort: api.SortDateDesc, Limit: 2}
	for range 10 {
		res, err := f.client.SearchOrders(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		q, _ := url.ParseQuery(f.last(t).RawQuery)
		if f.last(t).Path != "/orders/search" || q.Get("sort") != "date_desc" || q.Has("scroll_id") {
			t.Errorf("order search %s?%s", f.last(t).Path, f.last(t).RawQuery)
		}
		packs = append(packs, res.Results...)
		if res.Paging.ScrollID == "" {
			break
		}
		opts.ScrollID = res.Paging.ScrollID
	}
	byID := map[string]api.Pack{}
	for _, p := range packs {
		if _, dup := byID[string(p.ID)]; dup && string(p.ID) != domPlain {
			t.Errorf("pack %s twice", p.ID)
		}
		byID[string(p.ID)] = p
	}
	if p, ok := byID[domNoPack]; !ok || p.Title() != "Mouse sem fio Aurora M1" || p.Buyer.Nickname != "PEDRO.ALVES" {
		t.Errorf("order without pack: %+v", p)
	}
	if len(byID) != 5 {
		t.Errorf("%d packs, want 5: %v", len(byID), byID)
	}
}

func TestUploadsAreSizedAndChunkedOnesRefused(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, upload, download string
		f                      *fixture
		query                  url.Values
	}{
		{"marketplace", "/marketplace/messages/attachments", "/marketplace/messages/attachments/", newFlavorFixture(t), url.Values{"site_id": {"MLM"}}},
		{"domestic", "/messages/attachments", "/messages/attachments/", domestic(t), url.Values{"site_id": {"MLM"}, "tag": {"post_sale"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			up, err := tc.f.client.UploadAttachment(ctx, "MLM", api.UploadFile{Name: "nota.txt", ContentType: "text/plain", Size: 5, Body: strings.NewReader("hello")})
			if err != nil {
				t.Fatal(err)
			}
			tc.f.expectRequest(t, tc.f.last(t), http.MethodPost, tc.upload, tc.query)
			var buf bytes.Buffer
			if _, err := tc.f.client.DownloadAttachment(ctx, "MLM", up.ID, &buf); err != nil || buf.String() != "hello" {
				t.Fatalf("download: %q, %v", buf.String(), err)
			}
			tc.f.expectRequest(t, tc.f.last(t), http.MethodGet, tc.download+up.ID, url.Values{"site_id": {"MLM"}, "tag": {"post_sale"}})
			// A chunked body (length unknown to the transport) is what a strict gateway refuses.
			req, _ := http.NewRequest(http.MethodPost, tc.f.ts.URL+tc.upload+"?"+tc.query.Encode(), io.MultiReader(strings.NewReader("--x\r\n")))
			req.Header.Set("Authorization", "Bearer "+tc.f.sb.Token())
			req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
			resp, err := tc.f.ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusLengthRequired {
				t.Errorf("chunked upload answered %d, want 411", resp.StatusCode)
			}
		})
	}
}

func TestContactReasons(t *testing.T) {
	ctx := context.Background()
	f := domestic(t)
	conv, err := f.client.PackMessages(ctx, domReason, api.PageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !api.NeedsContactReason(conv.ConversationStatus) {
		t.Fatalf("status %+v does not ask for a contact reason", conv.ConversationStatus)
	}
	g, err := f.client.ActionGuide(ctx, domReason)
	if err != nil {
		t.Fatal(err)
	}
	f.expectRequest(t, f.last(t), http.MethodGet, "/messages/action_guide/packs/"+domReason, url.Values{"tag": {"post_sale"}})
	if len(g.Options) == 0 || g.Options[0].Templates == nil {
		t.Fatalf("guide %+v", g)
	}
	caps, err := f.client.CapsAvailable(ctx, domReason)
	if err != nil || len(caps) == 0 || caps[0].CapAvailable != 1 {
		t.Fatalf("caps %+v, %v", caps, err)
	}
	f.expectRequest(t, f.last(t), http.MethodGet, "/messages/action_guide/packs/"+domReason+"/caps_available", url.Values{"tag": {"post_sale"}})

	f.sb.LockOptions(1)
	req := api.OptionRequest{OptionID: g.Options[0].ID, TemplateID: g.Options[0].Templates[0].ID}
	_, err = f.client.SendOption(ctx, domReason, req)
	if e := asAPIError(t, err, http.StatusConflict); !strings.Contains(api.Explain(e), "wait a moment") {
		t.Errorf("409: %q", api.Explain(err))
	}
	m, err := f.client.SendOption(ctx, domReason, req)
	if err != nil || m.ID == "" || m.Text == "" {
		t.Fatalf("send option: %+v, %v", m, err)
	}
	f.expectRequest(t, f.last(t), http.MethodPost, "/messages/action_guide/packs/"+domReason+"/option", url.Values{"tag": {"post_sale"}})
	_, err = f.client.SendOption(ctx, domReason, req)
	if e := asAPIError(t, err, http.StatusForbidden); !strings.Contains(api.Explain(e), "maximum number of times") {
		t.Errorf("cap used: %q", api.Explain(err))
	}
	var ve *api.ValidationError
	if err := f.noRequest(t, func() error {
		_, err := f.client.SendOption(ctx, domReason, api.OptionRequest{OptionID: api.OptionOther, Text: strings.Repeat("x", 351)})
		return err
	}); !errors.As(err, &ve) {
		t.Errorf("OTHER over 350: %v", err)
	}
	mk := newFixture(t)
	if _, err := mk.client.ActionGuide(ctx, packAna); !errors.As(err, &ve) {
		t.Errorf("marketplace action guide: %v", err)
	}
}

func TestForbiddenSellerGetsOneSentence(t *testing.T) {
	ctx := context.Background()
	for name, f := range map[string]*fixture{
		"marketplace": newFlavorFixture(t, sandbox.WithMessagingForbidden()),
		"domestic":    domestic(t, sandbox.WithMessagingForbidden()),
	} {
		_, err := f.client.UnreadPacks(ctx)
		e := asAPIError(t, err, http.StatusForbidden)
		if got := api.Explain(e); !strings.Contains(got, "does not allow this account to use post-sale messages") {
			t.Errorf("%s: %q", name, got)
		}
	}
}

func TestSubstatusVocabulary(t *testing.T) {
	for _, s := range []string{"blocked_by_ai_assistant", "blocked_by_ai_assistant_expired", "blocked_by_ai_assistant_contact_closed",
		"block_by_ai_assistant_initiated_by_seller_expired", "blocked_by_conversation_expired", "blocked_by_refund",
		"blocked_by_restrictions", "blocked_by_deactivated_account", "blocked_by_message_pending_review",
		"blocked_by_return_to_buyer_fulfillment", "blocked_by_conversation_use_message_api", "blocked_by_cancelled_order_hidden",
		"blocked_by_cancelled_order_by_fraud", "blocked_by_conversation_initiated_by_seller_limited",
		"blocked_by_claim", "blocked_by_conversation_started_by_seller"} {
		if got := api.SubstatusReason(s); got == "" || strings.Contains(got, "(substatus") {
			t.Errorf("documented %s explained generically: %q", s, got)
		}
	}
	if got := api.SubstatusReason("blocked_by_tax_document_review"); got != "Mercado Libre blocked this conversation (substatus blocked_by_tax_document_review)." {
		t.Errorf("unknown: %q", got)
	}
	if api.SubstatusReason("") == "" {
		t.Error("empty substatus gives an empty banner")
	}
}
