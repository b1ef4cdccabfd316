package conversation

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// Domestic demo packs (assets/demo/domestic.json).
const (
	domAgent   = "2000009100000001"
	domPlain   = "2000009100000002"
	domUnknown = "2000009100000004"
	domNoPack  = "4600000000000051"
)

func newDomesticEnv(t testing.TB, opts ...sandbox.Option) *env {
	return uitest.New(t, uitest.WithSandbox(append([]sandbox.Option{sandbox.Domestic()}, opts...)...),
		uitest.WithClient(api.WithFlavor(api.FlavorAuto)), uitest.AsSeller("MLB", "LOJA_AURORA"))
}

func unread(t *testing.T, e *env, pack string) int {
	t.Helper()
	u, err := e.Client.UnreadPacks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range u.Results {
		if r.PackID() == pack {
			return r.Count
		}
	}
	return 0
}

func TestOpeningMarksReadAndRefreshesDoNot(t *testing.T) {
	e := newDomesticEnv(t)
	if unread(t, e, domPlain) != 1 {
		t.Fatal("demo pack should start unread")
	}
	m := openPack(t, e, domPlain, 100, 30)
	if unread(t, e, domPlain) != 0 {
		t.Error("opening the conversation did not mark it read")
	}
	before := len(e.Sandbox.Requests())
	uitest.Deliver(m, common.RefreshMsg{})
	reqs := e.Sandbox.Requests()[before:]
	refreshed := false
	for _, r := range reqs {
		if strings.HasPrefix(r.Path, "/messages/packs/") {
			refreshed = true
			if q, _ := url.ParseQuery(r.RawQuery); q.Get("mark_as_read") != "false" || q.Get("tag") != "post_sale" {
				t.Errorf("refresh %s?%s may mark messages read", r.Path, r.RawQuery)
			}
		}
	}
	if !refreshed {
		t.Error("the refresh read nothing")
	}
}

func TestAgentShownAsTheAssistant(t *testing.T) {
	e := newDomesticEnv(t)
	m := openPack(t, e, domAgent, 120, 30)
	v := m.View()
	if !strings.Contains(v, api.AssistantName) || strings.Contains(v, "Buyer · ") || strings.Contains(v, "· Mercado Libre ") {
		t.Errorf("agent thread:\n%s", v)
	}
}

func TestUnknownSubstatusAndZeroLimitDisableReplying(t *testing.T) {
	e := newDomesticEnv(t)
	m := openPack(t, e, domUnknown, 120, 30)
	blocked, reason := m.Blocked()
	want := "Mercado Libre blocked this conversation (substatus blocked_by_tax_document_review)."
	if !blocked || reason != want || !strings.Contains(m.View(), want) {
		t.Errorf("blocked %v %q\n%s", blocked, reason, m.View())
	}
	if m.keys.Reply.Enabled() {
		t.Error("reply key enabled on a blocked conversation")
	}
	n := openPack(t, e, domNoPack, 120, 30)
	if n.TextLimit() != 120 {
		t.Errorf("thread limit %d, want 120", n.TextLimit())
	}
}

func TestShuffledPageOpensAtTheNewest(t *testing.T) {
	e := uitest.New(t, uitest.WithSandbox(sandbox.WithShuffledPages(3)), uitest.AsSeller("MLM", "Demo Seller"))
	m := openPack(t, e, packLong, 120, 30)
	if len(m.entries) < 2 {
		t.Fatalf("%d entries", len(m.entries))
	}
	for i := 1; i < len(m.entries); i++ {
		if m.entries[i].msg.Date().Before(m.entries[i-1].msg.Date()) {
			t.Fatalf("entry %d (%s) is older than entry %d (%s): order came from the page", i, m.entries[i].msg.Date(), i-1, m.entries[i-1].msg.Date())
		}
	}
	first, err := e.Client.PackMessages(context.Background(), packLong, api.PageOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if last := m.entries[len(m.entries)-1].msg; last.ID != first.Messages[0].ID || !m.follow {
		t.Errorf("the conversation does not open at its newest message %s (last entry %s)", first.Messages[0].ID, last.ID)
	}
}
