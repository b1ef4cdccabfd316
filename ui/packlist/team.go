package packlist

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

// team is the list's part of a served team inbox: the mine/unassigned/all filter, the assign
// picker, and what each row shows of the team. Without a team (the local inbox) it stays empty
// and the list draws exactly as for one person.
type team struct {
	keys   common.TeamKeys
	filter common.TeamFilter
	picker *common.MemberPicker
	gen    int    // bumped by every team event: rows read the Team again when drawn
	armed  string // the key and pack ("T 2000001") last warned about a teammate replying
}

// rowTeam is what a row shows of the team, read at gen.
type rowTeam struct {
	gen      int
	assignee string
	presence string
}

// teamOf reads the team's view of r once per team event.
func (m *Model) teamOf(r *row) rowTeam {
	t := m.c.Team
	if t == nil {
		return rowTeam{}
	}
	if r.team.gen == m.team.gen && r.teamRead {
		return r.team
	}
	r.team = rowTeam{gen: m.team.gen, assignee: sanitize.Line(t.Assignee(r.PackID)), presence: common.PresenceText(t, r.PackID)}
	r.teamRead = true
	return r.team
}

// teamChanged: presence, an assignment or a note changed somewhere.
func (m *Model) teamChanged() {
	m.team.gen++
	if m.team.filter != common.FilterAll {
		m.applyFilter(m.Selected())
	}
}

// handleTeamKey takes the picker's keys and the team keys; ok is false for any other key.
func (m *Model) handleTeamKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	t := m.c.Team
	if p := m.team.picker; p != nil {
		member, chosen, done := p.HandleKey(msg)
		if done {
			m.team.picker = nil
		}
		if chosen {
			return common.TeamCmd(p.Pack, "Could not assign pack "+p.Pack, func() error { return t.Assign(p.Pack, member) }), true
		}
		return nil, true
	}
	k := m.team.keys
	if t == nil {
		if k.Pressed(msg, k.Assign) || k.Pressed(msg, k.Filter) {
			return status(common.TeamOnly), true
		}
		return nil, false
	}
	if !key.Matches(msg, m.keys.Template) && !key.Matches(msg, m.keys.Reply) {
		m.team.armed = ""
	}
	switch {
	case key.Matches(msg, k.Filter):
		m.team.filter = m.team.filter.Next()
		m.applyFilter(m.Selected())
		return nil, true
	case key.Matches(msg, k.Assign):
		if pack := m.Selected(); pack != "" {
			m.team.picker = common.NewMemberPicker(t, pack)
		}
		return nil, true
	}
	return nil, false
}

// replyGuard is the collision guard of the list's `r` and `T` (again names the key): when a
// teammate, or the person's other session, is replying to the pack, the first press warns and
// the second of the same key writes anyway.
func (m *Model) replyGuard(pack, again string) tea.Cmd {
	warn := common.ReplyingText(m.c.Team, pack, again)
	armed := again + " " + pack
	if warn == "" || m.team.armed == armed {
		m.team.armed = ""
		return nil
	}
	m.team.armed = armed
	return status(warn)
}

func status(text string) tea.Cmd {
	return func() tea.Msg { return common.StatusMsg{Text: text} }
}

// teamTitle is the filter's words in the title, from the most to the fewest: with the key that
// changes it, without it, and what a narrow title keeps ("" without a team). A filter that keeps
// some rows is always said; "showing all" (nothing filtered) is the first thing a narrow title
// gives up.
func (m *Model) teamTitle() [3]string {
	if m.c.Team == nil {
		return [3]string{}
	}
	if m.team.filter == common.FilterAll {
		return [3]string{" · showing all (m: mine, unassigned)", " · showing all", ""}
	}
	s := fmt.Sprintf(" · showing %s (%d of %d)", m.team.filter, len(m.visible), m.sectionRows)
	return [3]string{s, s, s}
}
