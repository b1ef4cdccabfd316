package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// The local inbox has no team: the team keys do nothing but say why, and nothing is sent.
func TestLocalInboxTeamKeysSayTheyNeedATeam(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.settleOn("Beatriz Souza")
	for _, k := range []string{"A", "m"} {
		a.keys(k)
		v := a.settleOn("work in a team inbox (postsale serve)")
		if strings.Contains(v, "showing") || strings.Contains(v, "to whom?") {
			t.Errorf("%s in the local inbox changed the list:\n%s", k, v)
		}
		a.keys("j") // the next key takes the sentence down
		a.settle("sentence gone", func(v string) bool { return !strings.Contains(v, "team inbox") })
	}
	a.keys("?")
	if v := a.settleOn("Keys"); strings.Contains(v, "assign") || strings.Contains(v, "team note") {
		t.Errorf("the local help lists team keys:\n%s", v)
	}
	a.keys("?")
	a.openPack(packReadOld)
	for _, k := range []string{"#", "A"} {
		a.keys(k)
		v := a.settleOn("work in a team inbox (postsale serve)")
		if strings.Contains(v, "Team note") || strings.Contains(v, "to whom?") {
			t.Errorf("%s in the local conversation opened a team prompt:\n%s", k, v)
		}
	}
	if n := a.count("POST", "/"); n != 0 {
		t.Errorf("team keys in the local inbox sent %d requests", n)
	}
}

// memTeam is a team in memory: the views' side of the seam, without a server.
type memTeam struct {
	mu       sync.Mutex
	me       string
	assigned map[string]string
	notes    map[string][]common.TeamNote
	typing   map[string][]string
}

func (f *memTeam) Me() string        { return f.me }
func (f *memTeam) Members() []string { return []string{"Ana", "Carla"} }
func (f *memTeam) OnPack(pack string) ([]string, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return nil, f.typing[pack]
}
func (f *memTeam) Assignee(pack string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.assigned[pack]
}
func (f *memTeam) Assign(pack, member string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.assigned[pack] = member
	return nil
}
func (f *memTeam) Notes(pack string) []common.TeamNote {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]common.TeamNote(nil), f.notes[pack]...)
}
func (f *memTeam) AddNote(pack, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notes[pack] = append(f.notes[pack], common.TeamNote{Author: f.me, At: testNow, Text: text})
	return nil
}
func (f *memTeam) SentBy(string) string { return "" }

// Notes sit among the messages in time order, labelled and readable without colour; a note
// typed with escape sequences is drawn clean; the picker assigns from the list.
func TestTeamNotesSitAmongMessagesInTimeOrder(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	team := &memTeam{me: "Ana", assigned: map[string]string{}, typing: map[string][]string{},
		notes: map[string][]common.TeamNote{packReadOld: {{Author: "Carla", At: testNow.Add(-(4*24 + 21) * time.Hour), Text: "invoice resent by mail"}}}}
	e.Common.Team = team
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	a.settleOn("Beatriz Souza", "showing all")

	// Carla is replying to the top row's buyer: the row says so, and `T` warns before writing.
	team.mu.Lock()
	team.typing[packTopUnread] = []string{"Carla"}
	team.mu.Unlock()
	a.tm.Send(common.TeamChangedMsg{})
	a.settleOn("Carla is replying… · ")
	a.keys("T")
	v := a.settleOn("Carla is replying to this buyer — T again to write anyway")
	if strings.Contains(v, "› Reply") {
		t.Fatalf("T opened compose before warning:\n%s", v)
	}
	a.keys("T")
	a.settleOn("› Reply")
	for i := 0; i < 5 && !strings.Contains(a.settleOn("postsale"), "All 17"); i++ {
		a.keys("esc") // the template picker (if any), compose, the conversation
	}
	a.settleOn("All 17")
	// `r` on the list is guarded the same way.
	a.keys("/", packTopUnread, "enter")
	a.settleOn("1 of ")
	a.keys("r")
	v = a.settleOn("Carla is replying to this buyer — r again to write anyway")
	if strings.Contains(v, "› Reply") {
		t.Fatalf("r on the list opened compose before warning:\n%s", v)
	}
	a.keys("r")
	a.settleOn("› Reply")
	for i := 0; i < 5 && !strings.Contains(a.settleOn("postsale"), "All 17"); i++ {
		a.keys("esc")
	}
	a.settleOn("All 17")

	a.openPack(packReadOld)
	v = a.settleOn("invoice resent by mail")
	sent, note, thanks := strings.Index(v, "The invoice is attached"), strings.Index(v, "invoice resent by mail"), strings.Index(v, "muchas gracias")
	if sent < 0 || note < sent || thanks < note {
		t.Fatalf("the note is not between the messages it came between:\n%s", v)
	}
	if !strings.Contains(v, "# Team note · Carla · ") || !strings.Contains(v, "| invoice resent by mail") {
		t.Errorf("the note is not labelled apart from messages:\n%s", v)
	}
	a.keys("#")
	a.settleOn("Team note (only the team sees it")
	a.tm.Type("ring at \x1b[31m9")
	a.keys("enter")
	v = a.settleOn("| ring at [31m9")
	if strings.Contains(v, "\x1b[31m") {
		t.Error("an escape sequence in a note reached the screen")
	}

	a.keys("A")
	a.settleOn("to whom?", "Ana (you)", "nobody (unassign)")
	a.keys("2")
	a.settleOn("→ assigned to Carla")
	a.keys("esc")
	a.settleOn("→ Carla")
	if n := a.count("POST", "/"); n != 0 {
		t.Errorf("notes and assignment sent %d requests to the API", n)
	}
}

// A team note is the team's, not the buyer's: the composer's "buyer's last messages" leave it
// out, whoever wrote it and however new it is.
func TestTeamNotesAreNotBuyerLinesInTheComposer(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	const note = "Ela precisa para sexta 6181"
	team := &memTeam{me: "Ana", assigned: map[string]string{}, typing: map[string][]string{},
		notes: map[string][]common.TeamNote{packTopUnread: {{Author: "Carla", At: testNow.Add(-time.Minute), Text: note}}}}
	e.Common.Team = team
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	a.openPack(packTopUnread)
	a.settleOn(note) // the conversation shows it, as a note
	a.keys("r")
	v := a.settleOn("Reply to Beatriz Souza", "Buyer 14:55 › Vocês emitem nota fiscal?")
	if strings.Contains(v, note) {
		t.Errorf("the composer shows the team note among the buyer's messages:\n%s", v)
	}
}
