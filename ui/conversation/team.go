package conversation

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

// maxNoteRunes bounds a team note typed in the one-line input.
const maxNoteRunes = 1000

// The note input is two lines: what it is, then the text on a line of its own behind a short
// prompt, so the typed text shows down to the narrowest layout (40 columns).
const (
	notePrompt    = "› "
	noteHint      = "Team note (only the team sees it; enter saves, esc cancels)"
	noteHintShort = "Team note (only the team sees it)"
)

// teamView is the conversation's part of a served team inbox: the header line saying who else
// is here, the collision guard before replying, the assign picker, the note input and the
// notes drawn among the messages. Without a team (the local inbox) it stays empty and the
// conversation draws exactly as for one person.
type teamView struct {
	keys   common.TeamKeys
	picker *common.MemberPicker
	note   *textinput.Model // the one-line note input while open
	warn   string           // the collision warning on screen: `r` again writes anyway
	line   string           // the header's team line, read at each team event
	notes  int              // note entries placed among the messages
}

// teamLine reads who the pack is assigned to and who else has it open or is replying.
func (m *Model) teamLine() string {
	t := m.c.Team
	if t == nil {
		return ""
	}
	var parts []string
	if who := t.Assignee(m.packID); who != "" {
		if who == t.Me() {
			parts = append(parts, "→ assigned to you")
		} else {
			parts = append(parts, "→ assigned to "+sanitize.Line(who))
		}
	}
	if p := common.PresenceText(t, m.packID); p != "" {
		parts = append(parts, p)
	}
	return strings.Join(parts, " · ")
}

// teamChanged re-reads the team: header line, and unless only presence changed (the typing
// indicator comes and goes often) notes and "sent by" marks.
func (m *Model) teamChanged(msg common.TeamChangedMsg) {
	if m.c.Team == nil {
		return
	}
	anchor, off := m.anchor()
	m.team.line = m.teamLine()
	if msg.Presence || (msg.Pack != "" && msg.Pack != m.packID) {
		m.restore(anchor, off) // the header may have gained or lost its team line
		return
	}
	for _, e := range m.entries {
		if e.seller && !e.pending {
			e.invalidate() // a "sent by" may have arrived
		}
	}
	m.placeNotes()
	m.restore(anchor, off)
}

// placeNotes puts the pack's team notes among the messages in time order (before sends in
// flight). Notes are entries of their own kind: never counted as messages, never sent.
func (m *Model) placeNotes() {
	t := m.c.Team
	if t == nil {
		return
	}
	notes := t.Notes(m.packID)
	if len(notes) == 0 && m.team.notes == 0 {
		return
	}
	defer m.entriesChanged()
	kept := m.entries[:0]
	for _, e := range m.entries {
		if !e.note {
			kept = append(kept, e)
		}
	}
	clear(m.entries[len(kept):])
	m.entries = kept
	for _, n := range notes {
		e := &entry{note: true}
		e.msg.From.Name = n.Author
		e.msg.Text = n.Text
		e.msg.MessageDate.Created = api.Time{Time: n.At}
		m.insertByDate(e)
	}
	m.team.notes = len(notes)
}

// teamTyping: the picker or the note input has the keys.
func (m *Model) teamTyping() bool { return m.team.picker != nil || m.team.note != nil }

// handleTeamKey takes the note input's and the picker's keys, and the team keys; ok is false
// for any other key. Any key but `r` takes the collision warning down.
func (m *Model) handleTeamKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	t := m.c.Team
	if in := m.team.note; in != nil {
		switch msg.Type {
		case tea.KeyEsc:
			m.team.note = nil
			return nil, true
		case tea.KeyEnter:
			m.team.note = nil
			text := strings.TrimSpace(sanitize.Line(in.Value()))
			if text == "" {
				return nil, true
			}
			pack := m.packID
			return common.TeamCmd(pack, "Could not add the note", func() error { return t.AddNote(pack, text) }), true
		}
		var cmd tea.Cmd
		*in, cmd = in.Update(msg)
		return cmd, true
	}
	if p := m.team.picker; p != nil {
		member, chosen, done := p.HandleKey(msg)
		if done {
			m.team.picker = nil
		}
		if chosen {
			pack := p.Pack
			return common.TeamCmd(pack, "Could not assign pack "+pack, func() error { return t.Assign(pack, member) }), true
		}
		return nil, true
	}
	k := m.team.keys
	if t == nil {
		if k.Pressed(msg, k.Assign) || k.Pressed(msg, k.Note) {
			return status(common.TeamOnly, nil), true
		}
		return nil, false
	}
	if !key.Matches(msg, m.keys.Reply) {
		m.team.warn = ""
	}
	switch {
	case key.Matches(msg, k.Assign):
		m.team.picker = common.NewMemberPicker(t, m.packID)
		return nil, true
	case key.Matches(msg, k.Note):
		m.team.note = m.newNoteInput()
		return m.team.note.Focus(), true
	}
	return nil, false
}

// replyGuard is the collision guard: when a teammate is replying to this buyer, the first `r`
// warns and the second writes anyway. It reports whether the reply should wait.
func (m *Model) replyGuard() bool {
	if m.c.Team == nil {
		return false
	}
	if m.team.warn != "" {
		m.team.warn = ""
		return false
	}
	m.team.warn = common.ReplyingText(m.c.Team, m.packID, "r")
	return m.team.warn != ""
}

func (m *Model) newNoteInput() *textinput.Model {
	ti := textinput.New()
	ti.Prompt = notePrompt
	ti.CharLimit = maxNoteRunes
	r := m.c.Renderer
	ti.PromptStyle, ti.TextStyle = m.c.Styles.Warning, r.NewStyle()
	ti.PlaceholderStyle = r.NewStyle().Foreground(lipgloss.Color("240"))
	ti.Cursor.Style, ti.Cursor.TextStyle = r.NewStyle(), r.NewStyle()
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Width = noteWidth(m.width)
	return &ti
}

// noteWidth is how many cells of text the note input shows: the width less the prompt and
// the cursor's cell.
func noteWidth(width int) int { return max(width-lipgloss.Width(notePrompt)-1, 1) }

// resizeNote fits an open note input to a new width, keeping the cursor in view.
func (m *Model) resizeNote() {
	if in := m.team.note; in != nil {
		in.Width = noteWidth(m.width)
		in.SetCursor(in.Position())
	}
}

// noteLines is the open note input: the line saying what it is (the long one when it fits),
// then the input.
func (m *Model) noteLines() []string {
	hint := noteHint
	if lipgloss.Width(hint) > m.width {
		hint = noteHintShort
	}
	return []string{m.c.Styles.Warning.Render(common.Truncate(hint, m.width)), m.team.note.View()}
}

// teamOverlay is the picker, the note input or the collision warning, at the bottom.
func (m *Model) teamOverlay() []string {
	st := m.c.Styles
	switch {
	case m.team.picker != nil:
		return m.team.picker.Lines(m.c, m.width)
	case m.team.note != nil:
		return m.noteLines()
	case m.team.warn != "" && m.files.confirm == nil && m.files.menu == nil:
		return wrapStyled(st.Warning, "⚠ "+m.team.warn, m.width)
	}
	return nil
}

// teamShortHelp is the footer while the picker or note input is open (nil otherwise).
func (m *Model) teamShortHelp() []key.Binding {
	switch {
	case m.team.picker != nil:
		return m.team.picker.ShortHelp()
	case m.team.note != nil:
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save note")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		}
	}
	return nil
}

// renderNote draws a team note apart from the messages: a labelled block behind a "|" rule,
// readable without colour, marked as never sent.
func renderNote(e *entry, width int, c *common.Common) []string {
	st := c.Styles
	indent := min(4, width/8)
	inner := max(1, width-indent-2)
	pad := strings.Repeat(" ", indent)
	label := "Team note · " + sanitize.Line(e.msg.From.Name) + " · " + LocalTime(e.msg.Date(), c.Location) + " · not sent to the buyer"
	out := []string{pad + st.Warning.Render(common.Truncate("# "+label, width-indent))}
	for _, l := range wrap(sanitize.String(e.msg.Text), inner) {
		out = append(out, pad+st.Warning.Render("|")+" "+st.Subtle.Render(l))
	}
	return append(out, "")
}

// sentBy is the "sent by Ana" mark of a seller message sent from the team inbox.
func sentBy(e *entry, c *common.Common) string {
	if c.Team == nil || !e.seller || e.msg.ID == "" {
		return ""
	}
	who := c.Team.SentBy(e.msg.ID)
	if who == "" {
		return ""
	}
	if who == c.Team.Me() {
		return "sent by you"
	}
	return "sent by " + sanitize.Line(who)
}
