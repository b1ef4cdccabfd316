package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/postsale/postsale/api"
)

// Demo packs the tests rely on (assets/demo/demo.json).
const (
	packAna        = "2000004512345671" // MLM, two unread buyer messages, active
	packLong       = "2000004777000111" // MLC, 300+ messages
	packBlocked    = "2000004123450000" // blocked_by_buyer
	packMediation  = "2000004333221100" // blocked_by_mediation, with a claim
	packManual     = "2000004411223300" // MCO, txt + png + a broken png
	packModerated  = "2000004966554433" // a hidden buyer message and a shown moderated seller one
	packThreat     = "2000004400998877" // MLB, a potential_security_threat pdf
	packNoMessages = "2000004955443322" // blocked_by_fulfillment, empty
	packEscapes    = "2000004900001111" // a buyer text with escape sequences
)

func TestPackMessagesNewestFirstAndPaging(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	conv, err := f.client.PackMessages(ctx, packLong, api.PageOptions{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	f.expectRequest(t, f.last(t), http.MethodGet, "/marketplace/messages/packs/"+packLong,
		url.Values{"limit": {"50"}})
	if conv.Paging == nil || conv.Paging.Total < 300 || conv.Paging.Limit != 50 || len(conv.Messages) != 50 {
		t.Fatalf("paging %+v with %d messages, want 300+ total and a page of 50", conv.Paging, len(conv.Messages))
	}
	if conv.ConversationStatus == nil || conv.ConversationStatus.Blocked() {
		t.Errorf("conversation status = %+v, want active", conv.ConversationStatus)
	}
	if first := conv.Messages[0]; first.Text != "Última pregunta: ¿tienen garantía en Chile?" || !first.Unread() {
		t.Errorf("offset 0 starts with %q (unread %v), want the newest, unread message", first.Text, first.Unread())
	}

	seen := map[string]bool{}
	var all []api.Message
	for offset := 0; offset < conv.Paging.Total; offset += 50 {
		page, err := f.client.PackMessages(ctx, packLong, api.PageOptions{Limit: 50, Offset: offset})
		if err != nil {
			t.Fatalf("offset %d: %v", offset, err)
		}
		if page.Paging.Offset != offset {
			t.Errorf("paging offset %d, want %d", page.Paging.Offset, offset)
		}
		for _, m := range page.Messages {
			if seen[m.ID] {
				t.Fatalf("message %s on two pages", m.ID)
			}
			seen[m.ID] = true
			all = append(all, m)
		}
	}
	if len(all) != conv.Paging.Total {
		t.Fatalf("pages hold %d messages, total says %d", len(all), conv.Paging.Total)
	}
	for i := 1; i < len(all); i++ {
		if !all[i].Date().Before(all[i-1].Date()) {
			t.Fatalf("message %d (%s) is not older than message %d (%s)", i, all[i].Date(), i-1, all[i-1].Date())
		}
	}
	last := f.last(t)
	if q, _ := url.ParseQuery(last.RawQuery); q.Get("offset") == "" {
		t.Errorf("later pages must send offset: %q", last.RawQuery)
	}

	past, err := f.client.PackMessages(ctx, packLong, api.PageOptions{Limit: 10, Offset: conv.Paging.Total + 5})
	if err != nil || len(past.Messages) != 0 || past.Paging.Total != conv.Paging.Total {
		t.Errorf("offset past the end: %v, %d messages; want an empty page", err, len(past.Messages))
	}
}

func TestPackMessagesQuirksDecode(t *testing.T) {
	f := newFixture(t)
	conv, err := f.client.PackMessages(context.Background(), packLong, api.PageOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	// The raw answer mixes the real API's quirks; the decoded messages must not show them.
	raw := f.last(t)
	if raw.Route != "GET /marketplace/messages/packs/{pack_id}" {
		t.Errorf("route = %q", raw.Route)
	}
	for _, m := range conv.Messages {
		if m.Status != api.StatusAvailable {
			t.Errorf("status %q not decoded to lower case", m.Status)
		}
		if m.From.UserID == "" || m.To.UserID == "" || m.Date().IsZero() {
			t.Errorf("message %s lost its ids or date: %+v", m.ID, m)
		}
		if m.PackID() != packLong || m.SiteID != "MLC" {
			t.Errorf("message %s: pack %q site %q", m.ID, m.PackID(), m.SiteID)
		}
	}
}

func TestPackMessagesHidesBuyersModeratedMessages(t *testing.T) {
	f := newFixture(t)
	conv, err := f.client.PackMessages(context.Background(), packModerated, api.PageOptions{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if conv.Paging.Total != 3 || len(conv.Messages) != 3 {
		t.Fatalf("total %d, %d messages; want 3 (the buyer's rejected one hidden)", conv.Paging.Total, len(conv.Messages))
	}
	var moderatedSeller bool
	for _, m := range conv.Messages {
		if strings.Contains(m.Text, "instagram") {
			t.Errorf("the buyer's rejected message is visible: %q", m.Text)
		}
		if m.Status == api.StatusModerated && m.From.UserID.String() == f.sb.SellerID() {
			moderatedSeller = m.Moderation.Status == api.ModerationRejected && m.Moderation.Reason == "link_short_url"
		}
	}
	if !moderatedSeller {
		t.Error("the seller's own moderated message (LINK_SHORT_URL) is not shown")
	}
}

func TestPackMessagesErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	err := f.noRequest(t, func() error {
		_, err := f.client.PackMessages(ctx, packAna, api.PageOptions{Limit: -1})
		return err
	})
	var ve *api.ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("negative limit: %v, want a validation error", err)
	}
	if err := f.noRequest(t, func() error { _, err := f.client.PackMessages(ctx, "", api.PageOptions{}); return err }); !errors.As(err, &ve) {
		t.Errorf("empty pack id: %v", err)
	}

	_, err = f.client.PackMessages(ctx, "1999999999999999", api.PageOptions{})
	asAPIError(t, err, http.StatusNotFound)
	if !errors.Is(err, api.ErrNotFound) || !strings.Contains(api.Explain(err), "Not found") {
		t.Errorf("unknown pack: %v / %q", err, api.Explain(err))
	}

	empty, err := f.client.PackMessages(ctx, packNoMessages, api.PageOptions{})
	if err != nil || len(empty.Messages) != 0 || empty.ConversationStatus.Substatus != "blocked_by_fulfillment" {
		t.Errorf("empty blocked pack: %v %+v", err, empty)
	}
	med, err := f.client.PackMessages(ctx, packMediation, api.PageOptions{Limit: 1})
	if err != nil || len(med.ConversationStatus.ClaimIDs) != 1 || med.ConversationStatus.ClaimIDs[0] != "5123456789" {
		t.Errorf("mediation claim ids: %v %+v", err, med.ConversationStatus)
	}
}

func TestMessageByID(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	conv, err := f.client.PackMessages(ctx, packManual, api.PageOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := conv.Messages[2]
	got, err := f.client.Message(ctx, want.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.expectRequest(t, f.last(t), http.MethodGet, "/marketplace/messages/"+want.ID, nil)
	if got.ID != want.ID || got.Text != want.Text || got.TextTranslated != want.TextTranslated || len(got.Attachments) != 2 {
		t.Errorf("message = %+v, want %+v", got, want)
	}

	_, err = f.client.Message(ctx, "a")
	e := asAPIError(t, err, http.StatusNotFound)
	if e.Message != "The message with id: a could not be retrieved from storage" {
		t.Errorf("404 message = %q", e.Message)
	}
	if got := api.Explain(err); !strings.Contains(got, "wait a few seconds") {
		t.Errorf("Explain = %q", got)
	}
	if err := f.noRequest(t, func() error { _, err := f.client.Message(ctx, ""); return err }); err == nil {
		t.Error("empty message id accepted")
	}
}

func TestSendMessageStoresAndClearsUnread(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	unread, err := f.client.UnreadPacks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := unreadCounts(unread)
	if before[packAna] != 2 {
		t.Fatalf("unread before = %v, want 2 for %s", before, packAna)
	}

	req := api.SendRequest{
		Text:           `Customs released it today: <a href="https://example.com/t/1">tracking</a> ¡Gracias! 📦`,
		TextTranslated: `La aduana lo liberó hoy: <a href="https://example.com/t/1">seguimiento</a>`,
	}
	sent, err := f.client.SendMessage(ctx, packAna, req)
	if err != nil {
		t.Fatal(err)
	}
	r := f.last(t)
	f.expectRequest(t, r, http.MethodPost, "/marketplace/messages/packs/"+packAna, nil)
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("body %q: %v", r.Body, err)
	}
	if _, has := body["attachments"]; has || body["text"] != req.Text || body["text_translated"] != req.TextTranslated || len(body) != 2 {
		t.Errorf("body = %s, want text and text_translated only", r.Body)
	}

	if sent.From.UserID.String() != f.sb.SellerID() || sent.To.UserID != "441782523" ||
		sent.Status != api.StatusAvailable || sent.Moderation.Status != api.ModerationClean ||
		!sent.Date().Equal(fixedNow) || sent.Text != req.Text || sent.SiteID != "MLM" {
		t.Errorf("sent = %+v", sent)
	}

	conv, err := f.client.PackMessages(ctx, packAna, api.PageOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Messages) != 1 || conv.Messages[0].ID != sent.ID || conv.Paging.Total != 5 {
		t.Errorf("newest message after send = %+v (total %d), want the sent one of 5", conv.Messages, conv.Paging.Total)
	}

	unread, err = f.client.UnreadPacks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	after := unreadCounts(unread)
	if _, still := after[packAna]; still {
		t.Errorf("pack %s still unread after the reply: %v", packAna, after)
	}
	if len(after) != len(before)-1 {
		t.Errorf("unread packs %v → %v: only the answered one may change", before, after)
	}
}

func unreadCounts(u *api.Unread) map[string]int {
	out := map[string]int{}
	for _, r := range u.Results {
		out[r.PackID()] = r.Count
	}
	return out
}

func TestSendMessageRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	_, err := f.client.SendMessage(ctx, packBlocked, api.SendRequest{Text: "Hello again"})
	e := asAPIError(t, err, http.StatusForbidden)
	if e.Code != "forbidden" || e.Message != "blocked_conversation_send_message_forbidden" || !errors.Is(err, api.ErrForbidden) {
		t.Errorf("blocked: %+v", e)
	}
	if got := api.Explain(err); !strings.Contains(got, "conversation is blocked") {
		t.Errorf("Explain = %q", got)
	}

	_, err = f.client.SendMessage(ctx, packAna, api.SendRequest{Text: "Here it is", Attachments: []string{f.sb.SellerID() + "_00000000-0000-4000-8000-000000000000.png"}})
	e = asAPIError(t, err, http.StatusUnprocessableEntity)
	if e.Message != "Attachment key is invalid or not found" || !strings.Contains(api.Explain(err), "attach the file again") {
		t.Errorf("unknown attachment: %+v / %q", e, api.Explain(err))
	}

	_, err = f.client.SendMessage(ctx, "1999999999999999", api.SendRequest{Text: "Hi"})
	asAPIError(t, err, http.StatusNotFound)

	var ve *api.ValidationError
	refused := []api.SendRequest{
		{Text: strings.Repeat("a", 351)},
		{Text: "こんにちは"},
		{Text: "ok", TextTranslated: "Пакет"},
		{Text: " "},
		{Text: "files", Attachments: make([]string, 26)},
	}
	for _, req := range refused {
		err := f.noRequest(t, func() error { _, err := f.client.SendMessage(ctx, packAna, req); return err })
		if !errors.As(err, &ve) {
			t.Errorf("send %.20q: %v, want a validation error before any request", req.Text, err)
		}
	}
}

func TestConcurrentSellersShareOneSandbox(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const workers, each = 6, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := f.client.SendMessage(ctx, packManual, api.SendRequest{Text: fmt.Sprintf("worker %d message %d", w, i)}); err != nil {
					errs <- err
				}
				if _, err := f.client.PackMessages(ctx, packManual, api.PageOptions{Limit: 3}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	conv, err := f.client.PackMessages(ctx, packManual, api.PageOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if conv.Paging.Total != 4+workers*each {
		t.Errorf("total %d after %d concurrent sends to a pack of 4", conv.Paging.Total, workers*each)
	}
}
