package packlist

import (
	"net/url"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/uitest"
)

// The domestic seller's list: item titles from the order search, the agent not taken for the
// buyer, headers that never mark anything read.
func TestDomesticListShowsItemTitlesAndNeverMarksRead(t *testing.T) {
	u := uitest.New(t, uitest.At(testNow), uitest.WithSandbox(sandbox.Domestic()),
		uitest.WithClient(api.WithFlavor(api.FlavorAuto)), uitest.AsSeller("", ""))
	m := New(u.Common)
	m.SetSize(140, 60)
	h := &harness{sb: u.Sandbox, c: u.Common, m: m}
	h.drain(t, m.Init())
	v := m.View()
	for _, want := range []string{"Mouse sem fio Aurora M1", "Carregador USB-C 30W + Cabo USB-C 2 m", "RAFAEL.SOUZA"} {
		if !strings.Contains(v, want) {
			t.Errorf("list lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "Mercado Libre  #") {
		t.Errorf("the messaging agent is shown as the buyer:\n%s", v)
	}
	headers := 0
	for _, r := range u.Sandbox.Requests() {
		if strings.HasPrefix(r.Path, "/messages/packs/") {
			headers++
			if q, _ := url.ParseQuery(r.RawQuery); q.Get("mark_as_read") != "false" {
				t.Errorf("header %s?%s may mark messages read", r.Path, r.RawQuery)
			}
		}
	}
	if headers == 0 || uitest.RouteCount(u.Sandbox, sandbox.RouteDomesticOrderSearch) == 0 {
		t.Errorf("%d headers, %d order searches", headers, uitest.RouteCount(u.Sandbox, sandbox.RouteDomesticOrderSearch))
	}
}
