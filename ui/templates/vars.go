package templates

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/postsale/postsale/api"
	tpl "github.com/postsale/postsale/config/templates"
)

// PackInfo is what a template can say about a pack, read from the API.
type PackInfo struct {
	Site string
	Vars tpl.Vars
	// Flavour says which text is the message: the buyer's language on the domestic API, the
	// seller's (with the buyer's as translation) on the cross-border one.
	Flavour tpl.Flavour
}

// flavourReader is a client that knows which API flavour the account speaks (*api.Client).
type flavourReader interface {
	Flavor(ctx context.Context) (api.Flavor, error)
}

// orderSearchPages bounds how far back the order id is looked for (50 packs a page).
const orderSearchPages = 2

// PackInfoSource is what filling a template's variables reads: the account, the conversation and
// the orders. *api.Client is one.
type PackInfoSource interface {
	Me(ctx context.Context) (*api.User, error)
	api.PackReader
	SearchOrders(ctx context.Context, opts api.OrderSearchOptions) (*api.OrderSearch, error)
}

// LoadPackInfo reads the variables of a pack: the buyer's name and the site from its
// conversation, the seller's name from the account (me, read when nil), and the order ids from
// the seller's recent orders. What the API does not say stays empty, and a template using it is
// reported as missing a value rather than guessed. Item titles and tracking links are not in the
// cross-border API: they come only from --var (or the seller's editing).
func LoadPackInfo(ctx context.Context, client PackInfoSource, packID string, me *api.User) (PackInfo, error) {
	info := PackInfo{Vars: tpl.Vars{tpl.VarPackID: packID}}
	if fr, ok := client.(flavourReader); ok {
		if f, err := fr.Flavor(ctx); err == nil && f == api.FlavorDomestic {
			info.Flavour = tpl.Domestic
		}
	}
	if me == nil {
		u, err := client.Me(ctx)
		if err != nil {
			return info, fmt.Errorf("read your account: %w", err)
		}
		me = u
	}
	seller := string(me.ID)
	name := strings.TrimSpace(me.FirstName + " " + me.LastName)
	if name == "" {
		name = me.Nickname
	}
	info.Vars[tpl.VarSellerName] = name
	conv, err := client.PackMessages(ctx, packID, api.PageOptions{})
	if err != nil {
		return info, fmt.Errorf("read the conversation of pack %s: %w", packID, err)
	}
	for _, m := range conv.Messages {
		if info.Site == "" && m.SiteID != "" {
			info.Site = m.SiteID
		}
		buyer := ""
		switch {
		case string(m.From.UserID) != seller && m.From.Name != "":
			buyer = m.From.Name
		case string(m.From.UserID) == seller && m.To.Name != "":
			buyer = m.To.Name
		}
		if buyer != "" && info.Vars[tpl.VarBuyerName] == "" {
			info.Vars[tpl.VarBuyerName] = buyer
			info.Vars[tpl.VarBuyerFirstName] = strings.Fields(buyer)[0]
		}
	}
	info.Vars[tpl.VarSite] = info.Site
	scroll := ""
	for range orderSearchPages {
		res, err := client.SearchOrders(ctx, api.OrderSearchOptions{Seller: seller, Sort: api.SortDateDesc, ScrollID: scroll})
		if err != nil {
			break // the order id stays unknown: templates using it say so
		}
		if i := slices.IndexFunc(res.Results, func(p api.Pack) bool { return string(p.ID) == packID }); i >= 0 {
			p := res.Results[i]
			ids := make([]string, 0, len(p.Orders))
			for _, o := range p.Orders {
				ids = append(ids, string(o.ID))
			}
			info.Vars[tpl.VarOrderID] = strings.Join(ids, ", ")
			if info.Site == "" {
				info.Site = p.SiteID
				info.Vars[tpl.VarSite] = p.SiteID
			}
			break
		}
		if res.Paging.ScrollID == "" || len(res.Results) == 0 {
			break
		}
		scroll = res.Paging.ScrollID
	}
	return info, nil
}
