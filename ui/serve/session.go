package serve

import (
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/postsale/postsale/ui/common"
)

// teamLines is the height of the team bar drawn above the inbox.
const teamLines = 1

// idleCheckMsg is the idle timer's tick.
type idleCheckMsg struct{}

// endedMsg: the server ends this session (a removed key, a stopping server).
type endedMsg struct{}

// sessionModel wraps one person's inbox: it reports where the person is to the Hub (open pack,
// typing, sends), refreshes the open conversation when a teammate sends on it, draws a team bar
// with who else is connected, and ends the session after IdleTimeout without a key.
type sessionModel struct {
	inner tea.Model
	conn  *Conn
	now   func() time.Time
	idle  time.Duration
	check time.Duration

	bar    lipgloss.Style
	you    lipgloss.Style
	mate   lipgloss.Style
	width  int
	height int

	pack      string // the pack open ("" = the list)
	composing bool
	lastKey   time.Time
	idledOut  bool

	// ended is closed when the server ends the session (sessionState.end); gone when the
	// connection is (then nothing waits on ended any longer).
	ended, gone <-chan struct{}
}

func newSessionModel(inner tea.Model, conn *Conn, r *lipgloss.Renderer, idle time.Duration, now func() time.Time) *sessionModel {
	st := common.DefaultStyles(r)
	check := min(idle/4, time.Minute)
	if check <= 0 {
		check = time.Minute
	}
	return &sessionModel{
		inner: inner, conn: conn, now: now, idle: idle, check: check,
		bar: st.StatusBar, you: st.Title, mate: st.Header,
		lastKey: now(),
	}
}

func (m *sessionModel) Init() tea.Cmd {
	return tea.Batch(m.inner.Init(), m.conn.Wait(), m.idleTick(), m.waitEnded())
}

// waitEnded yields endedMsg once the server ends the session.
func (m *sessionModel) waitEnded() tea.Cmd {
	if m.ended == nil {
		return nil
	}
	ended, gone := m.ended, m.gone
	return func() tea.Msg {
		select {
		case <-ended:
			return endedMsg{}
		case <-gone:
			return nil
		}
	}
}

func (m *sessionModel) idleTick() tea.Cmd {
	if m.idle <= 0 {
		return nil
	}
	return tea.Tick(m.check, func(time.Time) tea.Msg { return idleCheckMsg{} })
}

func (m *sessionModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, m.forward(tea.WindowSizeMsg{Width: msg.Width, Height: max(msg.Height-teamLines, 0)})
	case tea.KeyMsg:
		m.lastKey = m.now()
		// Bubble Tea's key parser hands every program the same rune slice for a space, and the
		// text fields sanitise runes in place: two people typing a space at once wrote to one
		// array from two sessions. Each inbox gets its own copy.
		msg.Runes = slices.Clone(msg.Runes)
		// After the inbox has the key: keys typed in one read ("rhola") open compose and type
		// into it within this one message. A key in a composer whose draft was discarded makes
		// it a reply being written again.
		cmd := m.forward(msg)
		if m.composing && m.pack != "" {
			m.conn.Typing(m.pack)
		}
		return m, cmd
	case idleCheckMsg:
		if m.idle > 0 && m.now().Sub(m.lastKey) >= m.idle {
			m.idledOut = true
			_ = m.FlushDrafts()
			return m, tea.Quit
		}
		return m, m.idleTick()
	case endedMsg:
		// Quitting restores the terminal; the gate then says why and whether drafts were saved.
		_ = m.FlushDrafts()
		return m, tea.Quit
	case common.SendDoneMsg:
		if msg.Err == nil {
			id, text := "", msg.Request.Text
			if msg.Message != nil {
				id = msg.Message.ID
				if msg.Message.Text != "" {
					text = msg.Message.Text
				}
			}
			// Recording writes the state file: off the Update loop. The teammates hear of it
			// from the Hub; this session redraws its own "sent by" when the record is kept.
			conn, pack := m.conn, msg.PackID
			m.conn.StopTyping(pack)
			recorded := func() tea.Msg {
				conn.Sent(pack, id, text)
				return common.TeamChangedMsg{Pack: pack}
			}
			return m, tea.Batch(m.forward(msg), recorded)
		}
	case common.DraftDiscardedMsg:
		// Discarding ends the reply (a key typed into the empty composer starts one again), and
		// the person's other sessions, which share the drafts folder, drop what they hold of it.
		m.conn.StopTyping(msg.PackID)
		if msg.Err == nil {
			m.conn.Discarded(msg.PackID)
		}
		return m, m.forward(msg)
	case PresenceMsg:
		// The team bar reads the Hub when drawn; the views re-read who is on which pack.
		return m, tea.Batch(m.conn.Wait(), m.forward(common.TeamChangedMsg{Presence: true}))
	case AssignedMsg:
		return m, tea.Batch(m.conn.Wait(), m.forward(common.TeamChangedMsg{Pack: msg.PackID}))
	case NoteAddedMsg:
		return m, tea.Batch(m.conn.Wait(), m.forward(common.TeamChangedMsg{Pack: msg.PackID}))
	case TeammateSentMsg:
		cmds := []tea.Cmd{m.conn.Wait(), m.forward(common.TeamChangedMsg{Pack: msg.PackID})}
		m.conn.hub.debug("teammate sent", "pack", msg.PackID, "open", m.pack, "member", m.conn.member)
		if msg.PackID == m.pack && m.pack != "" {
			// The teammate's reply shows at once, not at the next poll.
			cmds = append(cmds, m.forward(common.RefreshMsg{}))
		}
		// A composer on the pack says so and asks before sending a second answer; the same
		// person's other session also took the draft they share.
		cmds = append(cmds, m.forward(common.ReplySentElsewhereMsg{
			Pack: msg.PackID, Member: msg.Member, Text: msg.Text, Own: msg.Member == m.conn.Member(),
		}))
		return m, tea.Batch(cmds...)
	case DraftDiscardedMsg:
		return m, tea.Batch(m.conn.Wait(), m.forward(common.DraftDiscardedElsewhereMsg{Pack: msg.PackID}))
	}
	return m, m.forward(msg)
}

func (m *sessionModel) forward(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	m.followPlace()
	return cmd
}

// placer is the inbox's report of where its person is (ui.Model.Place).
type placer interface {
	Place() (pack string, composing bool)
}

// followPlace tells the Hub when the person opened, left or started replying to a pack: views
// switch inside the inbox's Update (keys typed in one read reach the view they opened), so the
// wrapper asks where the person is after each message instead of watching navigation go past.
func (m *sessionModel) followPlace() {
	p, ok := m.inner.(placer)
	if !ok {
		return
	}
	pack, composing := p.Place()
	if pack == m.pack && composing == m.composing {
		return
	}
	if m.composing && (!composing || pack != m.pack) {
		m.conn.StopTyping(m.pack)
	}
	if pack != m.pack {
		m.conn.Open(pack)
	}
	if composing && pack != "" {
		// A composer open on the pack counts as replying until it is sent, discarded or
		// left, however long the seller pauses (Conn.Typing never lapses).
		m.conn.Typing(pack)
	}
	m.pack, m.composing = pack, composing
}

func (m *sessionModel) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	inner := m.inner.View()
	if m.height <= teamLines {
		return common.Fit(m.teamBar(), m.width, "…")
	}
	return common.Fit(m.teamBar(), m.width, "…") + "\n" + inner
}

// teamBar: "Team · Ana (you) · Bruno on 2000009876 · Carla replying on 2000001111".
func (m *sessionModel) teamBar() string {
	var b strings.Builder
	b.WriteString(m.bar.Render("Team ·"))
	b.WriteString(" " + m.you.Render(m.conn.Member()+" (you)"))
	others := 0
	for _, p := range teammatePlaces(m.conn.Presence(), m.conn.Member()) {
		others++
		b.WriteString(m.bar.Render(" · ") + m.mate.Render(p.Member) + m.bar.Render(p.Where))
	}
	if others == 0 {
		b.WriteString(m.bar.Render(" · nobody else connected"))
	}
	return b.String()
}

// FlushDrafts writes the inner inbox's pending drafts (after the program ended).
func (m *sessionModel) FlushDrafts() error {
	if f, ok := m.inner.(interface{ FlushDrafts() error }); ok {
		return f.FlushDrafts()
	}
	return nil
}
