package compose

import (
	"strings"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

// Replies elsewhere. In a served team inbox a reply to this buyer may be sent while this compose
// holds one: by a teammate, or by the person's own other session. Compose then says so and asks
// once before sending a second answer.

// elsewhereStart is how much of someone else's reply the notice quotes (in cells).
const elsewhereStart = 60

// SentElsewhere hears that someone else sent a reply to this buyer: a teammate, or the
// person's other session (who is common.OtherSession). Compose says so with the start of what
// was sent, and its next ctrl+s asks once before sending: two answers to one question
// contradict each other.
func (m *Model) SentElsewhere(who, text string) {
	start := strings.Join(strings.Fields(sanitize.Line(text)), " ")
	m.elsewhere = sanitize.Line(who) + " just replied"
	if start != "" {
		m.elsewhere += ": “" + common.Truncate(start, elsewhereStart) + "”"
	}
	m.askSend, m.asked = true, false
	m.heard++
	m.notesChanged() // told outside Update: the notes' lines are measured again
}

// askFirst is ctrl+s after someone else replied: the first asks (true: do not send), the next
// sends.
func (m *Model) askFirst() bool {
	if !m.askSend {
		return false
	}
	m.askSend, m.asked = false, true
	return true
}

// elsewhereLines are the notice of someone else's reply and, once ctrl+s asked, the question.
func (m *Model) elsewhereLines() []string {
	if m.elsewhere == "" {
		return nil
	}
	st := m.c.Styles
	lines := []string{st.Warning.Render(common.Truncate("⚠ "+m.elsewhere, m.width))}
	if m.asked {
		lines = append(lines, st.Warning.Render("Send yours as well? "+m.keys.Send.Help().Key+" again to send anyway."))
	}
	return lines
}

// notesChanged measures the notes again after a change made outside Update (the root telling
// compose of a reply elsewhere), so the fields give them the lines they need.
func (m *Model) notesChanged() {
	m.notesOK = false
	m.fitNotes()
}
