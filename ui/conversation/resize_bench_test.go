package conversation

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// BenchmarkSetSizeTenThousandMessages is one resize of a 10,000-message conversation, widths
// alternating as in a resize storm, with the frame drawn after it (budget: well under 5 ms).
func BenchmarkSetSizeTenThousandMessages(b *testing.B) {
	for _, scrolled := range []bool{false, true} {
		name := "following"
		if scrolled {
			name = "scrolled"
		}
		b.Run(name, func(b *testing.B) {
			m := loadedModel(b, 10_000, 100, 30)
			_ = m.View()
			if scrolled {
				// Half way up the history: the anchor is a message in the middle.
				for range 5_000 {
					m.scroll(-12)
				}
				_ = m.View()
			}
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				m.SetSize(80+i%2*20, 30)
				_ = m.View()
				i++
			}
		})
	}
}

// BenchmarkTranslateTenThousandMessages is one press of `t` (the next translation mode) on a
// 10,000-message conversation, with the frame drawn after it.
func BenchmarkTranslateTenThousandMessages(b *testing.B) {
	m := loadedModel(b, 10_000, 100, 30)
	_ = m.View()
	t := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t")}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.Update(t)
		_ = m.View()
	}
}

// bodyRows are the rows of the view below the header.
func bodyRows(m *Model) []string {
	return strings.Split(m.View(), "\n")[len(m.headerLines()):]
}

func countDrawn(m *Model) int {
	n := 0
	for _, e := range m.entries {
		if e.drawn(m.width, m.mode) {
			n++
		}
	}
	return n
}

// vary gives the messages texts whose wrapped height the estimate gets wrong (wide characters,
// short words, paragraphs) and checks that it does, so fix-ups are exercised.
func vary(t *testing.T, m *Model) {
	t.Helper()
	for i, e := range m.entries {
		e.msg.Text = strings.Repeat("ok ", i%29) + strings.Repeat("日本語", i%11) + strings.Repeat("\nfim", i%3)
		e.msg.TextTranslated = strings.Repeat("a bb ccc ", i%17)
		e.invalidate()
	}
	wrong := 0
	for _, e := range m.entries[:200] {
		if e.estimate(71, m.mode) != len(renderEntry(e, 71, m.mode, m.c, m.links)) {
			wrong++
		}
	}
	if wrong < 20 {
		t.Fatalf("only %d of 200 estimates are off: the test would not exercise fix-ups", wrong)
	}
}

// A resize and a `t` draw the messages on screen, not the whole conversation, and keep the
// message at the top of the view at the top.
func TestResizeDrawsOnlyWhatIsOnScreen(t *testing.T) {
	m := loadedModel(t, 10_000, 100, 30)
	vary(t, m)
	_ = m.View()
	if n := countDrawn(m); n > 30 {
		t.Fatalf("the first frame drew %d messages, want only those on screen", n)
	}
	for range 300 {
		m.Update(uitest.Key("k"))
	}
	idx, off := m.anchor()
	if idx < 0 {
		t.Fatal("scrolled view has no anchor")
	}
	for _, step := range []func(){func() { m.SetSize(63, 24) }, func() { m.Update(uitest.Key("t")) }} {
		step()
		rows := bodyRows(m)
		if n := countDrawn(m); n > 30 {
			t.Fatalf("re-layout drew %d messages, want only those on screen", n)
		}
		got, gotOff := m.anchor()
		if got != idx {
			t.Fatalf("message at the top moved from %d to %d", idx, got)
		}
		ls := m.entries[idx].lines(m.width, m.mode, m.c, m.links)
		want := min(off, len(ls)-1)
		if gotOff != want || rows[0] != common.Fit(ls[want], m.width, "") {
			t.Fatalf("top row is %q (offset %d), want line %d of message %d: %q", rows[0], gotOff, want, idx, ls[want])
		}
	}
}

// Scrolling up into messages whose height was only estimated moves the view by exactly one line
// per k and keeps one line of overlap per pgup: drawing them never makes the screen jump.
func TestScrollingIntoEstimatedMessagesIsExact(t *testing.T) {
	m := loadedModel(t, 2_000, 100, 30)
	vary(t, m)
	_ = m.View()
	m.SetSize(71, 30) // everything above the screen is now estimated
	before := bodyRows(m)
	for i := range 400 {
		m.Update(uitest.Key("k"))
		after := bodyRows(m)
		for j := 0; j+1 < len(after); j++ {
			if after[j+1] != before[j] {
				t.Fatalf("k #%d: row %d is %q, want %q (the row above it before)", i+1, j+1, after[j+1], before[j])
			}
		}
		before = after
	}
	for i := range 50 {
		m.Update(uitest.Key("pgup"))
		after := bodyRows(m)
		if after[len(after)-1] != before[0] {
			t.Fatalf("pgup #%d: last row %q, want the old first row %q", i+1, after[len(after)-1], before[0])
		}
		before = after
	}
}

// Read from the top down after a resize, the view shows exactly every message fully drawn: the
// estimates only ever stand for lines not on screen.
func TestLazyLayoutShowsTheFullConversation(t *testing.T) {
	m := loadedModel(t, 300, 100, 12)
	vary(t, m)
	_ = m.View()
	m.SetSize(47, 12)
	m.Update(uitest.Key("t"))
	m.Update(uitest.Key("g"))
	var want []string
	want = append(want, common.Fit(m.c.Styles.Faint.Render(common.Truncate(m.topLine(), m.width)), m.width, ""))
	var got []string
	for i := 0; ; i++ {
		rows := bodyRows(m)
		got = append(got, rows[0])
		if m.follow || i > 100_000 {
			got = append(got, rows[1:]...)
			break
		}
		m.Update(uitest.Key("j"))
	}
	for _, e := range m.entries {
		for _, l := range (&entry{msg: e.msg, seller: e.seller}).lines(m.width, m.mode, m.c, m.links) {
			want = append(want, common.Fit(l, m.width, ""))
		}
	}
	if len(got) != len(want) {
		t.Fatalf("read %d lines scrolling down, the full drawing has %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("line %d is %q, the full drawing has %q", i, got[i], want[i])
		}
	}
	if c := m.contentLines(); c != len(want) {
		t.Fatalf("content is %d lines once all drawn, want %d", c, len(want))
	}
}

// An older page is prepended with estimated heights; drawing its newest message, partly on
// screen, must not move the rows below even when the estimate was wrong.
func TestOlderPageWithWrongEstimatesKeepsPosition(t *testing.T) {
	m := loadedModel(t, 20, 100, 30)
	full := bigConversation(300)
	for i := range full.Messages {
		full.Messages[i].Text = strings.Repeat("日本語 ", i%13+1) // 3 bytes, 2 cells a character
	}
	page := func(from, to int) *api.Conversation {
		return &api.Conversation{Paging: &api.Paging{Total: 300}, ConversationStatus: full.ConversationStatus, Messages: full.Messages[from:to]}
	}
	m.applyPage(PageMsg{kind: loadNewest, Conversation: page(0, 50)}, nil)
	for m.top > 0 {
		m.scroll(-1)
	}
	for p := 1; p <= 3; p++ {
		before := bodyRows(m)
		m.applyPage(PageMsg{kind: loadOlder, Conversation: page(50*p, 50*p+50)}, nil)
		after := bodyRows(m)
		edge := m.entries[49] // the newest message of the page just added
		if p == 1 && edge.estimate(m.width, m.mode) == len(edge.lines(m.width, m.mode, m.c, m.links)) {
			t.Fatal("the estimate of the page's newest message is right: the test would not exercise a fix-up")
		}
		for i := 1; i < len(before); i++ {
			if before[i] != after[i] {
				t.Fatalf("page %d: row %d moved:\nbefore %q\nafter  %q", p, i, before[i], after[i])
			}
		}
		for m.top > 0 {
			m.scroll(-1)
		}
	}
}

// Moving the attachment selection down through messages whose heights were estimated still
// lands with the selected attachment on screen.
func TestSelectionRevealedThroughEstimatedMessages(t *testing.T) {
	m := loadedModel(t, 2_000, 100, 30)
	vary(t, m)
	m.Update(uitest.Key("g"))
	_ = m.View()
	m.SetSize(71, 30)
	_ = m.View()
	tab := tea.KeyMsg{Type: tea.KeyTab}
	m.Update(tab) // the newest attachment, at the bottom
	for i := range 12 {
		m.Update(tab) // the oldest, then each newer one further down
		rows := bodyRows(m)
		// Going down, the view scrolls just enough: the selected message ends at the bottom.
		if i > 0 && !strings.Contains(rows[len(rows)-2], "▶ 📎") {
			t.Fatalf("tab #%d: the selected attachment is not just above the bottom row:\n%s", i+2, strings.Join(rows, "\n"))
		}
		if !strings.Contains(strings.Join(rows, "\n"), "▶ 📎") {
			t.Fatalf("tab #%d: the selected attachment is not on screen:\n%s", i+2, strings.Join(rows, "\n"))
		}
	}
}
