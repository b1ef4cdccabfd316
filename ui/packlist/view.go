package packlist

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

const (
	rowLines = 2 // a row is its header line plus its last-message line
	ageWidth = 4
	indent   = "      " // under the badge: gutter (2) + badge (3) + space
)

// pageRows is how many rows fit under the title line.
func (m *Model) pageRows() int {
	return max((m.height-1)/rowLines, 0)
}

func (m *Model) clampScroll() {
	m.cursor = max(min(m.cursor, len(m.visible)-1), 0)
	page := max(m.pageRows(), 1)
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+page {
		m.offset = m.cursor - page + 1
	}
	m.offset = max(min(m.offset, len(m.visible)-page), 0)
}

// View renders exactly height lines of at most width cells.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	lines := m.frame.join.Next(m.height)
	lines = append(lines, m.titleLine())
	switch {
	case len(m.visible) > 0:
		lines[0] = common.Fit(lines[0], m.width, "…")
		for i := m.offset; i < len(m.visible) && len(lines)+rowLines <= m.height; i++ {
			lines = append(lines, m.rowLines(m.visible[i], i == m.cursor)...) // fitted
		}
	default:
		// Each sentence wrapped under the title, so its key shows at the narrowest width too.
		w := max(m.width-2, 1)
		for _, p := range m.emptyText() {
			lines = append(lines, "")
			for _, l := range strings.Split(p.style.Width(w).Render(p.text), "\n") {
				lines = append(lines, "  "+l)
			}
		}
		for i, l := range lines {
			lines[i] = common.Fit(l, m.width, "…")
		}
	}
	for len(lines) < m.height {
		lines = append(lines, strings.Repeat(" ", m.width))
	}
	if p := m.team.picker; p != nil {
		ov := p.Lines(m.c, m.width)
		k := min(len(ov), m.height)
		for i, l := range ov[len(ov)-k:] {
			lines[m.height-k+i] = common.Fit(l, m.width, "…")
		}
	}
	return m.frame.join.Join(m.overlayCopy(lines[:m.height]))
}

// emptyPara is one sentence of the empty list, drawn in its style.
type emptyPara struct {
	style lipgloss.Style
	text  string
}

// emptyText is what the list says when it shows no row.
func (m *Model) emptyText() []emptyPara {
	st := m.c.Styles
	subtle := func(text string) []emptyPara { return []emptyPara{{st.Subtle, text}} }
	switch {
	case m.filter.Value() != "":
		return subtle(fmt.Sprintf("No match for %q — esc clears the filter", m.filter.Value()))
	case m.loadErr != "" && len(m.rows) == 0:
		return []emptyPara{{st.Error, "Could not load conversations: " + m.loadErr}, {st.Subtle, "R retries."}}
	case !m.loaded:
		return subtle("Loading conversations…")
	case len(m.rows) == 0:
		return subtle("No conversations yet — buyers' messages appear here")
	case m.sectionRows == 0:
		return subtle(m.emptySection())
	default:
		return subtle(m.emptyTeamFilter())
	}
}

// emptySection says that the section shown has nothing in it while others do, and how to see
// them: "No conversations yet" would be false there.
func (m *Model) emptySection() string {
	var what string
	switch m.section {
	case SectionNeedsReply:
		what = "Nothing needs a reply"
	case SectionWaiting:
		what = "Nothing is waiting for the buyer"
	case SectionBlocked:
		what = "Nothing is blocked"
	default:
		return "No conversations yet — buyers' messages appear here"
	}
	return what + " — " + m.allSectionsKey()
}

// allSectionsKey says which key shows every conversation: the All tab's digit, else the key
// that cycles the tabs (both can be remapped).
func (m *Model) allSectionsKey() string {
	for _, k := range m.keys.Sections.Keys() {
		if k == "4" {
			return "4 shows all"
		}
	}
	return m.keys.NextSection.Help().Key + " changes the section"
}

// emptyTeamFilter says that the mine or unassigned filter left nothing of the section, and
// what the filter key shows next (mine → unassigned → all).
func (m *Model) emptyTeamFilter() string {
	in := ""
	if m.section != SectionAll {
		in = " in " + m.section.String()
	}
	k := m.team.keys.Filter.Help().Key
	switch m.team.filter {
	case common.FilterMine:
		return "Nothing assigned to you" + in + " — " + k + " shows the unassigned ones"
	case common.FilterUnassigned:
		return "Nothing unassigned" + in + " — " + k + " shows all"
	}
	return "No conversations yet — buyers' messages appear here"
}

func (m *Model) titleLine() string {
	st := m.c.Styles
	if m.filter.Focused() || m.filter.Value() != "" {
		count := st.Subtle.Render("  " + m.filterNote)
		return m.filter.View() + count
	}
	key := titleKey{styles: st, section: m.section, tally: m.tally, width: m.width,
		team: m.teamTitle(), history: m.historyNote()}
	fc := &m.frame
	if fc.titleOK && fc.titleKey == key {
		return fc.title
	}
	title := m.drawTitle(key)
	fc.titleKey, fc.title, fc.titleOK = key, title, true
	return title
}

// drawTitle is the tabs with the team filter's and the history's words, giving up the least
// important first until the line fits: the team filter's key, "showing all" (nothing filtered),
// the history's long wording ("history back to" becomes "history to"), the tabs' long names,
// "syncing", and last the history note whole (a date cut in half would mislead). "syncing" comes
// and goes with every poll: the tabs' names, the history's wording and the team's words are
// chosen as if it were there, so they stay put while it comes and goes. What still does not fit
// (the tabs alone, in a very narrow window) is cut by View.
func (m *Model) drawTitle(k titleKey) string {
	st := m.c.Styles
	note := func(h string) string {
		if h == "" {
			return ""
		}
		return " · " + h
	}
	fits := func(parts ...string) bool {
		n := 0
		for _, p := range parts {
			n += ansi.StringWidth(p)
		}
		return n <= m.width
	}
	long, short := m.tabs(false), m.tabs(true)
	keep, hw := k.team[2], k.history
	// Long tab names when the history's fewest words fit beside them; else short ones, or, when
	// even those leave no room for them, no history note and long names where they fit.
	tabs, withNote := short, hw.short != ""
	switch {
	case withNote && fits(long, keep, note(hw.short)):
		tabs = long
	case withNote && fits(short, keep, note(hw.short)):
	case fits(long, keep):
		tabs, withNote = long, false
	default:
		withNote = false
	}
	// The history's long wording where it fits with room for "syncing"; "syncing" where it fits.
	hist, widest := "", ""
	if withNote {
		words, sync := hw.short, hw.shortSync
		if fits(tabs, keep, note(hw.longSync)) {
			words, sync = hw.long, hw.longSync
		}
		hist, widest = note(words), note(sync)
		if !fits(tabs, keep, widest) {
			widest = hist
		}
		if hw.syncing {
			hist = widest
		}
	}
	// The team filter's words on "all" where they fit beside the history's widest form.
	team := keep
	for _, t := range k.team[:2] {
		if t != keep && fits(tabs, t, widest) {
			team = t
			break
		}
	}
	return tabs + st.Subtle.Render(team+hist)
}

// filterCount is how many rows the filter kept, of those it chose from: the section's (named
// unless it is All) that the team filter keeps.
func (m *Model) filterCount() string {
	n := fmt.Sprintf("%d of %d", len(m.visible), m.scopeRows)
	if m.c.Team != nil && m.team.filter != common.FilterAll {
		n += " " + m.team.filter.String()
	}
	if m.section != SectionAll {
		n += " in " + m.section.String()
	}
	return n
}

// rowLines renders one conversation as two lines.
func (m *Model) rowLines(r *row, selected bool) []string {
	unread := m.unseen(r) // those the seller has seen are not counted
	age := common.Age(m.c.Now(), r.LastAt)
	if m.section == SectionNeedsReply && m.needsReply(r) && age != "" && age != "now" {
		age = "waiting " + age
	}
	look := rowLook{selected: selected, width: m.width, age: age, unread: unread,
		buyer: r.Buyer, packID: r.PackID, site: r.Site, substatus: r.Substatus, last: r.Last,
		blocked: r.Blocked, empty: r.Empty, lastMine: r.LastMine, header: r.header,
		title: r.Title, receipt: r.Receipt.State, lastT: r.LastT, reason: r.Receipt.Reason, mode: m.c.Translation, draft: m.hasDraft(r.PackID)}
	if tm := m.teamOf(r); m.c.Team != nil {
		look.assignee, look.presence = tm.assignee, tm.presence
	}
	if r.drawn != nil && r.drawnAs == look {
		return r.drawn
	}
	r.drawn, r.drawnAs = m.drawRow(r, selected, look.age, unread, look.assignee, look.presence), look
	return r.drawn
}

// drawRow renders a row's two lines, each exactly the list's width.
func (m *Model) drawRow(r *row, selected bool, ageText string, unread int, assignee, presence string) []string {
	st := m.c.Styles
	gutter, buyerStyle := "  ", st.BuyerName
	if selected {
		gutter, buyerStyle = st.Selected.Render("▸ "), st.Selected
	}
	badge := "   "
	if unread > 0 {
		n := strconv.Itoa(unread)
		if unread > 99 {
			n = "99+"
		}
		badge = st.Badge.Render(fmt.Sprintf("%3s", n))
	}
	buyer := r.Buyer
	if buyer == "" {
		buyer = "Buyer"
	}
	meta := "#" + sanitize.Line(r.PackID)
	if r.Site != "" {
		meta += " · " + r.Site
	}
	if r.Title != "" {
		meta += " · " + r.Title
	}
	head := gutter + badge + " " + buyerStyle.Render(buyer)
	if assignee != "" {
		head += "  " + st.Title.Render("→ "+assignee)
	}
	head += "  " + st.Subtle.Render(meta)
	if r.Blocked {
		head += "  " + st.Warning.Render("⊘ blocked")
	}
	age := fmt.Sprintf("%*s", ageWidth, ageText)
	headW := max(m.width-ansi.StringWidth(age)-1, 0)
	line1 := common.Fit(head, headW, "…") + " " + st.Subtle.Render(age)

	var body string
	switch {
	case r.header == headerNone || r.header == headerLoading:
		body = st.Faint.Render("loading…")
	case r.header == headerFailed:
		body = st.Faint.Render("could not load this conversation — R retries")
	case r.Empty:
		body = st.Faint.Render("no messages yet")
	default:
		// The preview follows the session's translation mode (buyer-translated: the buyer's
		// translated, the seller's own as written).
		body = m.c.Translation.Preview(r.Last, r.LastT, r.LastMine)
		if r.LastMine {
			body = m.receiptMark(r) + m.receiptWords(r) + st.Subtle.Render("You: ") + body
		}
	}
	if m.hasDraft(r.PackID) {
		body = st.Warning.Render(draftMark) + " " + body
	}
	if r.Blocked {
		body = st.Warning.Render(common.BlockedReason(r.Substatus)) + st.Subtle.Render(" · ") + body
	}
	if presence != "" {
		body = st.Warning.Render(presence) + st.Subtle.Render(" · ") + body
	}
	return []string{common.Fit(line1, m.width, "…"), common.Fit(indent+body, m.width, "…")}
}
