package compose

import (
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

// Replies and drafts elsewhere. In a served team inbox a reply to this buyer may be sent while
// this compose holds one: by a teammate, or by the person's own other session, which shares
// this compose's drafts folder. Compose then says so and asks once before sending a second
// answer; and the draft it holds is read again from the folder rather than trusted, so a draft
// sent or discarded elsewhere is not sent a second time from here.

// elsewhereStart is how much of someone else's reply the notice quotes (in cells).
const elsewhereStart = 60

// heldDraft is what compose held when Reload asked the drafts folder.
type heldDraft struct {
	text, translated string
	files            []string
}

func (h *heldDraft) empty() bool {
	return strings.TrimSpace(h.text) == "" && strings.TrimSpace(h.translated) == "" && len(h.files) == 0
}

// Reload reads the pack's draft again from the drafts folder: opening compose once more, or
// hearing that the person's other session sent or discarded it, shows the draft as the folder
// holds it now, not the copy kept here. A save still waiting here is written first, so nothing
// typed here is lost (the later save wins, as between sessions). Nothing is read without drafts
// on disk, while the saved draft is still being read, or while a send is in flight or
// unresolved: its answer decides what happens to the draft.
func (m *Model) Reload() tea.Cmd {
	if m.saver == nil || m.restoring || m.Sending() || m.unsure || m.verifying || m.editing {
		return nil
	}
	m.restoring = true // nothing is saved over the folder's draft until it is read
	m.held = &heldDraft{text: m.text.Value(), translated: m.translated.Value(), files: m.draftFiles()}
	return m.readDraft(m.saver.Flush)
}

// reloaded takes the folder's draft in place of the one held here. Keys typed since Reload (in
// the same read as the key that opened compose) are kept after it.
func (m *Model) reloaded(msg draftRestoredMsg) tea.Cmd {
	m.restoring = false
	held := m.held
	m.held = nil
	if held == nil {
		return nil
	}
	if msg.saveErr != nil {
		// What waited here could not be written, so the folder is behind: keep this one.
		m.savedAs = ""
		return tea.Batch(m.saveFailed(DraftSaveFailedMsg{PackID: m.packID, Err: msg.saveErr}), m.saveIfChanged())
	}
	if msg.err != nil {
		// The file was damaged (and set aside): the draft held here is the one to keep.
		m.err = "Your saved draft could not be read: " + msg.err.Error() + "."
		m.savedAs = ""
		return m.saveIfChanged()
	}
	d := msg.draft
	typed, okText := strings.CutPrefix(m.text.Value(), held.text)
	typedT, okTrans := strings.CutPrefix(m.translated.Value(), held.translated)
	if d.Text == held.text && d.TextTranslated == held.translated && slices.Equal(d.Files, held.files) {
		// Unchanged in the folder: only what was typed since, if anything, is saved.
		m.savedAs = draftKeyOf(held.text, held.translated, held.files)
		return m.saveIfChanged()
	}
	if !okText || !okTrans {
		m.savedAs = "" // edited here while it was read: what is on screen is the later save
		return m.saveIfChanged()
	}
	m.gone = ""
	m.text.SetValue(d.Text + typed)
	m.translated.SetValue(d.TextTranslated + typedT)
	m.files.Clear()
	m.addRestoredFiles(msg)
	switch {
	case d.Empty():
		if !held.empty() {
			m.note = "This draft was sent or discarded in another session."
		}
	default:
		m.note = "Draft changed in another session (saved " + common.ShortTime(d.Saved, m.c.Now(), m.c.Location) + "); ctrl+x discards it."
	}
	m.layout()
	if typed == "" && typedT == "" {
		m.savedAs = m.draftKey()
		return nil
	}
	return m.saveIfChanged()
}

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

// DraftGone hears, while compose is on screen, that the person's other session sent or
// discarded the draft they share. The text stays to be read, or sent anyway; an edit makes it a
// draft of its own again; leaving without one keeps nothing, as the folder keeps nothing.
func (m *Model) DraftGone(discarded bool) {
	if m.Empty() || m.Sending() {
		return
	}
	m.gone = "Your other session sent this reply; its draft is not kept here either."
	if discarded {
		m.gone = "Your other session discarded this draft; it is not kept here either."
		m.note = "Your other session discarded this draft: esc now keeps nothing, an edit keeps it."
		m.notesChanged()
	}
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
// compose of a reply or a draft elsewhere), so the fields give them the lines they need.
func (m *Model) notesChanged() {
	m.notesOK = false
	m.fitNotes()
}
