package api

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// Flavor selects which of Mercado Libre's two post-sale messaging APIs a Client speaks: the
// cross-border one under /marketplace (Global Selling accounts, site CBT) or the domestic one
// under /messages/packs/{pack}/sellers/{seller} (every other site). The zero value is
// FlavorMarketplace, the flavour postsale spoke first.
type Flavor string

// Flavours.
const (
	// FlavorAuto asks GET /users/me once: site_id CBT means marketplace, any other domestic.
	FlavorAuto        Flavor = "auto"
	FlavorMarketplace Flavor = "marketplace"
	FlavorDomestic    Flavor = "domestic"
)

// GlobalSellingSite is the site_id /users/me answers for a cross-border (Global Selling) account.
const GlobalSellingSite = "CBT"

// ParseFlavor reads a flavour setting: auto, marketplace or domestic ("" is auto).
func ParseFlavor(s string) (Flavor, error) {
	switch Flavor(strings.ToLower(strings.TrimSpace(s))) {
	case "", FlavorAuto:
		return FlavorAuto, nil
	case FlavorMarketplace, "cross-border", "cbt", "global":
		return FlavorMarketplace, nil
	case FlavorDomestic:
		return FlavorDomestic, nil
	}
	return "", fmt.Errorf("flavor %q is not one of auto, marketplace, domestic", s)
}

// FlavorOf returns the flavour of an account from its /users/me site.
func FlavorOf(siteID string) Flavor {
	if strings.EqualFold(strings.TrimSpace(siteID), GlobalSellingSite) {
		return FlavorMarketplace
	}
	return FlavorDomestic
}

// WithFlavor sets the flavour; FlavorAuto resolves it from /users/me on first use.
func WithFlavor(f Flavor) Option {
	return func(c *Client) error {
		switch f {
		case "", FlavorMarketplace, FlavorDomestic, FlavorAuto:
			c.flavor = f
			return nil
		}
		return fmt.Errorf("unknown flavor %q", f)
	}
}

// WithSeller tells the client whose inbox it reads (the seller's user id and /users/me site),
// so the domestic paths and FlavorAuto need no /users/me call.
func WithSeller(sellerID, siteID string) Option {
	return func(c *Client) error {
		c.acct = &Account{SellerID: sellerID, SiteID: siteID}
		return nil
	}
}

// Account is what a Client knows about the seller it acts for.
type Account struct {
	SellerID string
	SiteID   string // as /users/me answers it: CBT for Global Selling
	Flavor   Flavor // never FlavorAuto once resolved
}

// accountState guards the lazily resolved account.
type accountState struct {
	mu  sync.Mutex
	got *Account
}

// Account returns the seller and flavour the client speaks for, asking /users/me at most once
// (only when the flavour is auto, or domestic without a seller id).
func (c *Client) Account(ctx context.Context) (Account, error) {
	c.state.mu.Lock()
	defer c.state.mu.Unlock()
	if c.state.got != nil {
		return *c.state.got, nil
	}
	a := Account{Flavor: c.flavor}
	if a.Flavor == "" {
		a.Flavor = FlavorMarketplace
	}
	if c.acct != nil {
		a.SellerID, a.SiteID = c.acct.SellerID, c.acct.SiteID
	}
	needMe := a.Flavor == FlavorAuto && (a.SiteID == "" || a.SellerID == "") ||
		a.Flavor == FlavorDomestic && a.SellerID == ""
	if needMe {
		u, err := c.Me(ctx)
		if err != nil {
			return Account{}, err
		}
		a.SellerID, a.SiteID = string(u.ID), u.SiteID
	}
	if a.Flavor == FlavorAuto {
		a.Flavor = FlavorOf(a.SiteID)
	}
	c.state.got = &a
	return a, nil
}

// Flavor returns the flavour the client speaks, resolving FlavorAuto.
func (c *Client) Flavor(ctx context.Context) (Flavor, error) {
	if c.flavor == "" || c.flavor == FlavorMarketplace {
		return FlavorMarketplace, nil
	}
	a, err := c.Account(ctx)
	return a.Flavor, err
}

// AssistantName is how postsale names a messaging agent in a conversation.
const AssistantName = "Mercado Libre assistant"

// AgentID returns the user id of the messaging agent (the AI layer between buyer and seller,
// domestic flavour) of a site; sites without their own agent share the "others" one.
func AgentID(siteID string) string {
	switch strings.ToUpper(siteID) {
	case "MLC":
		return "3020819166"
	case "MCO":
		return "3037204123"
	case "MLM":
		return "3037204279"
	case "MLA":
		return "3037674934"
	case "MLB":
		return "3037675074"
	}
	return "3037204685"
}

// IsAgent reports whether id is one of Mercado Libre's messaging agents.
func IsAgent(id string) bool {
	switch id {
	case "3020819166", "3037204123", "3037204279", "3037674934", "3037675074", "3037204685":
		return true
	}
	return false
}

// AgentHandled reports whether a messaging agent handles the conversation: its status path
// ends in /conversations/{type}, or the other side's messages come from an agent.
func AgentHandled(conv *Conversation, sellerID string) bool {
	if conv == nil {
		return false
	}
	if cs := conv.ConversationStatus; cs != nil && strings.Contains(cs.Path, "/conversations/") {
		return true
	}
	for i := range conv.Messages {
		m := &conv.Messages[i]
		if string(m.From.UserID) != sellerID && IsAgent(string(m.From.UserID)) {
			return true
		}
	}
	return false
}

// Recipient chooses whom a seller's reply in conv goes to: the site's agent on an agent-handled
// thread (the agent that wrote, else the site's), else the other party of the newest message
// that has one. It returns "" when the thread names nobody.
func Recipient(conv *Conversation, sellerID, siteID string) string {
	if conv == nil {
		return ""
	}
	if AgentHandled(conv, sellerID) {
		for i := range conv.Messages {
			if from := string(conv.Messages[i].From.UserID); IsAgent(from) {
				return from
			}
		}
		return AgentID(siteID)
	}
	msgs := SortedNewestFirst(conv.Messages)
	for i := range msgs {
		m := &msgs[i]
		from, to := string(m.From.UserID), string(m.To.UserID)
		switch {
		case from == sellerID && to != "" && to != sellerID:
			return to
		case from != "" && from != sellerID:
			return from
		}
	}
	return ""
}

// PartyName returns how a message's party is shown: the messaging agent as AssistantName, anyone
// else by the name the API sent (unsanitised).
func PartyName(p Party) string {
	if IsAgent(string(p.UserID)) {
		return AssistantName
	}
	return p.Name
}
