package api

import (
	"context"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Me returns the logged-in user: the seller id and site.
//
// The answer is kept for the client's life (a token speaks for one account, and an inbox start
// asks for it three times over: the header, the flavour, the sync's check of the store's
// seller), and callers asking at the same time share one request. A failure is not kept: the
// next call asks again.
func (c *Client) Me(ctx context.Context) (*User, error) {
	for {
		c.me.mu.Lock()
		if u := c.me.user; u != nil {
			c.me.mu.Unlock()
			cp := *u
			return &cp, nil
		}
		if wait := c.me.asking; wait != nil {
			c.me.mu.Unlock()
			select {
			case <-wait:
				continue // answered, or failed: then this caller asks itself
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		c.me.asking = done
		c.me.mu.Unlock()
		var u User
		err := c.getJSON(ctx, "/users/me", nil, &u)
		c.me.mu.Lock()
		if err == nil {
			c.me.user = &u
		}
		c.me.asking = nil
		close(done)
		c.me.mu.Unlock()
		if err != nil {
			return nil, err
		}
		cp := u
		return &cp, nil
	}
}

// meCache is the authenticated user once /users/me answered, and the request in flight.
type meCache struct {
	mu     sync.Mutex
	user   *User
	asking chan struct{} // closed when the request in flight ends
}

func unreadPath(a Account) string {
	if a.Flavor == FlavorDomestic {
		return "/messages/unread"
	}
	return "/marketplace/messages/unread"
}

// UnreadPacks lists the seller's conversations with unread buyer messages (up to 1,000 on the
// marketplace flavour, 500 on the domestic one).
func (c *Client) UnreadPacks(ctx context.Context) (*Unread, error) {
	a, err := c.Account(ctx)
	if err != nil {
		return nil, err
	}
	var u Unread
	q := url.Values{"role": {"seller"}, "tag": {DefaultTag}}
	raw, err := c.getJSONRaw(ctx, unreadPath(a), q, &u)
	if err != nil {
		return nil, err
	}
	u.Raw = raw
	return &u, nil
}

// OrderSearchOptions selects a page of the seller's orders. Continue with the previous answer's
// Paging.ScrollID (on the domestic flavour, which pages by offset, the client makes that cursor
// from the next offset).
type OrderSearchOptions struct {
	Seller   string
	Sort     string // SortDateDesc or SortDateAsc; empty lets the API choose (date_asc)
	Limit    int
	ScrollID string
}

func ordersPath(a Account) string {
	if a.Flavor == FlavorDomestic {
		return "/orders/search"
	}
	return "/marketplace/orders/search"
}

// SearchOrders lists the seller's packs. On the domestic flavour the answer lists orders; they
// are grouped into packs (pack_id null: the order id is the pack id) with the items' titles.
func (c *Client) SearchOrders(ctx context.Context, opts OrderSearchOptions) (*OrderSearch, error) {
	if opts.Seller == "" {
		return nil, &ValidationError{Field: "seller", Problem: "a seller id is required"}
	}
	a, err := c.Account(ctx)
	if err != nil {
		return nil, err
	}
	q := url.Values{"seller": {opts.Seller}}
	if opts.Sort != "" {
		q.Set("sort", opts.Sort)
	}
	if opts.Limit > 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	if a.Flavor == FlavorDomestic {
		return c.searchDomesticOrders(ctx, a, q, opts)
	}
	if opts.ScrollID != "" {
		q.Set("scroll_id", opts.ScrollID)
	}
	var res OrderSearch
	raw, err := c.getJSONRaw(ctx, ordersPath(a), q, &res)
	if err != nil {
		return nil, err
	}
	res.Raw = raw
	return &res, nil
}

// domesticOrders is the answer of the domestic GET /orders/search.
type domesticOrders struct {
	Results []struct {
		ID          ID      `json:"id"`
		PackID      ID      `json:"pack_id"`
		Buyer       UserRef `json:"buyer"`
		Seller      UserRef `json:"seller"`
		DateCreated Time    `json:"date_created"`
		SiteID      string  `json:"site_id"`
		Shipping    Ref     `json:"shipping"`
		OrderItems  []struct {
			Item struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"item"`
		} `json:"order_items"`
	} `json:"results"`
	Sort           SortOption   `json:"sort"`
	AvailableSorts []SortOption `json:"available_sorts"`
	Paging         struct {
		Total  int `json:"total"`
		Offset int `json:"offset"`
		Limit  int `json:"limit"`
	} `json:"paging"`
}

const offsetCursor = "offset:"

func (c *Client) searchDomesticOrders(ctx context.Context, a Account, q url.Values, opts OrderSearchOptions) (*OrderSearch, error) {
	if opts.ScrollID != "" {
		b, err := base64.RawURLEncoding.DecodeString(opts.ScrollID)
		n, perr := strconv.Atoi(strings.TrimPrefix(string(b), offsetCursor))
		if err != nil || perr != nil || n < 0 || !strings.HasPrefix(string(b), offsetCursor) {
			return nil, &ValidationError{Field: "scroll_id", Problem: "the page cursor is not one postsale made"}
		}
		q.Set("offset", strconv.Itoa(n))
	}
	var d domesticOrders
	raw, err := c.getJSONRaw(ctx, ordersPath(a), q, &d)
	if err != nil {
		return nil, err
	}
	res := &OrderSearch{Raw: raw, Sort: d.Sort, AvailableSorts: d.AvailableSorts,
		Paging: ScrollPaging{Total: d.Paging.Total, Limit: d.Paging.Limit, Offset: d.Paging.Offset}}
	at := map[ID]int{}
	for _, o := range d.Results {
		id := o.PackID
		if id == "" {
			id = o.ID
		}
		i, ok := at[id]
		if !ok {
			i = len(res.Results)
			at[id] = i
			res.Results = append(res.Results, Pack{ID: id, Buyer: o.Buyer, Shipment: o.Shipping,
				DateCreated: o.DateCreated, SiteID: o.SiteID})
		}
		p := &res.Results[i]
		p.Orders = append(p.Orders, OrderRef{ID: o.ID, Seller: o.Seller})
		for _, it := range o.OrderItems {
			if it.Item.Title != "" {
				p.Titles = append(p.Titles, it.Item.Title)
			}
		}
	}
	if next := d.Paging.Offset + len(d.Results); len(d.Results) > 0 && next < d.Paging.Total {
		res.Paging.ScrollID = base64.RawURLEncoding.EncodeToString([]byte(offsetCursor + strconv.Itoa(next)))
	}
	return res, nil
}
