package packlist

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
)

const (
	// MaxPacks caps the first screen's order search: enough for a busy seller's recent sales
	// without walking years of history through the shared rate limit.
	MaxPacks = 200
	// MaxHeadersInFlight bounds concurrent conversation-header requests.
	MaxHeadersInFlight = 4
	orderPageSize      = 50
)

// packsLoadedMsg carries the unread counts and, on a full load, the recent packs.
// Err-free partial results are kept: unread counts still show when the order search fails.
type packsLoadedMsg struct {
	Full   bool
	Unread []api.UnreadPack
	Packs  []api.Pack
}

// headerLoadedMsg carries the newest message and status of one conversation.
type headerLoadedMsg struct {
	PackID string
	Conv   *api.Conversation
}

// Source is what the list reads: unread counts, the seller's orders and each conversation's
// newest message. *api.Client is one; a local store may decorate it.
type Source interface {
	UnreadPacks(ctx context.Context) (*api.Unread, error)
	SearchOrders(ctx context.Context, opts api.OrderSearchOptions) (*api.OrderSearch, error)
	api.PackReader
}

// loadCmd fetches the unread counts and (when full) the seller's recent packs.
func (m *Model) loadCmd(full bool) tea.Cmd {
	client, seller := m.src, m.c.Seller
	label := "Checking for new messages"
	if full {
		label = "Loading conversations"
	}
	return m.run(label, func(ctx context.Context) (tea.Msg, error) {
		msg := packsLoadedMsg{Full: full}
		var errs []error
		unread, err := client.UnreadPacks(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("unread conversations: %w", err))
		} else {
			msg.Unread = unread.Results
		}
		if full {
			packs, err := searchPacks(ctx, client, seller)
			if err != nil {
				errs = append(errs, fmt.Errorf("recent orders: %w", err))
			}
			msg.Packs = packs
		}
		return msg, errors.Join(errs...)
	})
}

// searchPacks follows the order search's scroll_id, newest first, up to MaxPacks.
func searchPacks(ctx context.Context, client Source, seller string) ([]api.Pack, error) {
	var packs []api.Pack
	opts := api.OrderSearchOptions{Seller: seller, Sort: api.SortDateDesc, Limit: orderPageSize}
	for len(packs) < MaxPacks {
		res, err := client.SearchOrders(ctx, opts)
		if err != nil {
			return packs, err
		}
		packs = append(packs, res.Results...)
		// An empty page or a missing/repeated scroll id ends the walk (guards against loops).
		if len(res.Results) == 0 || res.Paging.ScrollID == "" || res.Paging.ScrollID == opts.ScrollID {
			break
		}
		if res.Paging.Total > 0 && len(packs) >= res.Paging.Total {
			break
		}
		opts.ScrollID = res.Paging.ScrollID
	}
	if len(packs) > MaxPacks {
		packs = packs[:MaxPacks]
	}
	return packs, nil
}

// HeaderTimeout bounds one header request: the list has only MaxHeadersInFlight slots, and a
// request that never answers must not hold one (and the rows behind it) forever.
const HeaderTimeout = 20 * time.Second

// headerCmd fetches the newest message of one conversation (limit=1, never marks it read).
func (m *Model) headerCmd(packID string) tea.Cmd {
	client, timeout := m.src, m.headerTimeout
	return m.run("Loading "+m.whose(packID), func(ctx context.Context) (tea.Msg, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		conv, err := client.PackMessages(ctx, packID, api.PageOptions{Limit: 1})
		if err != nil {
			return headerLoadedMsg{PackID: packID}, fmt.Errorf("conversation %s: %w", packID, err)
		}
		return headerLoadedMsg{PackID: packID, Conv: conv}, nil
	})
}
