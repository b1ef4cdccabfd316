package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

const (
	headerLines = 1
	footerLines = 2 // status line + short help
)

// contentSize is the area the active view draws in.
func (m *Model) contentSize() (int, int) {
	return max(m.width, 0), max(m.height-headerLines-footerLines, 0)
}

func (m *Model) resize() {
	w, h := m.contentSize()
	m.help.Width = max(m.width, 0)
	m.list.SetSize(w, h)
	if m.conv != nil {
		m.conv.SetSize(w, h)
	}
	if m.search != nil {
		m.search.SetSize(w, h)
	}
	for _, cm := range m.composes {
		cm.SetSize(w, h)
	}
}

// View draws the header, the active view (or the help overlay) and the status bar, exactly
// width×height cells.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	w, h := m.contentSize()
	lines := m.frame.screen.Next(m.height)
	lines = append(lines, m.headerLine())
	var content string
	if m.showHelp {
		content = m.helpOverlay()
	} else if h > 0 {
		content = m.activeComponent().View()
	}
	status := m.statusLines(w, h)
	if h > 0 {
		body := m.fitBody(content, w, h)
		// A long notice (a saved file's path, a URL over SSH) covers the bottom of the view until
		// the next key rather than being cut: the seller may need all of it.
		lines = append(lines, body[:h-(len(status)-1)]...)
	}
	for _, l := range status {
		lines = append(lines, common.Fit(l, w, "…"))
	}
	lines = append(lines, m.shortHelp())
	// Tiny windows (status is one line there): the header and status line win over content and help.
	if len(lines) > m.height {
		lines = append(lines[:m.height-1], lines[len(lines)-2])
		if m.height == 1 {
			lines = lines[:1]
		}
	}
	lines[0] = common.Fit(lines[0], w, "…")
	return m.frame.screen.Join(lines)
}

// frameCache keeps what the last frame computed that most frames repeat: a spinner tick
// redraws the whole screen ten times a second while the view and the help stay the same.
type frameCache struct {
	content string
	width   int
	height  int
	body    []string // content split into h lines, each fitted to width

	help      []key.Binding
	helpWidth int
	helpLine  string

	headerKey headerKey
	header    string
	headerOK  bool

	statusKey statusKey
	status    string
	statusOK  bool

	screen common.JoinCache // the whole frame
}

// fitBody is content as h lines of exactly w cells, from the cache when the view drew the same.
func (m *Model) fitBody(content string, w, h int) []string {
	fc := &m.frame
	if fc.body != nil && fc.content == content && fc.width == w && fc.height == h {
		return fc.body
	}
	body := strings.Split(content, "\n")
	for len(body) < h {
		body = append(body, "")
	}
	body = body[:h]
	for i, l := range body {
		body[i] = common.Fit(l, w, "…")
	}
	fc.content, fc.width, fc.height, fc.body = content, w, h, body
	return body
}

func (m *Model) headerLine() string {
	pack := ""
	if m.conv != nil {
		pack = m.conv.PackID()
	}
	key := headerKey{styles: m.c.Styles, demo: m.demo, account: m.c.Account, seller: m.c.Seller,
		site: m.c.Site, pack: pack, active: m.active, help: m.showHelp, width: m.width}
	fc := &m.frame
	if fc.headerOK && fc.headerKey == key {
		return fc.header
	}
	fc.headerKey, fc.header, fc.headerOK = key, m.drawHeaderLine(), true
	return fc.header
}

func (m *Model) drawHeaderLine() string {
	st := m.c.Styles
	left := st.Header.Render("postsale")
	if m.demo {
		left += st.Subtle.Render(" · ") + st.Warning.Render("DEMO (sandbox)")
	}
	if m.c.Account != "" {
		left += st.Subtle.Render(" · ") + st.Title.Render(sanitize.Line(m.c.Account))
	} else if m.c.Seller != "" {
		left += st.Subtle.Render(" · seller " + sanitize.Line(m.c.Seller))
	}
	if m.c.Site != "" {
		left += st.Subtle.Render(" · " + sanitize.Line(m.c.Site))
	}
	var crumb string
	pack := ""
	if m.conv != nil {
		pack = sanitize.Line(m.conv.PackID())
	}
	switch {
	case m.showHelp:
		crumb = "Help"
	case m.active == viewConversation && m.conv != nil:
		crumb = "Conversations › Pack " + pack
	case m.active == viewCompose && m.conv != nil:
		crumb = "Conversations › Pack " + pack + " › Reply"
	case m.active == viewSearch:
		crumb = "Conversations › Search"
	default:
		crumb = "Conversations"
	}
	return spread(left, st.Subtle.Render(crumb), m.width)
}

// statusLine: spinner and task label while loading, else the last error or notice; the active
// view's note on the right.
func (m *Model) statusLine() string {
	key := statusKey{styles: m.c.Styles, errText: m.errText, info: m.info, notice: m.startNoticeText(), conn: m.connNote(), width: m.width}
	tasks := m.c.Tasks.InFlight()
	if len(tasks) > 0 {
		// Only the spinner's frame changes from one tick to the next.
		key.tasks, key.spinner, key.label, key.more = true, m.spinner.View(), tasks[0].Label, len(tasks)-1
	}
	if s, ok := m.activeComponent().(common.Statuser); ok && !m.showHelp {
		key.right, key.hasRight = s.Status(), true
	}
	fc := &m.frame
	if fc.statusOK && fc.statusKey == key {
		return fc.status
	}
	fc.statusKey, fc.status, fc.statusOK = key, m.drawStatusLine(key), true
	return fc.status
}

// drawStatusLine styles the status line of k (see statusLine): offline or rate limited, the
// start's notice, the last error, then the spinner and its task or the last notice.
func (m *Model) drawStatusLine(k statusKey) string {
	st := m.c.Styles
	var parts []string
	// Offline or rate limited stays said until an answer comes back, whatever else happens.
	if k.conn != "" {
		parts = append(parts, st.Error.Render(k.conn))
	}
	// The start's notice (a store set aside) stays until a key, whatever the tasks say meanwhile:
	// it is said once, while a failed request's error comes back with every retry.
	if k.notice != "" {
		parts = append(parts, st.Warning.Render(k.notice))
	}
	// An error is the one thing the seller must read: it keeps the line even over the spinner.
	if k.errText != "" {
		parts = append(parts, st.Error.Render(k.errText))
	}
	switch {
	case k.tasks:
		label := sanitize.Line(k.label) // labels carry ids from the API
		if n := k.more; n > 0 {
			label += " (+" + strconv.Itoa(n) + " more)"
		}
		parts = append(parts, k.spinner+" "+st.Subtle.Render(label+"…"))
	case k.errText == "" && k.info != "":
		parts = append(parts, st.Success.Render(k.info))
	}
	var right string
	if k.hasRight {
		right = st.Subtle.Render(k.right)
	}
	return spread(strings.Join(parts, "  "), right, m.width)
}

// startNoticeText is the start's notice as it reads now: offline, worded for a store rebuilt
// only once Mercado Libre can be reached.
func (m *Model) startNoticeText() string {
	if m.conn == connOffline && m.offlineNotice != "" {
		return m.offlineNotice
	}
	return m.startNotice
}

// statusLines is the status line, wrapped onto up to four lines when it does not fit in width and
// the content area (h lines) is tall enough to give some up. The start's notice, said once until
// a key, may take all but three of the content's lines: it names a file the seller may need.
func (m *Model) statusLines(width, h int) []string {
	line := m.statusLine()
	if width <= 0 || ansi.StringWidth(line) <= width || h < 8 {
		return []string{line}
	}
	most := 4
	if m.startNoticeText() != "" {
		most = max(most, h-3)
	}
	wrapped := strings.Split(common.Wrap(strings.TrimRight(line, " "), width, " /"), "\n")
	if len(wrapped) > most {
		wrapped = wrapped[:most]
	}
	return wrapped
}

func (m *Model) shortHelp() string {
	active := m.activeComponent()
	global := m.keys.shortHelp()
	if t, ok := active.(common.Typer); ok && t.Typing() {
		global = m.keys.typingHelp() // q, R and ? are letters in a text field
	}
	own := active.ShortHelp()
	if m.showHelp {
		own, global = []key.Binding{m.keys.CloseHelp, m.keys.Quit}, nil
	}
	fc := &m.frame
	if fc.helpLine != "" && fc.helpWidth == m.width && len(fc.help) == len(own)+len(global) &&
		sameBindings(fc.help[:len(own)], own) && sameBindings(fc.help[len(own):], global) {
		return fc.helpLine
	}
	bindings := append(append([]key.Binding{}, own...), global...)
	fc.help, fc.helpWidth = bindings, m.width
	fc.helpLine = common.Fit(m.help.ShortHelpView(bindings), max(m.width, 0), "…")
	return fc.helpLine
}

// sameBindings reports whether two help lines would read the same.
func sameBindings(a, b []key.Binding) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Enabled() != b[i].Enabled() || a[i].Help() != b[i].Help() {
			return false
		}
	}
	return true
}

// spread puts left and right on one line of width cells, right-aligned, left winning on overflow.
func spread(left, right string, width int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if right == "" || lw+2+rw > width {
		return left
	}
	return left + strings.Repeat(" ", width-lw-rw) + right
}
