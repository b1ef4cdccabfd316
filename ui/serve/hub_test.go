package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAssignmentsNotesAndSentBySurviveARestart(t *testing.T) {
	ana, bruno := newMember(t, "Ana"), newMember(t, "Bruno")
	dir := t.TempDir()
	r1 := startRig(t, rigOptions{members: []member{ana, bruno}, dataDir: dir})
	c, err := r1.srv.Hub().Join("Ana", "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Assign("2000004411223300", "Bruno"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddNote("2000004411223300", "call the courier before noon"); err != nil {
		t.Fatal(err)
	}
	c.Sent("2000004411223300", "msg-1", "Obrigado")
	c.Leave()
	if err := r1.srv.Close(); err != nil {
		t.Fatal(err)
	}

	r2 := startRig(t, rigOptions{members: []member{ana, bruno}, dataDir: dir})
	h := r2.srv.Hub()
	if a, ok := h.Assignee("2000004411223300"); !ok || a.Member != "Bruno" || a.By != "Ana" {
		t.Errorf("assignment after restart = %+v %v, want Bruno by Ana", a, ok)
	}
	if n := h.Notes("2000004411223300"); len(n) != 1 || n[0].Author != "Ana" || n[0].Text != "call the courier before noon" {
		t.Errorf("notes after restart = %+v", n)
	}
	if s, ok := h.SentBy("msg-1"); !ok || s.Member != "Ana" {
		t.Errorf("sent-by after restart = %+v %v", s, ok)
	}
	if !h.Keep(FilterMine, "Bruno", "2000004411223300") || h.Keep(FilterMine, "Ana", "2000004411223300") ||
		h.Keep(FilterUnassigned, "Ana", "2000004411223300") || !h.Keep(FilterUnassigned, "Ana", "2000004522334455") {
		t.Error("the mine/unassigned filters disagree with the assignment")
	}
	fi, err := os.Stat(filepath.Join(dir, "team-state.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("state file: %v %v, want mode 0600", fi, err)
	}
	audit, _ := os.ReadFile(filepath.Join(dir, "audit.jsonl"))
	if strings.Contains(string(audit), "courier") {
		t.Error("the audit log holds a note's text")
	}
	state, _ := os.ReadFile(filepath.Join(dir, "team-state.json"))
	if strings.Contains(string(audit), "Obrigado") || strings.Contains(string(state), "Obrigado") {
		t.Error("a sent reply's text, told to the other sessions, was written to the audit log or the state file")
	}
	if !strings.Contains(string(audit), `"event":"assign"`) || !strings.Contains(string(audit), `"assignee":"Bruno"`) {
		t.Errorf("the audit log lacks the assignment:\n%s", audit)
	}
}

func TestHubPresenceTypingAndCaps(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	h, err := NewHub(HubOptions{MaxPerMember: 1, MaxTotal: 2, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	a, err := h.Join("Ana", "x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Join("Ana", "y"); err != ErrTooManyForMember {
		t.Errorf("second Ana session: %v, want ErrTooManyForMember", err)
	}
	b, err := h.Join("Bruno", "z")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Join("Carla", "w"); err != ErrTooManySessions {
		t.Errorf("third session: %v, want ErrTooManySessions", err)
	}
	if msg := (<-chanOf(a)); fmt.Sprintf("%T", msg) != "serve.PresenceMsg" {
		t.Errorf("Ana got %T when Bruno joined, want PresenceMsg", msg)
	}
	b.Open("P1")
	b.Typing("P1")
	viewing, typing := a.OnPack("P1", "")
	if len(viewing) != 1 || viewing[0] != "Bruno" || len(typing) != 1 || typing[0] != "Bruno" {
		t.Errorf("OnPack = %v, %v; want Bruno viewing and typing", viewing, typing)
	}
	b.Sent("P1", "m1", "Gracias")
	if _, typing := a.OnPack("P1", ""); len(typing) != 0 {
		t.Errorf("still typing after the send: %v", typing)
	}
	// Ana's queue holds, in order, Bruno's open, typing, and the send.
	var got []string
	for {
		select {
		case m := <-chanOf(a):
			got = append(got, fmt.Sprintf("%T", m))
			continue
		default:
		}
		break
	}
	sort.Strings(got)
	if !strings.Contains(strings.Join(got, ","), "serve.TeammateSentMsg") {
		t.Errorf("Ana's events = %v, want a TeammateSentMsg", got)
	}
	b.Leave()
	if ps := a.Presence(); len(ps) != 1 || !ps[0].Self {
		t.Errorf("presence after Bruno left = %+v", ps)
	}
	if msg := b.Wait()(); msg != nil {
		t.Errorf("Wait after Leave = %T, want nil", msg)
	}
}

// chanOf reads a Conn's queue directly (the test is in the package).
func chanOf(c *Conn) <-chan any {
	out := make(chan any, 1)
	select {
	case m := <-c.events:
		out <- m
	default:
	}
	return out
}

func TestTeamFileErrorsAreOneSentence(t *testing.T) {
	m := newMember(t, "Ana")
	good := teamTOML(m)
	cases := map[string]string{
		"[[member]]\nname = \"Ana\"\nkeys = [\"ssh-ed25519 AAAA\"": "line 3",
		// The line with the mistake, though the parser stops on the next one.
		"[[member]\nname = \"Ana\"\n":                          "team.toml, line 1: expected end of table array name",
		"# the team\n\n[[member]\nname = \"Ana\"\n":            "team.toml, line 3: ",
		"[[member]]\nname = \"Ana\"\nkeys = [\"not a key\"]\n": "not an authorized_keys line",
		"[[member]]\nname = \"Ana\"\n":                         "has no keys",
		"":                                                     "lists no [[member]]",
		good + good:                                            "listed twice",
		"[[member]]\nname = \"Ana\"\nkey = []\n":               "unknown key",
		"[[member]]\nname = \"../x\"\nkeys = []\n":             "may not contain",
		// Not for a slash they do not have: a name is a folder's, and these two name others.
		"[[member]]\nname = \".\"\nkeys = []\n":    `member name "." cannot be used: each member's drafts and downloads are kept in a folder named after them, and "." would be the folder holding every member's folder`,
		"[[member]]\nname = \" .. \"\nkeys = []\n": `member name ".." cannot be used: each member's drafts and downloads are kept in a folder named after them, and ".." would be the server's own data folder`,
		// Options postsale would not enforce: refused, never ignored.
		strings.Replace(good, `keys = ["`, `keys = ["from=\"10.9.9.9\",no-pty `, 1):                                            `member "Ana" starts with authorized_keys options (from, no-pty), which postsale does not support: remove them`,
		strings.Replace(good, `keys = ["`, `keys = ["command=\"/bin/true\" `, 1):                                               `options (command)`,
		strings.Replace(good, `"]`, `\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPaMVr0G5nZOzv4PeWlsXJG4TWyUEBnmT6jDgAzHkBfI"]`, 1): "more than one key",
	}
	for in, want := range cases {
		_, err := ParseTeam("/etc/team.toml", []byte(in))
		if err == nil {
			t.Errorf("%q parsed, want an error with %q", in, want)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, want) || !strings.Contains(msg, "/etc/team.toml") || strings.Contains(msg, "\n") {
			t.Errorf("error for %q = %q, want one line naming the file and saying %q", in, msg, want)
		}
	}
	team, err := ParseTeam("t", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if name, ok := team.Lookup(m.signer.PublicKey()); !ok || name != "Ana" {
		t.Errorf("Lookup = %q %v", name, ok)
	}
}

// testClock is a clock a test moves on by hand (safe for the server's goroutines).
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// A reply open on a pack counts as replying however long the seller pauses: an hour later the
// others, and a session joining then, still see it. Only a stop on that pack (sent, discarded,
// compose left), opening another pack or leaving ends it.
func TestReplyingLastsUntilSentDiscardedOrLeft(t *testing.T) {
	clk := &testClock{now: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	h, err := NewHub(HubOptions{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	join := func(name string) *Conn {
		t.Helper()
		c, err := h.Join(name, "x")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	replying := func(c *Conn, pack string) []string { _, typing := c.OnPack(pack, ""); return typing }
	a, b := join("Ana"), join("Bruno")
	b.Open("P1")
	b.Typing("P1")
	clk.advance(time.Hour)
	if got := replying(a, "P1"); !slices.Equal(got, []string{"Bruno"}) {
		t.Errorf("an hour into Bruno's reply, Ana sees %v replying; want Bruno", got)
	}
	if got := replying(join("Carla"), "P1"); !slices.Equal(got, []string{"Bruno"}) {
		t.Errorf("Carla, joining an hour into Bruno's reply, sees %v replying; want Bruno", got)
	}
	b.StopTyping("P2")
	if got := replying(a, "P1"); len(got) != 1 {
		t.Errorf("a stop on another pack ended Bruno's reply on P1: %v", got)
	}
	b.StopTyping("P1")
	if got := replying(a, "P1"); len(got) != 0 {
		t.Errorf("after the stop Ana still sees %v replying", got)
	}
	b.Typing("P1")
	b.Open("P2")
	if got := replying(a, "P1"); len(got) != 0 {
		t.Errorf("after Bruno opened another pack Ana still sees %v replying", got)
	}
	b.Open("P1")
	b.Typing("P1")
	b.Leave()
	if got := replying(a, "P1"); len(got) != 0 {
		t.Errorf("after Bruno left Ana still sees %v replying", got)
	}
}
