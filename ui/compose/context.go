package compose

import (
	"context"
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/attachments"
	"github.com/postsale/postsale/ui/common"
)

// Context while replying: who the reply is for, the buyer's last messages and the sale above the
// text box; the translation field in the buyer's language (none on the domestic flavour); one
// message at a time to a messaging agent; moderation warnings before sending; the sale's page.

// maxContextLines caps the context above the text box, whatever the height.
const maxContextLines = 6

// flavorReader is the optional part of compose's data that knows the API flavour (*api.Client).
type flavorReader interface {
	Flavor(ctx context.Context) (api.Flavor, error)
}

// flavorMsg is the flavour, read off the event loop (auto may ask /users/me once).
type flavorMsg struct{ flavor api.Flavor }

// readFlavor learns the flavour; until it answers the translation field shows.
func (m *Model) readFlavor() tea.Cmd {
	fr, ok := m.data.(flavorReader)
	if !ok {
		return nil
	}
	ctx := m.c.Ctx
	return common.Own(m.owner(), func() tea.Msg {
		f, err := fr.Flavor(ctx)
		if err != nil {
			return nil // the field stays; sending says what is wrong with the account
		}
		return flavorMsg{flavor: f}
	})
}

// SetDomestic hides the translation field (the domestic flavour has none) or shows it.
func (m *Model) SetDomestic(on bool) {
	m.domestic = on
	if on && m.field == FieldTranslation {
		m.field = FieldText
		m.Focus()
	}
	m.layout()
}

// SetReplyContext is what the conversation knows of the buyer and the sale; the root gives it
// when compose opens and whenever the conversation changes.
func (m *Model) SetReplyContext(rc common.ReplyContext) {
	m.rctx, m.hasRctx = rc, true
	m.translated.Placeholder = m.translationPlaceholder()
	m.layout()
}

// language is the buyer's language, "" when the site does not say.
func (m *Model) language() string {
	site := m.site
	if m.rctx.Site != "" {
		site = m.rctx.Site
	}
	return common.Language(site)
}

// translationTitle names the buyer's language.
func (m *Model) translationTitle() string {
	if lang := m.language(); lang != "" {
		return "Translation into " + lang + " (optional, tab)"
	}
	return "Translation for the buyer (optional, tab)"
}

// translationPlaceholder says what the buyer sees when the translation is left empty.
func (m *Model) translationPlaceholder() string {
	lang := m.language()
	if lang == "" {
		lang = "the buyer's language"
	}
	return "Left empty, Mercado Libre translates your message into " + lang + " for the buyer."
}

// title is "Reply to Beatriz Souza · Portuguese · MLB · pack 2000…" ("the buyer" while the
// conversation has not named them).
func (m *Model) title() string {
	pack := "pack " + sanitize.Line(m.packID)
	who := "the buyer"
	if m.rctx.Buyer != "" {
		// A long name leaves room for the language, the site and the pack.
		who = common.Truncate(m.rctx.Buyer, max(10, m.width/3))
	}
	parts := []string{"Reply to " + who}
	if lang := m.language(); lang != "" && !m.domestic {
		parts = append(parts, lang)
	}
	site := sanitize.Line(m.site)
	if m.rctx.Site != "" {
		site = m.rctx.Site
	}
	if site != "" {
		parts = append(parts, site)
	}
	parts = append(parts, pack)
	return strings.Join(parts, " · ")
}

// contextLines are the sale's line and the buyer's last messages (oldest first), cut to n lines:
// the newest messages are kept first, then the sale.
func (m *Model) contextLines(n int) []string {
	if n <= 0 || !m.hasRctx {
		return nil
	}
	st := m.c.Styles
	var msgs []string
	for _, r := range m.rctx.Recent {
		who := "Buyer"
		if m.rctx.AgentHandled {
			who = "Assistant"
		}
		line := st.BuyerName.Render(who+" "+common.ShortTime(r.At, m.c.Now(), m.c.Location)) + st.Subtle.Render(" › ") + r.Text
		if r.Moderation != "" {
			line += st.Warning.Render(" (" + r.Moderation + ")")
		}
		msgs = append(msgs, common.Fit(line, m.width, "…"))
	}
	if len(msgs) > n {
		msgs = msgs[len(msgs)-n:]
	}
	if order := m.rctx.Order.Line(); order != "" && len(msgs) < n {
		msgs = append([]string{st.Subtle.Render(common.Truncate(order, m.width))}, msgs...)
	}
	return msgs
}

// wantContext is how many context lines there are to show.
func (m *Model) wantContext() int {
	if !m.hasRctx {
		return 0
	}
	n := len(m.rctx.Recent)
	if m.rctx.Order.Line() != "" {
		n++
	}
	return min(n, maxContextLines)
}

// agentBlocked is why a send must wait on an agent-handled thread, "" when it may go.
func (m *Model) agentBlocked() string {
	if !m.rctx.AgentWaiting {
		return ""
	}
	return "Not sent: Mercado Libre's assistant takes one message at a time; wait for its answer to your last message, then send this one. Your draft is kept."
}

// moderationWarning warns (never refuses) about what Mercado Libre moderates in the draft.
func (m *Model) moderationWarning() string {
	d := m.Draft()
	risks := api.ModerationRisks(d.Text+"\n"+d.TextTranslated, m.rctx.Order.IDs()...)
	if len(risks) == 0 {
		return ""
	}
	return m.c.Styles.Warning.Render("⚠ Mercado Libre may hold this reply: " + sanitize.Line(api.RiskWords(risks)) + ". You can still send it.")
}

// saleURL is the sale's page on Mercado Libre's site.
func (m *Model) saleURL() string {
	p := m.rctx.Order
	id := m.packID
	if len(p.Orders) == 1 {
		id = p.Orders[0]
	}
	site := m.site
	if m.rctx.Site != "" {
		site = m.rctx.Site
	}
	return common.SaleURL(site, id)
}

// openSale opens the sale through the session's opener (shown and copied over SSH).
func (m *Model) openSale() tea.Cmd {
	url := m.saleURL()
	if url == "" {
		return func() tea.Msg { return common.StatusMsg{Text: "This sale has no page postsale knows of."} }
	}
	return common.Own(m.owner(), attachments.OpenURL(m.c.Opener, url))
}

// saleKey is compose's key for the sale's page (letters type text here).
func saleKey() key.Binding {
	return key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "open sale on Mercado Libre"))
}

// discardKey asks to discard the draft; pressed again it does.
func discardKey() key.Binding {
	return key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "discard draft"))
}

// errAgentBusy is the status bar's error for a second message to a busy agent.
var errAgentBusy = errors.New("the messaging agent has not answered the last message")
