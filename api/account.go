package api

import (
	"context"
	"net/url"
	"strconv"
)

// Me returns the logged-in user: the seller id and site.
func (c *Client) Me(ctx context.Context) (*User, error) {
	var u User
	if err := c.getJSON(ctx, "/users/me", nil, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// UnreadPacks lists the seller's conversations with unread buyer messages (up to 1,000).
func (c *Client) UnreadPacks(ctx context.Context) (*Unread, error) {
	var u Unread
	q := url.Values{"role": {"seller"}, "tag": {DefaultTag}}
	if err := c.getJSON(ctx, "/marketplace/messages/unread", q, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// OrderSearchOptions selects a page of the seller's orders. Continue with the previous answer's
// Paging.ScrollID.
type OrderSearchOptions struct {
	Seller   string
	Sort     string // SortDateDesc or SortDateAsc; empty lets the API choose (date_asc)
	Limit    int
	ScrollID string
}

// SearchOrders lists the seller's packs.
func (c *Client) SearchOrders(ctx context.Context, opts OrderSearchOptions) (*OrderSearch, error) {
	if opts.Seller == "" {
		return nil, &ValidationError{Field: "seller", Problem: "a seller id is required"}
	}
	q := url.Values{"seller": {opts.Seller}}
	if opts.Sort != "" {
		q.Set("sort", opts.Sort)
	}
	if opts.Limit > 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	if opts.ScrollID != "" {
		q.Set("scroll_id", opts.ScrollID)
	}
	var res OrderSearch
	if err := c.getJSON(ctx, "/marketplace/orders/search", q, &res); err != nil {
		return nil, err
	}
	return &res, nil
}
