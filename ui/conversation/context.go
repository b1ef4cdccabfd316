package conversation

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/attachments"
	"github.com/postsale/postsale/ui/common"
)

// Context while replying: what the conversation tells about the buyer and the sale, for the
// composer and the order line, and the sale's page on Mercado Libre's site.

// orderLineMinHeight is the smallest view that gives a line to the sale under the title.
const orderLineMinHeight = 14

// recentBuyerMessages is how many of the buyer's last messages the composer is given.
const recentBuyerMessages = 3

// SetPackInfo is what the order search told the list about this pack (orders, items, shipment).
func (m *Model) SetPackInfo(p common.PackInfo) { m.info = p }

// PackInfo is what is known of the sale: the order search's, completed by conversation_status
// (shipping, claims); the blocked banner says the rest.
func (m *Model) PackInfo() common.PackInfo {
	p := common.PackInfo{PackID: sanitize.Line(m.packID)}
	if cs := m.status; cs != nil {
		p.Shipping = sanitize.Line(string(cs.ShippingID))
		for _, id := range cs.ClaimIDs {
			if s := sanitize.Line(string(id)); s != "" {
				p.Claims = append(p.Claims, s)
			}
		}
		if s := sanitize.Line(string(cs.ClaimID)); s != "" && len(p.Claims) == 0 {
			p.Claims = []string{s}
		}
	}
	return p.Merge(m.info)
}

// ReplyContext is who a reply goes to and what they said last, for the composer.
func (m *Model) ReplyContext() common.ReplyContext {
	rc := common.ReplyContext{Buyer: m.buyerName(), Site: m.site, Order: m.PackInfo()}
	if rc.Buyer == "" {
		rc.Buyer = rc.Order.Buyer // an agent's thread names only the agent: the list knows the buyer
	}
	for i := len(m.entries) - 1; i >= 0 && len(rc.Recent) < recentBuyerMessages; i-- {
		e := m.entries[i]
		if e.seller || e.pending || e.note {
			continue // a team note is the team's, never the buyer's words
		}
		text := m.mode.Preview(e.msg.Text, e.msg.TextTranslated, false)
		text = strings.Join(strings.Fields(m.links.Render(text)), " ")
		if text == "" && len(e.msg.Attachments) > 0 {
			text = AttachmentLine(e.msg.Attachments[0])
		}
		rc.Recent = append([]common.RecentMessage{{Text: text, At: e.msg.Date(), Moderation: common.StatusWords(&e.msg)}}, rc.Recent...)
	}
	rc.AgentHandled = m.agentHandled()
	if rc.AgentHandled {
		// One message at a time to the agent: the seller's last one must be answered first.
		for i := len(m.entries) - 1; i >= 0; i-- {
			e := m.entries[i]
			if e.seller {
				rc.AgentWaiting = true
				break
			}
			if api.IsAgent(string(e.msg.From.UserID)) {
				break
			}
		}
	}
	return rc
}

// agentHandled reports a thread a messaging agent handles (api.AgentHandled on what is held).
func (m *Model) agentHandled() bool {
	conv := &api.Conversation{ConversationStatus: m.status}
	for _, e := range m.entries {
		if !e.pending {
			conv.Messages = append(conv.Messages, e.msg)
		}
	}
	return api.AgentHandled(conv, m.c.Seller)
}

// saleURL is the sale's page: the order when there is exactly one, else the pack.
func (m *Model) saleURL() string {
	p := m.PackInfo()
	id := p.PackID
	if len(p.Orders) == 1 {
		id = p.Orders[0]
	}
	return common.SaleURL(m.site, id)
}

// openSale opens the sale on Mercado Libre's site through the session's opener (over SSH it is
// shown and copied instead).
func (m *Model) openSale() tea.Cmd {
	url := m.saleURL()
	if url == "" {
		return status("This sale has no page postsale knows of.", nil)
	}
	return common.Own(m.owner(), attachments.OpenURL(m.c.Opener, url))
}

// orderLine is the header's line about the sale, "" when nothing is known beyond the pack.
func (m *Model) orderLine() string {
	return m.PackInfo().Line()
}

// saleKey opens the sale; the conversation's KeyMap carries it.
func saleKey() key.Binding {
	return key.NewBinding(key.WithKeys("O"), key.WithHelp("O", "open sale on Mercado Libre"))
}
