package conversation

import (
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
)

// Mode is which text of a message is shown (common.TranslationMode: the list follows it too).
type Mode = common.TranslationMode

// Translation modes; `t` cycles original → translated → both → buyer-translated.
const (
	ModeOriginal        = common.TranslationOriginal
	ModeTranslated      = common.TranslationTranslated
	ModeBoth            = common.TranslationBoth
	ModeBuyerTranslated = common.TranslationBuyer
)

// ThreatWarning is the line shown under an attachment flagged by Mercado Libre.
const ThreatWarning = "⚠ flagged as a potential security threat: o and s ask before opening it"

// AttachmentLine describes one attachment: original name, type and human size.
func AttachmentLine(a api.Attachment) string {
	name := sanitize.Line(a.OriginalFilename)
	if name == "" {
		name = sanitize.Line(a.Filename)
	}
	if name == "" {
		name = "(unnamed file)"
	}
	typ := sanitize.Line(a.Type)
	if typ == "" {
		typ = "unknown type"
	}
	return "📎 " + name + " · " + typ + " · " + api.HumanSize(a.Size)
}

// LocalTime formats an API time (UTC) in the seller's location.
func LocalTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "date unknown"
	}
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// entry is one row of the conversation: a message from the API or one being sent.
type entry struct {
	msg     api.Message
	seller  bool
	pending bool   // sending: not confirmed by the API yet
	localID string // compose's id while pending
	sent    bool   // confirmed by this session's send
	note    bool   // a served team's internal note (team.go): never a message, never sent
	isNew   bool   // a buyer message unread when loaded, or that arrived with a refresh
	found   bool   // the message the conversation was opened at (from the search, at.go)
	// selAtt is 1 + the index of the selected attachment (0: none); attNotes the transfer
	// note of each attachment. The conversation sets both and invalidates on change.
	selAtt   int
	attNotes []string

	// Rendered lines for cacheWidth/cacheMode. A stale cache is redrawn before it is shown but
	// its length still serves as the entry's height until then.
	cache      []string
	cacheWidth int
	cacheMode  Mode
	stale      bool

	// est is the estimated height at estWidth/estMode (0: none), for entries not drawn yet.
	est      int
	estWidth int
	estMode  Mode

	// Text and TextTranslated with links drawn, from linkSrc/linkSrcT: parsed once, not per width.
	linked, linkedT   string
	linkSrc, linkSrcT string
	linkDone          bool
	// links says whether the texts hold a link: linksUnknown until parsed, again after a change.
	links linkState
}

type linkState uint8

const (
	linksUnknown linkState = iota
	linksNone
	linksSome
)

// invalidate marks the rendered lines stale after the entry changed.
func (e *entry) invalidate() { e.stale, e.est, e.links = true, 0, linksUnknown }

// hasLinks reports whether the message's text or translation holds a link `o` could open.
func (e *entry) hasLinks(p *open.Parser) bool {
	if e.links == linksUnknown {
		e.links = linksNone
		if len(p.ParseLinks(e.msg.Text)) > 0 || len(p.ParseLinks(e.msg.TextTranslated)) > 0 {
			e.links = linksSome
		}
	}
	return e.links == linksSome
}

// drawn reports whether the cached lines are current for width and mode.
func (e *entry) drawn(width int, mode Mode) bool {
	return e.cache != nil && !e.stale && e.cacheWidth == width && e.cacheMode == mode
}

// lines renders the entry at width in mode, from the cache when it is fresh.
func (e *entry) lines(width int, mode Mode, c *common.Common, links *open.Parser) []string {
	if e.drawn(width, mode) {
		return e.cache
	}
	e.cache = renderEntry(e, width, mode, c, links)
	e.cacheWidth, e.cacheMode, e.stale = width, mode, false
	return e.cache
}

// linkedTexts are the message's texts with links drawn ("label (URL)", the label an OSC 8
// hyperlink when the session's opener says so), parsed again only when a text changed.
func (e *entry) linkedTexts(o *open.Opener, links *open.Parser) (string, string) {
	if !e.linkDone || e.linkSrc != e.msg.Text || e.linkSrcT != e.msg.TextTranslated {
		e.linked, e.linkedT = o.RenderLinks(links, e.msg.Text), o.RenderLinks(links, e.msg.TextTranslated)
		e.linkSrc, e.linkSrcT, e.linkDone = e.msg.Text, e.msg.TextTranslated, true
	}
	return e.linked, e.linkedT
}

// estimate guesses the entry's height at width in mode without wrapping anything: one line per
// width's worth of bytes in each paragraph, plus the label, attachments and the blank line.
func (e *entry) estimate(width int, mode Mode) int {
	if e.est > 0 && e.estWidth == width && e.estMode == mode {
		return e.est
	}
	indent := 0
	if e.seller {
		indent = min(8, width/5)
	}
	inner := max(1, width-indent)
	n := 2 // label and blank line
	if e.seller {
		n++ // the receipt
	}
	asked := mode
	mode = mode.For(e.seller)
	text, translated := e.msg.Text, e.msg.TextTranslated
	noTranslation := mode != ModeOriginal && strings.TrimSpace(translated) == ""
	switch mode {
	case ModeOriginal:
		n += textLines(text, 0, inner)
	case ModeTranslated:
		if noTranslation {
			n += textLines(text, 0, inner) + 1
		} else {
			n += textLines(translated, 0, inner)
		}
	case ModeBoth:
		n += textLines(text, 0, inner)
		if noTranslation || translated == text {
			n++
		} else {
			n += textLines(translated, len("↳ "), inner)
		}
	}
	for _, a := range e.msg.Attachments {
		n++
		if a.PotentialSecurityThreat {
			n += textLines(ThreatWarning, 2, inner)
		}
	}
	e.est, e.estWidth, e.estMode = n, width, asked
	return n
}

// textLines is about how many lines wrap gives text after lead bytes at width: bytes stand in
// for cells.
func textLines(text string, lead, width int) int {
	n := 0
	text = strings.TrimRight(text, "\n ")
	for {
		i := strings.IndexByte(text, '\n')
		line := text
		if i >= 0 {
			line = text[:i]
		}
		n += max(1, (lead+len(line)+width-1)/width)
		lead = 0
		if i < 0 {
			return n
		}
		text = text[i+1:]
	}
}

// renderEntry draws a message: a label line, the text (links as "label (URL)"), notes,
// attachments, and a blank line.
// Seller messages are indented so the two sides read apart even without colour.
func renderEntry(e *entry, width int, mode Mode, c *common.Common, links *open.Parser) []string {
	if e.note {
		return renderNote(e, width, c)
	}
	st := c.Styles
	indent := 0
	if e.seller {
		indent = min(8, width/5)
	}
	inner := max(1, width-indent)
	pad := strings.Repeat(" ", indent)
	var out []string
	emit := func(style lipgloss.Style, text string) {
		for _, l := range open.CloseHyperlinks(wrap(text, inner)) {
			out = append(out, pad+style.Render(l))
		}
	}

	name := sanitize.Line(e.msg.From.Name)
	var who string
	nameStyle, textStyle := st.BuyerName, st.Buyer
	if e.seller {
		who = "You"
		nameStyle, textStyle = st.SellerName, st.Seller
	} else {
		who = "Buyer"
		if api.IsAgent(string(e.msg.From.UserID)) {
			who, name = api.AssistantName, "" // the messaging agent, not the buyer
		}
	}
	if name != "" {
		who += " · " + name
	}
	meta := LocalTime(e.msg.Date(), c.Location)
	var marks []string
	if e.isNew {
		marks = append(marks, "● new")
	}
	if e.found {
		marks = append(marks, "◆ found")
	}
	// A seller's message says where it stands at its end (receiptLines) instead.
	if words := common.StatusWords(&e.msg); words != "" && !e.seller {
		marks = append(marks, words)
	}
	if by := sentBy(e, c); by != "" {
		marks = append(marks, by)
	}
	// A reply moderation stopped or holds is drawn apart: marked on its label, and the text the
	// buyer never got faint.
	if e.seller {
		switch e.receipt().State {
		case common.ReceiptNotDelivered:
			marks = append(marks, "✗ not delivered")
			textStyle = st.Faint
		case common.ReceiptModeration:
			marks = append(marks, "… held for moderation")
		}
	}
	info := meta
	if len(marks) > 0 {
		info += " · " + strings.Join(marks, " · ")
	}
	if ansi.StringWidth(who)+2+ansi.StringWidth(info) <= inner {
		out = append(out, pad+nameStyle.Render(who)+st.Subtle.Render("  "+info))
	} else {
		out = append(out, pad+nameStyle.Render(common.Truncate(who, inner)))
		emit(st.Subtle, info)
	}

	// The link parser sanitises too, after decoding entities that could hide control characters.
	original, translated := e.linkedTexts(c.Opener, links)
	switch mode.For(e.seller) {
	case ModeOriginal:
		emit(textStyle, original)
	case ModeTranslated:
		if strings.TrimSpace(translated) == "" {
			emit(textStyle, original)
			emit(st.Faint, "(no translation)")
		} else {
			emit(textStyle, translated)
		}
	case ModeBoth:
		emit(textStyle, original)
		if strings.TrimSpace(translated) != "" && translated != original {
			emit(st.Subtle, "↳ "+translated)
		} else {
			emit(st.Faint, "↳ (no translation)")
		}
	}
	for i, a := range e.msg.Attachments {
		line, style := AttachmentLine(a), st.Subtle
		if i < len(e.attNotes) && e.attNotes[i] != "" {
			line += " · " + e.attNotes[i]
		}
		if e.selAtt == i+1 {
			line, style = "▶ "+line, st.Selected
		}
		emit(style, line)
		if a.PotentialSecurityThreat {
			emit(st.Warning, "  "+ThreatWarning)
		}
	}
	for _, l := range receiptLines(e, inner, c) {
		out = append(out, pad+l)
	}
	out = append(out, "")
	return out
}

// wrap breaks text into lines of at most width cells: words first, long words cut.
func wrap(text string, width int) []string {
	if width < 1 {
		width = 1
	}
	text = strings.TrimRight(strings.ReplaceAll(text, "\t", "    "), "\n ")
	if text == "" {
		return []string{""}
	}
	return strings.Split(common.Wrap(text, width, ""), "\n")
}
