// Package compose is the reply editor of one pack: the message, an optional translation for the
// buyer, a live character counter, and an asynchronous send that never loses the draft.
package compose

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/ui/attachments"
	"github.com/postsale/postsale/ui/common"
	uitemplates "github.com/postsale/postsale/ui/templates"
)

// SentMsg is the result of a send, delivered inside common.TaskFinishedMsg.
type SentMsg struct {
	LocalID string
	Request api.SendRequest
	Message *api.Message
}

// Sender is what compose uses: sending, uploading its files, and re-reading the newest messages
// after a send whose answer was lost. *api.Client is one; a local store may decorate it.
type Sender interface {
	SendMessage(ctx context.Context, packID string, msg api.SendRequest) (*api.Message, error)
	attach.Uploader
	api.PackReader
}

// Field is which text field has the focus.
type Field int

// Compose's fields, in tab order.
const (
	FieldText Field = iota
	FieldTranslation
)

// Model is the compose view of one pack.
type Model struct {
	maxText    *int // the thread's seller_max_message_length (SetTextLimit), nil: api.MaxTextLength
	c          *common.Common
	data       Sender // where replies go
	packID     string
	site       string
	keys       KeyMap
	text       textarea.Model
	translated textarea.Model
	field      Field
	width      int
	height     int
	notesH     int // lines the notes under the fields took at the last update (fitNotes)
	// notes caches noteLines from an update to the frames after it: the draft's checks (length,
	// characters, placeholders, moderation words) run once a keystroke, not twice. Anything that
	// can change them clears notesOK: each update, the layout, the thread's limit, the focus.
	notes   []string
	notesOK bool

	sending bool
	sent    int              // sends started, to number pending messages
	localID string           // the send in flight
	err     string           // why the last send was refused or failed
	refused *api.SendRequest // the draft a validation refusal was about; editing it clears err

	ctxLines  int                 // context lines above the message (layout)
	files     *attachments.List   // chosen files; kept until a send with them succeeds
	picker    *attachments.Picker // non-nil while choosing a file
	uploading bool                // a send is uploading its files first

	tpicker *uitemplates.Model // non-nil while choosing a reply template (templates.go)
	editing bool               // the $EDITOR round trip is under way (editor.go)

	// Drafts on disk and ambiguous sends (durable.go).
	saver     *drafts.Debouncer // nil when drafts are not kept on disk
	savedAs   string            // the draft content last handed to saver
	sendAt    time.Time         // when the send in flight started
	restoring bool              // the saved draft is being read: nothing is saved over it yet
	verifying bool              // re-reading the conversation after a send got no answer
	unsure    bool              // the send is unresolved: ctrl+s checks again before sending
	unsureReq api.SendRequest
	unsureErr error
	resendBy  time.Time       // a check found nothing: ctrl+s until then sends again
	sentIDs   map[string]bool // messages this compose sent, never mistaken for a lost send
	sleep     Sleep           // waits between re-reads (nil: real time)

	// Context while replying (context.go) and visible drafts (draftnotes.go).
	rctx           common.ReplyContext
	hasRctx        bool
	domestic       bool   // the domestic flavour: no translation field
	note           string // "Draft restored from …", until the next key
	confirmDiscard bool   // ctrl+x asked; a second ctrl+x discards

	// Someone else's reply to this buyer (elsewhere.go).
	elsewhere string // "Ana just replied: “…”", until this compose sends
	askSend   bool   // the next ctrl+s asks first
	asked     bool   // ctrl+s asked: the next one sends
	heard     int    // replies heard of (SentElsewhere); sendHeard: when the send started
	sendHeard int

	// The drafts folder, shared with the person's other sessions (elsewhere.go).
	held *heldDraft // what compose held when Reload asked the folder
	gone string     // the shared draft was sent or discarded elsewhere: what leaving says
}

// New returns an empty compose model for packID.
func New(c *common.Common, packID, site string) *Model {
	m := &Model{c: c, data: c.Client, packID: packID, site: site, keys: DefaultKeyMap(), files: attachments.NewList()}
	common.ApplyKeys("compose", &m.keys, c.Keys)
	m.servedLimits()
	m.files.AddKey = m.keys.Attach.Help().Key
	m.text = newTextarea(c, "Write your reply to the buyer…")
	m.translated = newTextarea(c, "")
	m.translated.Placeholder = m.translationPlaceholder()
	m.SetSize(80, 20)
	m.startRestore()
	return m
}

// newTextarea builds a textarea whose styles come from the program's renderer.
func newTextarea(c *common.Common, placeholder string) textarea.Model {
	ta := textarea.New()
	ta.Placeholder = placeholder
	ta.ShowLineNumbers = false
	ta.CharLimit = 0 // over-long drafts are shown and refused, never cut
	ta.Prompt = "│ "
	r := c.Renderer
	focused := textarea.Style{
		Base:        r.NewStyle(),
		CursorLine:  r.NewStyle(),
		EndOfBuffer: r.NewStyle(),
		Placeholder: c.Styles.Faint,
		Prompt:      c.Styles.Selected,
		Text:        r.NewStyle(),
	}
	blurred := focused
	blurred.Prompt = c.Styles.Subtle
	blurred.Text = c.Styles.Subtle
	ta.FocusedStyle, ta.BlurredStyle = focused, blurred
	ta.Cursor.Style = r.NewStyle()
	ta.Cursor.TextStyle = r.NewStyle()
	ta.Blur()
	return ta
}

// PackID is the pack the reply goes to.
func (m *Model) PackID() string { return m.packID }

// Draft is what would be sent now.
func (m *Model) Draft() api.SendRequest {
	d := api.SendRequest{
		Text:           strings.TrimSpace(m.text.Value()),
		TextTranslated: strings.TrimSpace(m.translated.Value()),
	}
	if m.domestic {
		d.TextTranslated = "" // the domestic flavour has no translation
	}
	return d
}

// Empty reports whether nothing has been typed or attached.
func (m *Model) Empty() bool {
	d := m.Draft()
	return d.Text == "" && d.TextTranslated == "" && m.files.Len() == 0
}

// Sending reports whether a send is in flight.
func (m *Model) Sending() bool { return m.sending || m.uploading }

// Err is why the last send was refused or failed, or "".
func (m *Model) Err() string { return m.err }

// Field is the focused field.
func (m *Model) Field() Field { return m.field }

// Typing reports whether keys go to a text field (so `q` types a q).
func (m *Model) Typing() bool {
	return m.text.Focused() || m.translated.Focused() || m.picker != nil || m.files.Focused() || m.tpicker != nil
}

// Focus gives the keyboard to the current field; the root calls it when compose is shown.
func (m *Model) Focus() tea.Cmd {
	m.notesOK = false
	if m.picker != nil || m.files.Focused() || m.tpicker != nil {
		return nil // a picker or the file list has the keyboard
	}
	if m.field == FieldTranslation && !m.domestic {
		m.text.Blur()
		return m.translated.Focus()
	}
	m.translated.Blur()
	return m.text.Focus()
}

// UsesAltKey reports whether msg, an alt key, moves or deletes by words in the focused field.
func (m *Model) UsesAltKey(msg tea.KeyMsg) bool {
	var k textarea.KeyMap
	switch {
	case m.picker != nil || m.files.Focused():
		return false
	case m.text.Focused():
		k = m.text.KeyMap
	case m.translated.Focused():
		k = m.translated.KeyMap
	default:
		return false
	}
	return key.Matches(msg, k.WordBackward, k.WordForward, k.DeleteWordBackward, k.DeleteWordForward,
		k.InputBegin, k.InputEnd, k.UppercaseWordForward, k.LowercaseWordForward, k.CapitalizeWordForward)
}

// Blur takes the keyboard away from both fields.
func (m *Model) Blur() {
	m.notesOK = false
	m.text.Blur()
	m.translated.Blur()
}

// Init reads the saved draft, if drafts are kept.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.restoreDraft(), m.readFlavor()) }

func (m *Model) owner() common.Owner { return common.ComposeOwner(m.packID) }

// errStatus is the status bar's copy of an error the composer shows beside the draft (m.err):
// the root shows it only when this composer is not on screen.
func (m *Model) errStatus(text string, err error) tea.Cmd {
	owner := m.owner()
	return func() tea.Msg { return common.StatusMsg{Text: text, Err: err, ShownBy: owner} }
}

// Update edits the fields, switches them, sends, and learns how the send ended; the list's
// draft mark follows.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.notesOK = false
	_, cmd := m.update(msg)
	m.notesOK = false
	m.markDraft()
	m.fitNotes()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case flavorMsg:
		m.SetDomestic(msg.flavor == api.FlavorDomestic)
		return m, nil
	case attachments.OpenedMsg:
		return m, func() tea.Msg { return common.StatusMsg{Text: msg.Sentence(), Err: msg.Err} }
	case tea.KeyMsg:
		m.note = ""
		if m.confirmDiscard {
			if key.Matches(msg, m.keys.Discard) {
				return m, m.discard()
			}
			m.confirmDiscard = false
			return m, func() tea.Msg { return common.StatusMsg{Text: "Draft kept."} }
		}
	}
	if cmd, ok := m.updateTemplates(msg); ok {
		return m, cmd
	}
	if cmd, ok := m.updateEditor(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case draftRestoredMsg:
		if msg.again {
			return m, m.reloaded(msg)
		}
		return m, m.restored(msg)
	case fileCheckedMsg:
		return m, tea.Batch(m.checked(msg), m.saveIfChanged())
	}
	if cmd, ok := m.updateFiles(msg); ok {
		return m, tea.Batch(cmd, m.saveIfChanged())
	}
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.keys.Back):
			return m, m.back()
		case key.Matches(msg, m.keys.Discard):
			return m, m.askDiscard()
		case key.Matches(msg, m.keys.OpenSale):
			return m, m.openSale()
		case pressed(msg, m.keys.Attach): // disabled when served: it then says why
			return m, m.openPicker(msg.String())
		case key.Matches(msg, m.keys.Template):
			return m, m.OpenTemplates()
		case pressed(msg, m.keys.Editor): // disabled when served: it then says why
			return m, m.openEditor()
		case key.Matches(msg, m.keys.Switch):
			// tab: message → translation → chosen files (when there are any) → message; without
			// a translation field (domestic), message → files.
			if m.domestic {
				if m.files.Len() > 0 {
					m.Blur()
					m.files.Focus()
				}
				return m, nil
			}
			if m.field == FieldTranslation && msg.String() == "tab" && m.files.Len() > 0 {
				m.Blur()
				m.files.Focus()
				m.field = FieldText
				return m, nil
			}
			m.field = 1 - m.field
			return m, m.Focus()
		case key.Matches(msg, m.keys.Send):
			return m, m.send()
		}
	case common.TaskFinishedMsg:
		if msg.Task.Owner != m.owner() {
			return m, nil
		}
		if res, ok := msg.Msg.(SentMsg); ok {
			return m, m.finish(res, msg.Err)
		}
		if res, ok := msg.Msg.(VerifiedMsg); ok {
			return m, m.verified(res, msg.Err)
		}
		if u, ok := msg.Msg.(attachments.UploadedMsg); ok {
			return m, m.uploaded(u, msg.Err)
		}
		return m, nil
	case common.SendStartedMsg, common.SendDoneMsg:
		return m, nil // compose emitted these itself
	case DraftSaveFailedMsg:
		return m, m.saveFailed(msg)

	}
	var cmd tea.Cmd
	if m.field == FieldTranslation {
		m.translated, cmd = m.translated.Update(msg)
	} else {
		m.text, cmd = m.text.Update(msg)
	}
	if r := m.refused; r != nil {
		if d := m.Draft(); d.Text != r.Text || d.TextTranslated != r.TextTranslated {
			m.err, m.refused = "", nil
		}
	}
	return m, tea.Batch(cmd, m.saveIfChanged())
}

// send validates the draft and, if it is acceptable, posts it in the background.
func (m *Model) send() tea.Cmd {
	if m.sending || m.uploading {
		return nil // one send at a time; the first one's answer decides
	}
	if cmd, ok := m.checkBeforeResend(); ok {
		return cmd // the last send may have gone through: look again rather than risk a second copy
	}
	if why := m.agentBlocked(); why != "" {
		m.err = why
		return m.errStatus(why, errAgentBusy)
	}
	req := m.Draft()
	// Files count as content and against the limit before anything is uploaded.
	check := req
	for range m.files.Len() {
		check.Attachments = append(check.Attachments, "file")
	}
	if err := validate(check); err != nil {
		text := api.Explain(err)
		m.err = "Not sent: " + text
		if len(m.Problems()) > 0 {
			m.err = "Not sent: fix what is marked above first."
		}
		m.refused = &req
		return m.errStatus(text, err)
	}
	if m.askFirst() {
		return nil // someone else just replied: the next ctrl+s sends
	}
	if cmd, more := m.uploadNext(); more {
		m.err, m.refused = "", nil
		return cmd // the send goes on when the last upload is done
	}
	req.Attachments, _ = m.files.IDs()
	m.sending, m.err, m.refused = true, "", nil
	m.sendHeard = m.heard
	m.sent++
	m.localID = m.packID + "-" + strconv.Itoa(m.sent)
	m.sendAt = m.c.Now()
	packID, localID, client, now, seller := m.packID, m.localID, m.data, m.sendAt, m.c.Seller
	started := func() tea.Msg {
		return common.SendStartedMsg{PackID: packID, LocalID: localID, Request: req, At: now}
	}
	task := common.RunTask(m.c.Ctx, m.c.NewTask(m.owner(), "Sending reply to pack "+packID),
		func(ctx context.Context) (tea.Msg, error) {
			msg, err := client.SendMessage(ctx, packID, req)
			if err == nil {
				// Only the message just created, by this seller, answers the send; anything
				// else is checked by reading the conversation back.
				err = api.CheckSendAnswer(msg, req, seller, now)
			}
			if err != nil {
				err = fmt.Errorf("send reply to pack %s: %w", packID, err)
			}
			return SentMsg{LocalID: localID, Request: req, Message: msg}, err
		})
	// In sequence, so the conversation shows the pending row before the answer can arrive.
	return tea.Sequence(started, task)
}

// finish ends a send: on success the sent text leaves the draft, on failure everything stays.
func (m *Model) finish(res SentMsg, err error) tea.Cmd {
	if res.LocalID != m.localID {
		return nil
	}
	if err != nil && ambiguous(err) {
		m.unsureReq, m.unsureErr = res.Request, err
		return m.verify(res.LocalID, res.Request, err, false) // still sending until the re-read answers
	}
	m.sending = false
	done := common.SendDoneMsg{PackID: m.packID, LocalID: res.LocalID, Request: res.Request, Message: res.Message, Err: err}
	if err != nil {
		m.err = "Not sent: " + api.Explain(err) + " Your draft is kept; ctrl+s tries again."
		if attachmentsExpired(err) {
			m.files.ForgetIDs() // the next ctrl+s uploads them again
		}
		return func() tea.Msg { return done }
	}
	m.err = ""
	if m.rctx.AgentHandled {
		m.rctx.AgentWaiting = true // the agent answers before the next message may go
	}
	m.rememberSent(res.Message)
	if ids, ok := m.files.IDs(); ok && slices.Equal(ids, res.Request.Attachments) {
		m.files.Clear()
		m.layout()
	}
	// Only what was sent is cleared: anything typed while sending stays.
	if d := m.Draft(); d.Text == res.Request.Text && d.TextTranslated == res.Request.TextTranslated {
		m.text.Reset()
		m.translated.Reset()
		m.field = FieldText
	}
	if m.heard == m.sendHeard { // answered: no other reply came while this one went
		m.elsewhere, m.askSend, m.asked = "", false, false
	}
	return m.draftSent(func() tea.Msg { return done })
}

// SetSize lays the two fields out in the area the root gives compose.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(0, width), max(0, height)
	if m.picker != nil {
		m.picker.SetSize(max(1, width), max(1, height-1))
	}
	if m.tpicker != nil {
		m.tpicker.SetSize(max(1, width), max(1, height-1))
	}
	m.layout()
	m.fitNotes() // the notes wrap anew at the new width
}

// layout sizes the two fields to leave room for the chosen files.
func (m *Model) layout() {
	m.notesOK = false
	width, height := m.width, m.height
	w := max(1, width)
	notes := max(2, m.notesH) // the hint and a problem, or more (fitNotes)
	fixed := 3 + notes        // title, two labels, the notes
	if m.domestic {
		fixed = 2 + notes
	}
	base := height - fixed - m.filesHeight()
	// The context takes what the fields can spare above two lines of message and one of
	// translation.
	spare := base - 3
	if m.domestic {
		spare = base - 2
	}
	m.ctxLines = max(0, min(m.wantContext(), spare))
	avail := max(2, base-m.ctxLines)
	textH := max(1, min(12, avail*2/3))
	trH := max(1, min(6, avail-textH))
	if m.domestic {
		textH, trH = max(1, min(12, avail)), 0
	}
	m.text.SetWidth(w)
	m.text.SetHeight(textH)
	m.translated.SetWidth(w)
	m.translated.SetHeight(trH)
}

// SetTextLimit sets the thread's limit for the message (seller_max_message_length); the
// translation keeps api.MaxTextLength.
func (m *Model) SetTextLimit(n int) { m.maxText, m.notesOK = new(max(n, 0)), false }

// textLimit is the message's limit: the thread's when known, else api.MaxTextLength.
func (m *Model) textLimit() int {
	if m.maxText != nil {
		return *m.maxText
	}
	return api.MaxTextLength
}

// counter is "n/350" (or the thread's limit), highlighted when the text is too long or has
// characters the API refuses.
func (m *Model) counter(s string) (string, bool) {
	return m.counterOf(s, m.textLimit())
}

func (m *Model) counterOf(s string, limit int) (string, bool) {
	n := api.TextLength(s)
	c := strconv.Itoa(n) + "/" + strconv.Itoa(limit)
	bad := n > limit || len(api.UnsupportedRunes(s)) > 0
	if bad {
		return m.c.Styles.Highlight.Render(c), true
	}
	return m.c.Styles.Subtle.Render(c), false
}

// label is a field's title with its counter at the right edge.
func (m *Model) label(title, value string, limit int, focused bool) string {
	counter, _ := m.counterOf(value, limit)
	style := m.c.Styles.Subtle
	if focused {
		style = m.c.Styles.Title
	}
	cw := ansi.StringWidth(counter)
	tw := max(0, m.width-cw-1)
	title = common.Truncate(title, tw)
	gap := max(1, m.width-ansi.StringWidth(title)-cw)
	return style.Render(title) + strings.Repeat(" ", gap) + counter
}

// Problems are the lines that say why the draft cannot be sent as it is, offending characters
// highlighted.
func (m *Model) Problems() []string {
	st := m.c.Styles
	d := m.Draft()
	var out []string
	for _, f := range []struct {
		name, value string
		limit       int
	}{{"Message", d.Text, m.textLimit()}, {"Translation", d.TextTranslated, api.MaxTextLength}} {
		if n := api.TextLength(f.value); n > f.limit {
			out = append(out, st.Error.Render(fmt.Sprintf("%s too long: %d/%d characters, remove %d.", f.name, n, f.limit, n-f.limit)))
		}
		if bad := api.UnsupportedRunes(f.value); len(bad) > 0 {
			parts := make([]string, 0, len(bad))
			for _, r := range bad {
				parts = append(parts, st.Highlight.Render(runeLabel(r)))
			}
			out = append(out, st.Error.Render(f.name+" has characters Mercado Libre does not accept: ")+strings.Join(parts, ", "))
		}
	}
	return append(out, m.placeholderProblems(d)...)
}

// runeLabel shows a rejected character so it can be found: itself when printable, and its code.
func runeLabel(r rune) string {
	code := fmt.Sprintf("U+%04X", r)
	if s := sanitize.Line(string(r)); s != "" && ansi.StringWidth(s) > 0 {
		return s + " (" + code + ")"
	}
	return code
}

// View draws the title, both fields with their counters, the problems and the last error.
func (m *Model) View() string {
	if m.width < 1 || m.height < 1 {
		return ""
	}
	st := m.c.Styles
	title := m.title()
	if m.sending {
		title += " · sending…"
	}
	lines := []string{st.Header.Render(common.Truncate(title, m.width))}
	if m.picker != nil {
		lines = append(lines, strings.Split(m.picker.View(), "\n")...)
		return m.finishView(lines)
	}
	if m.tpicker != nil {
		lines = append(lines, strings.Split(m.tpicker.View(), "\n")...)
		return m.finishView(lines)
	}
	lines = append(lines, m.contextLines(m.ctxLines)...)
	lines = append(lines, m.label("Message", m.Draft().Text, m.textLimit(), m.field == FieldText))
	lines = append(lines, strings.Split(m.text.View(), "\n")...)
	if !m.domestic {
		lines = append(lines, m.label(m.translationTitle(), m.Draft().TextTranslated, api.MaxTextLength, m.field == FieldTranslation))
		lines = append(lines, strings.Split(m.translated.View(), "\n")...)
	}
	lines = append(lines, m.files.Lines(m.c, m.width, m.filesHeight())...)
	return m.finishView(append(lines, m.noteLines()...))
}

// noteLines are the lines under the fields: someone else's reply to this buyer, the problems,
// the last error, the discard question, the moderation warning and the last note, or else the
// hint, wrapped to the width.
func (m *Model) noteLines() []string {
	if m.notesOK {
		return m.notes
	}
	st := m.c.Styles
	notes := append(m.elsewhereLines(), m.Problems()...)
	if m.err != "" {
		notes = append(notes, st.Error.Render(sanitize.Line(m.err)))
	}
	if m.confirmDiscard {
		notes = append([]string{st.Warning.Render("Discard this draft? ctrl+x again discards it; any other key keeps it.")}, notes...)
	}
	if w := m.moderationWarning(); w != "" {
		notes = append(notes, w)
	}
	if m.note != "" {
		notes = append(notes, st.Subtle.Render(m.note))
	}
	if len(notes) == 0 {
		notes = append(notes, st.Subtle.Render(m.hint()))
	}
	var lines []string
	for _, n := range notes {
		lines = append(lines, wrapLine(n, m.width)...)
	}
	m.notes, m.notesOK = lines, true
	return lines
}

// fitNotes gives the fields' lines to the notes when these need more than the two lines the
// layout keeps for them (a long error wrapped at a narrow width, several problems), so the last
// words of an error are never cut off the bottom of the screen.
func (m *Model) fitNotes() {
	if n := max(2, len(m.noteLines())); n != m.notesH {
		m.notesH = n
		m.layout()
	}
}

// finishView cuts or pads the lines to the area and makes each exactly as wide.
func (m *Model) finishView(lines []string) string {
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	for len(lines) < m.height {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = common.Fit(l, m.width, "")
	}
	return strings.Join(lines, "\n")
}

// wrapLine wraps a styled line to width.
func wrapLine(s string, width int) []string {
	return strings.Split(ansi.Wrap(s, max(1, width), ""), "\n")
}
