package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
)

func TestUnreadPacks(t *testing.T) {
	f := newFixture(t)
	u, err := f.client.UnreadPacks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f.expectRequest(t, f.last(t), http.MethodGet, "/marketplace/messages/unread",
		url.Values{"role": {"seller"}, "tag": {"post_sale"}})
	if u.UserID.String() != f.sb.SellerID() {
		t.Errorf("userId = %q, want %s", u.UserID, f.sb.SellerID())
	}
	counts := unreadCounts(u)
	want := map[string]int{packAna: 2, packLong: 1, packEscapes: 1, packThreat: 1}
	for pack, n := range want {
		if counts[pack] != n {
			t.Errorf("unread[%s] = %d, want %d (all: %v)", pack, counts[pack], n, counts)
		}
	}
	// The rejected buyer message is hidden, so it cannot be unread either.
	if _, ok := counts[packModerated]; ok {
		t.Errorf("pack %s counts a hidden message as unread", packModerated)
	}
	for _, r := range u.Results {
		if !strings.HasPrefix(r.Resource, "/packs/") || r.Count <= 0 {
			t.Errorf("result %+v", r)
		}
	}

	// Reading never marks anything read.
	if _, err := f.client.PackMessages(context.Background(), packAna, api.PageOptions{Limit: 50}); err != nil {
		t.Fatal(err)
	}
	again, err := f.client.UnreadPacks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if unreadCounts(again)[packAna] != 2 {
		t.Errorf("reading the pack changed its unread count to %d", unreadCounts(again)[packAna])
	}
}

func TestSearchOrdersScrollsBothWays(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	collect := func(sort string) []api.Pack {
		t.Helper()
		var out []api.Pack
		opts := api.OrderSearchOptions{Seller: f.sb.SellerID(), Sort: sort, Limit: 4}
		for range 20 {
			res, err := f.client.SearchOrders(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			want := url.Values{"seller": {f.sb.SellerID()}, "limit": {"4"}}
			if sort != "" {
				want.Set("sort", sort)
			}
			if opts.ScrollID != "" {
				want.Set("scroll_id", opts.ScrollID)
			}
			f.expectRequest(t, f.last(t), http.MethodGet, "/marketplace/orders/search", want)
			if res.Paging.Limit != 4 || len(res.Results) > 4 {
				t.Fatalf("page of %d with limit %d", len(res.Results), res.Paging.Limit)
			}
			out = append(out, res.Results...)
			if res.Paging.ScrollID == "" {
				if len(out) != res.Paging.Total {
					t.Fatalf("scrolled %d packs, total %d", len(out), res.Paging.Total)
				}
				return out
			}
			opts.ScrollID = res.Paging.ScrollID
		}
		t.Fatal("scroll_id never ran out")
		return nil
	}

	desc := collect(api.SortDateDesc)
	asc := collect("") // the API's default is date_asc
	if len(desc) < 15 || len(asc) != len(desc) {
		t.Fatalf("%d packs desc, %d asc", len(desc), len(asc))
	}
	sites := map[string]bool{}
	for i, p := range desc {
		sites[p.SiteID] = true
		if i > 0 && p.DateCreated.After(desc[i-1].DateCreated.Time) {
			t.Errorf("date_desc: %s after %s", p.DateCreated, desc[i-1].DateCreated)
		}
		if asc[len(asc)-1-i].ID != p.ID {
			t.Errorf("date_asc is not the reverse of date_desc at %d", i)
		}
		if p.Buyer.ID == "" || p.Buyer.Nickname == "" || len(p.Orders) == 0 || p.Orders[0].Seller.ID.String() != f.sb.SellerID() {
			t.Errorf("pack %+v lacks buyer or orders", p)
		}
	}
	if len(sites) != 4 {
		t.Errorf("sites %v, want MLM, MLB, MCO and MLC", sites)
	}
}

func TestSearchOrdersErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.client.SearchOrders(ctx, api.OrderSearchOptions{Seller: "999"})
	e := asAPIError(t, err, http.StatusForbidden)
	if e.Message != "User access token invalid for resource 999" || !strings.Contains(api.Explain(err), "not valid") {
		t.Errorf("other seller: %+v / %q", e, api.Explain(err))
	}
	_, err = f.client.SearchOrders(ctx, api.OrderSearchOptions{Seller: f.sb.SellerID(), Sort: "price_asc"})
	asAPIError(t, err, http.StatusBadRequest)
	_, err = f.client.SearchOrders(ctx, api.OrderSearchOptions{Seller: f.sb.SellerID(), ScrollID: "not-a-scroll"})
	asAPIError(t, err, http.StatusBadRequest)
	var ve *api.ValidationError
	if err := f.noRequest(t, func() error { _, err := f.client.SearchOrders(ctx, api.OrderSearchOptions{}); return err }); !errors.As(err, &ve) {
		t.Errorf("no seller: %v", err)
	}
}
