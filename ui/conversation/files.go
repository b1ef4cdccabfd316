package conversation

import (
	"slices"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/attachments"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
)

// files is the conversation's attachment and link state: which attachment is selected, the
// downloads in flight, and the question or menu on screen.
type files struct {
	focus    bool
	sel      string // the selected attachment's id (its stored file name): stable across pages
	busy     map[string]bool
	progress map[string]attachments.ProgressMsg
	failed   map[string]bool
	confirm  *attachments.Confirm
	menu     *attachments.LinkMenu
	copy     *attachments.CopyMenu // y's menu (copy.go)
}

// startFetchMsg starts a download once the seller confirmed (or nothing needed confirming).
type startFetchMsg struct {
	att  api.Attachment
	save bool
}

// attRef is one attachment of a loaded message.
type attRef struct {
	entry int
	att   api.Attachment
}

// attachmentRefs lists the attachments of the loaded messages, oldest first.
// The slice is shared until the entries change: callers only read it.
func (m *Model) attachmentRefs() []attRef { return m.derive().refs }

// selected returns the selected attachment and its place in attachmentRefs.
func (m *Model) selected() (attRef, int, bool) {
	refs := m.attachmentRefs()
	for i, r := range refs {
		if r.att.Filename == m.files.sel {
			return r, i, true
		}
	}
	return attRef{}, -1, false
}

// Typing is true while a question or the link menu waits for an answer, so q, R and ? answer it
// rather than quit, refresh or open help.
func (m *Model) Typing() bool {
	return m.files.confirm != nil || m.files.menu != nil || m.files.copy != nil || m.teamTyping()
}

// AttachmentsFocused reports whether the keys act on attachments.
func (m *Model) AttachmentsFocused() bool { return m.files.focus }

// focusAttachments selects the newest attachment (or keeps the selection) and shows it.
func (m *Model) focusAttachments(step int) tea.Cmd {
	refs := m.attachmentRefs()
	if len(refs) == 0 {
		m.files.focus = false
		m.syncFileKeys()
		return status("There are no attachments in the loaded messages.", nil)
	}
	_, at, ok := m.selected()
	switch {
	case !ok:
		at = len(refs) - 1
	case m.files.focus:
		at = (at + step + len(refs)) % len(refs)
	}
	m.files.focus = true
	m.files.sel = refs[at].att.Filename
	m.syncFileKeys()
	m.decorate()
	m.reveal(refs[at].entry)
	return nil
}

// leaveAttachments returns the keys to scrolling.
func (m *Model) leaveAttachments() {
	m.files.focus = false
	m.syncFileKeys()
	m.decorate()
}

// syncFileKeys enables the keys that apply, so help stays honest: a and tab only when the loaded
// messages have attachments, o only when they have links (or an attachment is selected).
func (m *Model) syncFileKeys() {
	hasAtt := len(m.attachmentRefs()) > 0
	m.keys.Attachments.SetEnabled(hasAtt)
	m.keys.NextAttachment.SetEnabled(hasAtt)
	m.keys.Open.SetEnabled(m.files.focus || hasAtt || m.hasLinks())
	m.keys.Save.SetEnabled(hasAtt)
	m.keys.PrevAttachment.SetEnabled(m.files.focus)
	if m.files.focus {
		common.Relabel(&m.keys.Open, "open attachment")
		common.Relabel(&m.keys.NextAttachment, "next attachment")
		common.Relabel(&m.keys.Back, "leave attachments")
	} else {
		if m.hasLinks() {
			common.Relabel(&m.keys.Open, "links")
		} else {
			common.Relabel(&m.keys.Open, "open attachment")
		}
		common.Relabel(&m.keys.NextAttachment, "attachments")
		common.Relabel(&m.keys.Back, "back")
	}
}

// hasLinks reports whether any loaded message (or one being sent) holds a link.
func (m *Model) hasLinks() bool {
	return slices.ContainsFunc(m.entries, func(e *entry) bool { return e.hasLinks(m.links) })
}

// actOnAttachment opens (save false) or saves the selected attachment, asking first when
// Mercado Libre flagged it. With none selected it acts on the newest one, selecting it so the
// seller sees which file it was.
func (m *Model) actOnAttachment(save bool) tea.Cmd {
	ref, _, ok := m.selected()
	if !ok || !m.files.focus {
		m.files.sel = "" // the newest, not one chosen earlier and left
		if cmd := m.focusAttachments(0); !m.files.focus {
			return cmd // there are none
		}
		if ref, _, ok = m.selected(); !ok {
			return nil
		}
	}
	a := ref.att
	if m.files.busy[a.Filename] {
		return status("Already downloading "+displayName(a)+".", nil)
	}
	start := common.Own(m.owner(), func() tea.Msg { return startFetchMsg{att: a, save: save} })
	if attach.NeedsConfirmation(a) {
		q := "Open it anyway?"
		if save {
			q = "Save it anyway?"
		}
		m.files.confirm = attachments.NewConfirm(attach.ThreatWarning(a), q, start)
		return nil
	}
	return start
}

// startFetch begins the download of a confirmed attachment.
func (m *Model) startFetch(f startFetchMsg) tea.Cmd {
	if m.files.busy == nil {
		m.files.busy = map[string]bool{}
		m.files.progress = map[string]attachments.ProgressMsg{}
		m.files.failed = map[string]bool{}
	}
	a := f.att
	m.files.busy[a.Filename] = true
	delete(m.files.failed, a.Filename)
	delete(m.files.progress, a.Filename)
	m.decorate()
	site := m.site
	if site == "" {
		site = sanitize.Line(m.c.Site)
	}
	return attachments.Fetch(m.c, m.src, m.owner(), site, a, m.c.CacheDir, m.c.DownloadsDir, f.save)
}

// fetched ends a download: saved files are reported, fetched ones opened.
func (m *Model) fetched(f attachments.FetchedMsg, err error) tea.Cmd {
	delete(m.files.busy, f.Key)
	delete(m.files.progress, f.Key)
	if err != nil {
		m.files.failed[f.Key] = true
		m.decorate()
		return status(attachments.FetchError(err), err)
	}
	m.decorate()
	if f.Save {
		if m.c.SavedHint != nil {
			return savedOnServer(m.c.Opener, sanitize.Line(m.c.SavedHint(f.Path)))
		}
		return status("Saved to "+sanitize.Line(f.Path)+".", nil)
	}
	return common.Own(m.owner(), attachments.OpenFile(m.c.Opener, f.Path))
}

// linksOnScreen reports whether o has links to offer; without any it opens the newest
// attachment instead (a photo beside no link is what the seller means).
func (m *Model) linksOnScreen() bool {
	return len(m.screenLinks()) > 0 || len(m.attachmentRefs()) == 0
}

// showLinks offers the links of the messages on screen as a numbered menu.
func (m *Model) showLinks() tea.Cmd {
	links := m.screenLinks()
	if len(links) == 0 {
		return status("There are no links in the messages on screen.", nil)
	}
	m.files.menu = attachments.NewLinkMenu(links)
	return nil
}

// screenLinks are the distinct links of the messages on screen, in the mode shown.
func (m *Model) screenLinks() []open.Link {
	var links []open.Link
	seen := map[string]bool{}
	for _, i := range m.visibleEntries() {
		e := m.entries[i]
		texts := []string{e.msg.Text}
		switch m.mode {
		case ModeTranslated:
			texts = []string{e.msg.TextTranslated, e.msg.Text}
		case ModeBoth:
			texts = append(texts, e.msg.TextTranslated)
		}
		for _, t := range texts {
			for _, l := range m.links.ParseLinks(t) {
				if !seen[l.URL] {
					seen[l.URL] = true
					links = append(links, l)
				}
			}
		}
	}
	return links
}

// visibleEntries are the indexes of the entries with at least one line on screen.
func (m *Model) visibleEntries() []int {
	if m.width < 1 {
		return nil
	}
	body := m.bodyHeight()
	var out []int
	line := 1
	for i, e := range m.entries {
		n := m.heightOf(e)
		if line+n > m.top && line < m.top+body {
			out = append(out, i)
		}
		line += n
	}
	return out
}

// reveal scrolls so entry i is on screen (its end, where attachments are listed).
func (m *Model) reveal(i int) {
	if m.width < 1 || i < 0 || i >= len(m.entries) {
		return
	}
	start, end := m.span(i)
	body := m.bodyHeight()
	switch {
	case end > m.top+body:
		m.top = end - body
	case start < m.top:
		m.top = start
	default:
		return
	}
	m.follow = false
	m.clamp()
	if m.top >= m.maxTop() {
		m.follow = true
	}
}

// decorate marks the selected attachment and transfer notes on the entries, re-rendering only
// the ones whose marks changed.
func (m *Model) decorate() {
	for _, e := range m.entries {
		sel := 0
		notes := make([]string, len(e.msg.Attachments))
		for j, a := range e.msg.Attachments {
			if m.files.focus && a.Filename != "" && a.Filename == m.files.sel {
				sel = j + 1
			}
			notes[j] = m.note(a.Filename)
		}
		if sel != e.selAtt || !slices.Equal(notes, e.attNotes) {
			e.selAtt, e.attNotes = sel, notes
			e.invalidate()
		}
	}
	m.clamp()
}

// note is what an attachment's line says about its transfer.
func (m *Model) note(id string) string {
	switch {
	case id == "":
		return ""
	case m.files.busy[id]:
		if p, ok := m.files.progress[id]; ok && p.Done > 0 {
			return "downloading " + p.String()
		}
		return "downloading…"
	case m.files.failed[id]:
		return "download failed: press o or s to retry"
	}
	return ""
}

// handleFilesKey gives keys to the question, the menu or the attachment keys first; it
// reports whether it used the key.
func (m *Model) handleFilesKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	if c := m.files.confirm; c != nil {
		m.files.confirm = nil
		if cmd, yes := c.HandleKey(msg); yes {
			return cmd, true
		}
		return status("Cancelled: nothing was opened or saved.", nil), true
	}
	if menu := m.files.menu; menu != nil {
		link, chosen, done := menu.HandleKey(msg)
		if done {
			m.files.menu = nil
		}
		if chosen {
			return common.Own(m.owner(), attachments.OpenURL(m.c.Opener, link.URL)), true
		}
		return nil, true
	}
	if cmd, ok := m.handleCopyKey(msg); ok {
		return cmd, true
	}
	switch {
	case key.Matches(msg, m.keys.Attachments):
		return m.focusAttachments(0), true
	case key.Matches(msg, m.keys.NextAttachment):
		return m.focusAttachments(1), true
	case key.Matches(msg, m.keys.PrevAttachment):
		return m.focusAttachments(-1), true
	case key.Matches(msg, m.keys.Open):
		if m.files.focus || !m.linksOnScreen() {
			return m.actOnAttachment(false), true
		}
		return m.showLinks(), true
	case key.Matches(msg, m.keys.Save):
		return m.actOnAttachment(true), true
	case m.files.focus && key.Matches(msg, m.keys.Back):
		m.leaveAttachments()
		return nil, true
	// Disabled (help does not offer them): say why instead of doing nothing.
	case !m.files.focus && (slices.Contains(m.keys.Attachments.Keys(), msg.String()) ||
		slices.Contains(m.keys.NextAttachment.Keys(), msg.String())):
		return status("There are no attachments in the loaded messages.", nil), true
	case !m.files.focus && slices.Contains(m.keys.Open.Keys(), msg.String()):
		return status("There are no links in the loaded messages.", nil), true
	}
	return nil, false
}

// updateFiles handles the messages of downloads and opening; ok is false for other messages.
func (m *Model) updateFiles(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case startFetchMsg:
		return m.startFetch(msg), true
	case attachments.ProgressMsg:
		if !m.files.busy[msg.Key] {
			return nil, true
		}
		m.files.progress[msg.Key] = msg
		m.decorate()
		return msg.Next(), true
	case attachments.OpenedMsg:
		return status(msg.Sentence(), msg.Err), true
	}
	return nil, false
}

// overlayLines is the question or menu drawn over the bottom of the conversation.
func (m *Model) overlayLines() []string {
	if ov := m.teamOverlay(); ov != nil {
		return ov
	}
	switch {
	case m.files.confirm != nil:
		return m.files.confirm.Lines(m.c, m.width)
	case m.files.menu != nil:
		return m.files.menu.Lines(m.c, m.width)
	case m.files.copy != nil:
		return m.files.copy.Lines(m.c, m.width)
	}
	return nil
}

// attachmentCount says how many attachments the loaded messages carry, for the header.
func (m *Model) attachmentCount() string {
	if !m.files.focus {
		return ""
	}
	n := len(m.attachmentRefs())
	if n == 0 {
		return ""
	}
	if _, at, ok := m.selected(); ok && m.files.focus {
		return "attachment " + strconv.Itoa(at+1) + "/" + strconv.Itoa(n)
	}
	return ""
}

func displayName(a api.Attachment) string {
	if n := sanitize.Line(a.OriginalFilename); n != "" {
		return n
	}
	return sanitize.Line(a.Filename)
}

// savedOnServer says how to fetch a file saved on the server and copies that command to the
// seller's own clipboard (OSC 52, as links are over SSH): a long name does not fit the status
// line, and the command is what they paste next.
func savedOnServer(o *open.Opener, command string) tea.Cmd {
	return func() tea.Msg {
		if o != nil && o.Copy(command) == nil {
			return common.StatusMsg{Text: "Saved on the server; copied to your clipboard: " + command}
		}
		return common.StatusMsg{Text: "Saved on the server; fetch it with: " + command}
	}
}

func status(text string, err error) tea.Cmd {
	return func() tea.Msg { return common.StatusMsg{Text: text, Err: err} }
}
