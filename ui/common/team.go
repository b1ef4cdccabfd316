package common

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api/sanitize"
)

// Team is what a view sees of the people sharing this inbox (a served team inbox, `postsale
// serve`): who else has a pack open or is replying to it, who a pack is assigned to, the team's
// internal notes and who sent which message. Common.Team is nil in the local inbox, which then
// looks and behaves exactly as for one person. Reads are cheap and safe from View; Assign and
// AddNote may write to disk, so views call them from commands (TeamCmd).
type Team interface {
	// Me is the person at this terminal.
	Me() string
	// Members are the team's names, in the team file's order.
	Members() []string
	// OnPack lists the other members with pack open and those writing a reply to it.
	OnPack(pack string) (viewing, typing []string)
	// Assignee is who pack is assigned to ("" = nobody).
	Assignee(pack string) string
	// Assign gives pack to member ("" unassigns); member must be one of Members.
	Assign(pack, member string) error
	// Notes are pack's internal notes, oldest first.
	Notes(pack string) []TeamNote
	// AddNote adds an internal note to pack, written by Me. It never reaches Mercado Libre.
	AddNote(pack, text string) error
	// SentBy is the member who sent messageID from the team inbox ("" = unknown).
	SentBy(messageID string) string
}

// TeamNote is one internal note: seen by the team only.
type TeamNote struct {
	Author string
	At     time.Time
	Text   string
}

// TeamChangedMsg tells the views that presence, an assignment, a note or a sent-by record
// changed (Pack when known, "" for anything). The root hands it to the list and the open
// conversation, which read the Team again. Presence says only who is where changed (someone
// connected, left, opened a pack, started or stopped replying): no note or message to redraw.
type TeamChangedMsg struct {
	Pack     string
	Presence bool
}

// ReplySentElsewhereMsg tells the views that someone else sent a reply on Pack: a teammate
// (Member), or, Own, this person's other session, which shares this session's drafts folder, so
// the pack's draft is gone from it. Text is what was sent (someone else's words: sanitise it
// before display). The root hands it to the pack's composer, which says so and asks before its
// next send.
type ReplySentElsewhereMsg struct {
	Pack, Member, Text string
	Own                bool
}

// DraftDiscardedElsewhereMsg tells the views that this person's other session discarded Pack's
// draft: the drafts folder they share no longer holds it.
type DraftDiscardedElsewhereMsg struct{ Pack string }

// TeamFilter is the list's assignment filter, cycled by a key.
type TeamFilter int

// The filters: every pack, those assigned to me, those assigned to nobody.
const (
	FilterAll TeamFilter = iota
	FilterMine
	FilterUnassigned
)

func (f TeamFilter) String() string {
	switch f {
	case FilterMine:
		return "mine"
	case FilterUnassigned:
		return "unassigned"
	}
	return "all"
}

// Next is the filter after f.
func (f TeamFilter) Next() TeamFilter { return (f + 1) % 3 }

// KeepPack reports whether pack passes f (everything passes without a team).
func KeepPack(t Team, f TeamFilter, pack string) bool {
	if t == nil || f == FilterAll {
		return true
	}
	who := t.Assignee(pack)
	if f == FilterMine {
		return who != "" && who == t.Me()
	}
	return who == ""
}

// TeamCmd runs a Team write (Assign, AddNote) off the Update loop; a failure comes back as a
// StatusMsg error sentence, success as a TeamChangedMsg for pack.
func TeamCmd(pack, what string, write func() error) tea.Cmd {
	return func() tea.Msg {
		if err := write(); err != nil {
			return StatusMsg{Text: what + ": " + sanitize.Line(err.Error()), Err: err}
		}
		return TeamChangedMsg{Pack: pack}
	}
}

// Names joins names for a sentence: "Ana", "Ana and Bruno", "Ana, Bruno and Carla".
func Names(names []string) string {
	clean := make([]string, 0, len(names))
	for _, n := range names {
		clean = append(clean, sanitize.Line(n))
	}
	switch len(clean) {
	case 0:
		return ""
	case 1:
		return clean[0]
	}
	return strings.Join(clean[:len(clean)-1], ", ") + " and " + clean[len(clean)-1]
}

// OtherSession stands in Team.OnPack's lists for the seller's own other sessions (the same
// person connected twice). It is always first, so it starts the sentences below.
const OtherSession = "Your other session"

// PresenceText says who else is on pack: "Bruno is replying… · Ana has it open"; "" when nobody.
func PresenceText(t Team, pack string) string {
	if t == nil {
		return ""
	}
	viewing, typing := t.OnPack(pack)
	var parts []string
	if len(typing) > 0 {
		verb := " is replying…"
		if len(typing) > 1 {
			verb = " are replying…"
		}
		parts = append(parts, Names(typing)+verb)
	}
	var only []string
	for _, v := range viewing {
		if !contains(typing, v) {
			only = append(only, v)
		}
	}
	if len(only) > 0 {
		verb := " has it open"
		if len(only) > 1 {
			verb = " have it open"
		}
		parts = append(parts, Names(only)+verb)
	}
	return strings.Join(parts, " · ")
}

// ReplyingText is the collision warning before writing to pack ("" when nobody else replies).
func ReplyingText(t Team, pack, again string) string {
	if t == nil {
		return ""
	}
	_, typing := t.OnPack(pack)
	if len(typing) == 0 {
		return ""
	}
	verb := " is replying"
	if len(typing) > 1 {
		verb = " are replying"
	}
	warn := Names(typing) + verb + " to this buyer — " + again + " again to write anyway"
	if typing[0] == OtherSession {
		warn += " (both sessions keep one draft: the later save wins)"
	}
	return warn
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TeamOnly is the sentence for a team key pressed in the local inbox.
const TeamOnly = "Assigning, notes and the mine/unassigned filter work in a team inbox (postsale serve); this inbox is yours alone."

// TeamKeys are the team bindings of the list and the conversation; disabled without a team.
type TeamKeys struct {
	Assign key.Binding
	Filter key.Binding
	Note   key.Binding
}

// NewTeamKeys builds the team bindings, enabled only when there is a team.
func NewTeamKeys(team bool) TeamKeys {
	k := TeamKeys{
		Assign: key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "assign")),
		Filter: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mine/unassigned/all")),
		Note:   key.NewBinding(key.WithKeys("#"), key.WithHelp("#", "team note")),
	}
	for _, b := range []*key.Binding{&k.Assign, &k.Filter, &k.Note} {
		b.SetEnabled(team)
	}
	return k
}

// Pressed reports whether msg is one of the team keys even while they are disabled (the local
// inbox then says why instead of doing nothing).
func (k TeamKeys) Pressed(msg tea.KeyMsg, b key.Binding) bool {
	s := msg.String()
	for _, want := range b.Keys() {
		if s == want {
			return true
		}
	}
	return false
}
