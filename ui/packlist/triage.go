package packlist

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

// Section is one of the list's tabs, like gh-dash's sections.
type Section int

const (
	// SectionAll is every conversation, new ones first (the list as it opens).
	SectionAll Section = iota
	// SectionNeedsReply holds conversations where the buyer spoke last and the seller has not
	// marked them done: the longest-waiting buyer first.
	SectionNeedsReply
	// SectionWaiting holds conversations where the seller spoke last.
	SectionWaiting
	// SectionBlocked holds conversations nobody can write in now.
	SectionBlocked
)

// sectionTabs is the order of the tabs (keys 1-4, tab and shift+tab follow it).
var sectionTabs = [...]Section{SectionNeedsReply, SectionWaiting, SectionBlocked, SectionAll}

// names returns the long and short label of s.
func (s Section) names() (long, short string) {
	switch s {
	case SectionNeedsReply:
		return "Needs reply", "Reply"
	case SectionWaiting:
		return "Waiting for buyer", "Waiting"
	case SectionBlocked:
		return "Blocked", "Blocked"
	}
	return "All", "All"
}

// String is the section's name.
func (s Section) String() string { l, _ := s.names(); return l }

// Section is the tab shown.
func (m *Model) Section() Section { return m.section }

// isNew: the buyer wrote something the seller has not opened the conversation to see.
func (m *Model) isNew(r *row) bool {
	if r.Unread == 0 {
		return false
	}
	mk := m.c.Seen.Mark(r.PackID)
	if mk.At.IsZero() {
		return true
	}
	return r.Unread > mk.Unread || r.LastAt.After(mk.At)
}

// unseen is the row's badge: how many of the buyer's unread messages the seller has not seen
// (0 when none is new). Those counted when the seller last saw the conversation are left out;
// when Mercado Libre counts no more than that, messages were read since and all of them are new.
func (m *Model) unseen(r *row) int {
	if !m.isNew(r) {
		return 0
	}
	if mk := m.c.Seen.Mark(r.PackID); r.Unread > mk.Unread {
		return r.Unread - mk.Unread
	}
	return r.Unread
}

// setUnread sets the row's unread count to Mercado Libre's. A count below the last one (or the
// first one known, below the seen mark's) means messages were read since: the seen mark stops
// counting more than that as seen (common.Seen.Lower). A count merely behind what the open
// conversation already showed (a sync answered before the message came) does not go down, and
// lowers nothing.
func (m *Model) setUnread(r *row, n int) {
	if n < r.Unread || !r.counted {
		m.c.Seen.Lower(r.PackID, n)
	}
	r.Unread, r.counted = n, true
}

// isDone: the seller marked the conversation done and the buyer has not written since.
func (m *Model) isDone(r *row) bool {
	mk := m.c.Seen.Mark(r.PackID)
	return !mk.Done.IsZero() && !r.LastAt.After(mk.Done)
}

// needsReply: the buyer spoke last (or has unread messages before the header is known).
func (m *Model) needsReply(r *row) bool {
	if r.Blocked || m.isDone(r) {
		return false
	}
	if r.header == headerDone {
		return !r.Empty && !r.LastMine
	}
	return r.Unread > 0
}

// inSection reports whether r belongs to s; known says whether that can be told yet.
func (m *Model) inSection(r *row, s Section) (in, known bool) {
	known = r.header == headerDone
	switch s {
	case SectionNeedsReply:
		return m.needsReply(r), known || r.Unread > 0
	case SectionWaiting:
		return known && !r.Blocked && !r.Empty && r.LastMine, known
	case SectionBlocked:
		return known && r.Blocked, known
	}
	return true, true
}

// sectionCount is how many rows are known to be in s, and "+" when rows not judged yet (their
// headers load as they come on screen, or when the section is shown) may add to it.
func (m *Model) sectionCount(s Section) string {
	n, more := 0, false
	for _, r := range m.rows {
		in, known := m.inSection(r, s)
		if in {
			n++
		}
		more = more || !known
	}
	if more {
		return strconv.Itoa(n) + "+"
	}
	return strconv.Itoa(n)
}

// sectionTally is what the tabs say, counted when the rows change (applyFilter), not per frame.
type sectionTally struct {
	count [len(sectionTabs)]string // by Section
	fresh int                      // rows new for the seller
}

// countSections refreshes the tally.
func (m *Model) countSections() {
	for _, s := range sectionTabs {
		m.tally.count[s] = m.sectionCount(s)
	}
	m.tally.count[SectionAll] = strconv.Itoa(len(m.rows))
	m.tally.fresh = 0
	for _, r := range m.rows {
		if m.isNew(r) {
			m.tally.fresh++
		}
	}
}

// sortVisible orders the rows of the section shown.
func (m *Model) sortVisible() {
	needs := m.section == SectionNeedsReply
	sort.SliceStable(m.visible, func(i, j int) bool {
		a, b := m.visible[i], m.visible[j]
		if needs {
			// The buyer who has waited longest first; rows not judged yet last.
			if ka, kb := a.LastAt.IsZero(), b.LastAt.IsZero(); ka != kb {
				return kb
			}
			if !a.LastAt.Equal(b.LastAt) {
				return a.LastAt.Before(b.LastAt)
			}
			return a.PackID < b.PackID
		}
		if na, nb := m.isNew(a), m.isNew(b); na != nb {
			return na
		}
		if !a.LastAt.Equal(b.LastAt) {
			return a.LastAt.After(b.LastAt)
		}
		return a.PackID > b.PackID
	})
}

// setSection shows s, keeping the selected row when it is in s.
func (m *Model) setSection(s Section) {
	if s == m.section {
		return
	}
	keep := m.Selected()
	m.section = s
	m.offset = 0
	m.applyFilter(keep)
}

// cycleSection moves to the next (d=1) or previous (d=-1) tab.
func (m *Model) cycleSection(d int) {
	i := 0
	for k, s := range sectionTabs {
		if s == m.section {
			i = k
		}
	}
	n := len(sectionTabs)
	m.setSection(sectionTabs[((i+d)%n+n)%n])
}

// tabs is the title line's tabs: each section with its count, the shown one highlighted, by
// their long or short names, then how many conversations are new.
func (m *Model) tabs(short bool) string {
	st := m.c.Styles
	var b strings.Builder
	for i, s := range sectionTabs {
		long, shortName := s.names()
		name := long
		if short {
			name = shortName
		}
		label := name + " " + m.tally.count[s]
		if i > 0 {
			b.WriteString(" ")
		}
		switch {
		case s == m.section:
			b.WriteString(st.Selected.Render("[" + label + "]"))
		case short: // narrow: every cell counts
			b.WriteString(st.Subtle.Render(label))
		default:
			b.WriteString(st.Subtle.Render(" " + label + " "))
		}
	}
	if n := m.tally.fresh; n > 0 {
		b.WriteString(st.Subtle.Render(fmt.Sprintf(" · %d new", n)))
	}
	return b.String()
}

// MarkSeen records that the seller opened pack (the root calls it when the conversation opens):
// its badge, the "new" count and its "● new" marks are cleared; Mercado Libre's read state is not
// touched. It returns the command that saves the marks.
func (m *Model) MarkSeen(pack string) tea.Cmd {
	mk := m.c.Seen.Mark(pack)
	mk.At = m.c.Now()
	if r := m.byID[pack]; r != nil {
		mk.Unread = r.Unread
		if r.LastAt.After(mk.At) {
			mk.At = r.LastAt // a server clock ahead of this one still counts as seen
		}
	}
	cmd := m.c.Seen.Set(m.c, pack, mk)
	m.applyFilter(m.Selected())
	return cmd
}

// MarkShown records that the conversation of pack, on screen, shows Mercado Libre's messages up
// to the one dated newest, unread of them the buyer's that Mercado Libre counts unread (the root
// calls it as the conversation changes): they are seen, so neither its badge nor the "new" count
// counts them when the list comes back, a message that arrived while it was open included. Like
// MarkSeen it touches only the seller's own marks. It returns the command that saves the marks,
// nil when they did not change.
func (m *Model) MarkShown(pack string, newest time.Time, unread int) tea.Cmd {
	mk := m.c.Seen.Mark(pack)
	if !newest.After(mk.At) && unread <= mk.Unread {
		return nil
	}
	if newest.After(mk.At) {
		mk.At = newest
	}
	mk.Unread = max(mk.Unread, unread)
	cmd := m.c.Seen.Set(m.c, pack, mk)
	m.applyFilter(m.Selected())
	return cmd
}

// markDone (`d`) takes the selected conversation out of "Needs reply" until the buyer writes
// again; pressed again on a done row, it brings it back.
func (m *Model) markDone() tea.Cmd {
	if m.cursor >= len(m.visible) {
		return nil
	}
	r := m.visible[m.cursor]
	mk := m.c.Seen.Mark(r.PackID)
	text := "Done: out of Needs reply until the buyer writes again."
	if m.isDone(r) {
		mk.Done, text = time.Time{}, "Back in Needs reply."
	} else {
		mk.Done = r.LastAt
		if mk.Done.IsZero() {
			mk.Done = m.c.Now()
		}
	}
	next := m.neighbour(m.cursor)
	cmd := m.c.Seen.Set(m.c, r.PackID, mk)
	if m.section == SectionNeedsReply {
		m.applyFilter(next) // the row leaves: stay where the seller works
	} else {
		m.applyFilter(r.PackID)
	}
	return tea.Batch(cmd, func() tea.Msg { return common.StatusMsg{Text: text} })
}

// neighbour is the pack the cursor should land on when the row at i leaves the view: the one
// below it, else the one above.
func (m *Model) neighbour(i int) string {
	switch {
	case i+1 < len(m.visible):
		return m.visible[i+1].PackID
	case i > 0:
		return m.visible[i-1].PackID
	}
	return ""
}

// replyOrder is every conversation that needs a reply, longest-waiting first.
func (m *Model) replyOrder() []*row {
	var out []*row
	for _, r := range m.rows {
		if m.needsReply(r) {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.LastAt.Equal(b.LastAt) {
			return a.LastAt.Before(b.LastAt)
		}
		return a.PackID < b.PackID
	})
	return out
}

// NextNeedingReply is the conversation needing a reply after (dir 1) or before (dir -1) pack in
// the "Needs reply" order, wrapping around; "" when none other does.
func (m *Model) NextNeedingReply(pack string, dir int) (id, site string) {
	order := m.replyOrder()
	if len(order) == 0 {
		return "", ""
	}
	at := -1
	for i, r := range order {
		if r.PackID == pack {
			at = i
		}
	}
	var next int
	switch {
	case at < 0 && dir < 0:
		next = len(order) - 1
	case at < 0:
		next = 0
	default:
		next = ((at+dir)%len(order) + len(order)) % len(order)
	}
	if order[next].PackID == pack {
		return "", ""
	}
	return order[next].PackID, order[next].Site
}

// jumpNeedingReply (`n`/`N` in the list) moves the cursor to the next conversation needing a
// reply, showing it in the current section if it is there, else in "All".
func (m *Model) jumpNeedingReply(dir int) tea.Cmd {
	id, _ := m.NextNeedingReply(m.Selected(), dir)
	if id == "" {
		return func() tea.Msg { return common.StatusMsg{Text: "No other conversation needs a reply."} }
	}
	if !m.shown(id) {
		m.section = SectionAll
		m.applyFilter(id)
	}
	if !m.shown(id) { // the filter hides it: the seller asked for it, so the filter goes
		m.filter.SetValue("")
	}
	m.moved = true
	m.applyFilter(id)
	return nil
}

func (m *Model) shown(id string) bool {
	for _, r := range m.visible {
		if r.PackID == id {
			return true
		}
	}
	return false
}

// replyToRow (`r`) opens the selected conversation with its composer.
func (m *Model) replyToRow() tea.Cmd {
	r, refused := m.replyRow()
	if r == nil {
		return refused
	}
	if warn := m.replyGuard(r.PackID, "r"); warn != nil {
		return warn
	}
	return m.openReply(r, false)
}

// replyRow is the selected row when a reply may be written there; else nil and, on a blocked
// row, the refusal saying why. Every way of replying from the list (`r`, `T`) asks it first, so
// none opens a composer on a conversation nobody can answer.
func (m *Model) replyRow() (*row, tea.Cmd) {
	if m.cursor >= len(m.visible) {
		return nil, nil
	}
	r := m.visible[m.cursor]
	if r.Blocked {
		text := "You cannot reply here: " + common.BlockedReason(r.Substatus)
		return nil, func() tea.Msg { return common.StatusMsg{Text: text, Err: errBlocked} }
	}
	return r, nil
}

// openReply asks the root for the row's conversation and, over it, its composer (with the
// template picker showing when template is set).
func (m *Model) openReply(r *row, template bool) tea.Cmd {
	m.c.Navigate(common.OpenPackMsg{PackID: r.PackID, Site: r.Site})
	return m.c.Navigate(common.ComposeMsg{PackID: r.PackID, Site: r.Site, Template: template})
}

// opening notes where the seller works before the list asks the root to open pack: a reply
// sent there brings the cursor back to that place (afterReply).
func (m *Model) opening(pack string) {
	m.workPack, m.workAt = pack, m.cursor
}

// afterReply shows the reply sent to pack as the row's newest message (text, and the API's
// answer to the send when it has one), and keeps the cursor where the seller was working: at
// the place in the list they opened it from, whichever row is there now (the answered one
// moved away, or left "Needs reply").
func (m *Model) afterReply(pack string, req api.SendRequest, sent *api.Message) {
	r := m.byID[pack]
	if r == nil {
		return
	}
	r.LastMine, r.Empty, r.Receipt = true, false, common.Receipt{State: common.ReceiptSent}
	if req.Text != "" { // the translation too: the preview follows the translation mode
		r.Last = strings.Join(strings.Fields(m.links.Render(req.Text)), " ")
		r.LastT = strings.Join(strings.Fields(m.links.Render(req.TextTranslated)), " ")
	}
	if sent != nil {
		r.Receipt = common.ReceiptOf(sent, false)
	}
	if at := m.c.Now(); at.After(r.LastAt) {
		r.LastAt = at
	}
	m.applyFilter(m.Selected())
	if pack == m.workPack {
		m.moved = true
		m.cursor = m.workAt
		m.clampScroll()
	}
}

// fold is text for matching: lower case, without accents ("Lucía" matches "lucia").
func fold(s string) string { return sanitize.Fold(s) }

var errBlocked = errors.New("conversation blocked")

// NoteMessages gives the filter every loaded message of pack (the conversation's pages).
func (m *Model) NoteMessages(pack string, texts []string) {
	r := m.byID[pack]
	if r == nil {
		return
	}
	seen := make(map[string]bool, len(r.texts))
	for _, t := range r.texts {
		seen[t] = true
	}
	for _, t := range texts {
		if f := fold(t); f != "" && !seen[f] {
			seen[f] = true
			r.texts = append(r.texts, f)
		}
	}
}

// Follow puts the cursor on pack (opened with n/N from a conversation), so going back and a
// reply there keep the list where the seller is working.
func (m *Model) Follow(pack string) {
	if !m.shown(pack) {
		return
	}
	m.moved = true
	m.applyFilter(pack)
	m.opening(pack)
}
