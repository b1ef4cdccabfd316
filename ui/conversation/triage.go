package conversation

import (
	"fmt"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// toTop (`g`) goes to the conversation's real beginning: the oldest page loaded so far at once,
// then older pages one after another (the top line says how far it got) until the first message.
func (m *Model) toTop() tea.Cmd {
	m.follow = false
	m.top = 0
	m.clamp()
	if !m.MoreOlder() {
		m.toBeginning = false
		return nil
	}
	m.toBeginning = true
	if m.loadingOlder {
		return nil // the page on its way continues to the next
	}
	return m.load(loadOlder)
}

// ClearNew drops the "● new" marks: the seller has read the conversation they leave. Messages
// arriving later are marked again.
func (m *Model) ClearNew() {
	m.seenAt = m.c.Now()
	for _, e := range m.entries {
		if e.isNew {
			e.isNew = false
			e.invalidate()
		}
	}
}

// Shown is what the conversation shows of Mercado Libre's messages: the date of the newest, and
// how many buyer messages Mercado Libre counts unread. While the conversation is on screen the
// root hands them to the list, for which they are seen (packlist's MarkShown).
func (m *Model) Shown() (newest time.Time, unread int) {
	d := m.derive()
	return d.newest, d.unread
}

// position is where the view is in the whole conversation: the number of the message at its
// top, counted from the first message the conversation ever had ("message 40 of 325").
func (m *Model) position() string {
	total := max(m.total, m.serverCount())
	if total == 0 {
		return "no messages"
	}
	i := 0
	if m.top >= 1 {
		i, _ = m.locate(m.top, 0)
	}
	n := total - m.serverCount() // older messages not loaded
	for _, e := range m.entries[:min(max(i, 0), len(m.entries))] {
		if !e.pending {
			n++
		}
	}
	n = min(n+1, total)
	return fmt.Sprintf("message %d of %d", n, total)
}

// shortPosition is position for a narrow header ("40/325").
func shortPosition(p string) string {
	var n, t int
	if _, err := fmt.Sscanf(p, "message %d of %d", &n, &t); err != nil {
		return p
	}
	return strconv.Itoa(n) + "/" + strconv.Itoa(t)
}
