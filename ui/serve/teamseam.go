package serve

import (
	"fmt"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

// teamSeam is one session's common.Team: the views read and write the Hub through it without
// importing this package. It is built per session (its Me is the session's member).
type teamSeam struct {
	conn *Conn
	team func() *Team // the team file as last read (ReloadTeam may replace it)
}

var _ common.Team = (*teamSeam)(nil)

// NewTeam is conn's view of the team for a session's inbox.
func NewTeam(conn *Conn, team func() *Team) common.Team {
	return &teamSeam{conn: conn, team: team}
}

func (t *teamSeam) Me() string { return t.conn.Member() }

func (t *teamSeam) Members() []string {
	if tm := t.team(); tm != nil {
		return tm.Names()
	}
	return []string{t.conn.Member()}
}

// OnPack names the member's own other sessions common.OtherSession, first.
func (t *teamSeam) OnPack(pack string) (viewing, typing []string) {
	return t.conn.OnPack(pack, common.OtherSession)
}

func (t *teamSeam) Assignee(pack string) string {
	a, _ := t.conn.hub.Assignee(pack)
	return a.Member
}

func (t *teamSeam) Assign(pack, member string) error {
	if member != "" {
		if tm := t.team(); tm == nil || !tm.Has(member) {
			return fmt.Errorf("%s is not in the team file", sanitize.Line(member))
		}
	}
	return t.conn.Assign(pack, member)
}

func (t *teamSeam) Notes(pack string) []common.TeamNote {
	notes := t.conn.hub.Notes(pack)
	out := make([]common.TeamNote, len(notes))
	for i, n := range notes {
		out[i] = common.TeamNote{Author: n.Author, At: n.At, Text: n.Text}
	}
	return out
}

func (t *teamSeam) AddNote(pack, text string) error {
	_, err := t.conn.AddNote(pack, sanitize.String(text))
	return err
}

func (t *teamSeam) SentBy(messageID string) string {
	r, _ := t.conn.hub.SentBy(messageID)
	return r.Member
}
