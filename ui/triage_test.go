package ui

import (
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/config/seen"
	"github.com/postsale/postsale/ui/uitest"
)

const packLong = "2000004777000111" // 300+ generated messages

// triageApp is the real session (NewSession) at w×h on its own sandbox, with the seen state kept
// in dir ("" keeps it in memory).
func triageApp(t *testing.T, w, h int, dir string, demo bool) *app {
	t.Helper()
	e := uitest.New(t, uitest.At(testNow))
	return triageAppOn(t, e, w, h, dir, demo)
}

func triageAppOn(t *testing.T, e *uitest.Env, w, h int, dir string, demo bool) *app {
	t.Helper()
	o := SessionOptions{Ctx: t.Context(), Data: e.Client, Renderer: uitest.Renderer(termenv.Ascii),
		Width: w, Height: h, Now: func() time.Time { return testNow }, Demo: demo}
	if dir != "" {
		d := seen.NewDir(dir)
		o.Seen = d
		t.Cleanup(d.Close) // runs after the program quits: the last write ends before the folder goes
	}
	m, err := NewSession(o)
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, probed{m}, teatest.WithInitialTermSize(w, h))
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	})
	return &app{t: t, sb: e.Sandbox, client: e.Client, tm: tm}
}

// selectedLine is the list line under the cursor.
func selectedLine(view string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, "▸") {
			return l
		}
	}
	return ""
}

func TestDemoHeaderSaysItIsADemo(t *testing.T) {
	t.Parallel()
	a := triageApp(t, 100, 30, "", true)
	view := a.settleOn("Beatriz Souza")
	if first := strings.Split(view, "\n")[0]; !strings.Contains(first, "postsale · DEMO (sandbox) · NORTHWIND_CBT") {
		t.Fatalf("the header does not say it is a demo: %q", first)
	}
	b := triageApp(t, 100, 30, "", false)
	if first := strings.Split(b.settleOn("Beatriz Souza"), "\n")[0]; strings.Contains(first, "DEMO") {
		t.Fatalf("a real inbox says DEMO: %q", first)
	}
}

// Opening a conversation counts it as seen by the seller: its badge, the "new" count and its
// "● new" marks go, Mercado Libre's read state is untouched, and all of it survives a restart.
func TestOpeningClearsNewAndSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := seenDir(t)
	e := uitest.New(t, uitest.At(testNow))
	a := triageAppOn(t, e, 100, 30, dir, false)
	view := a.settleOn("7 new", "Beatriz Souza")
	if !strings.Contains(selectedLine(view), "Beatriz Souza") || !regexp.MustCompile(`▸ +\d+ Beatriz`).MatchString(view) {
		t.Fatalf("Beatriz is not the selected, badged top row:\n%s", view)
	}
	a.keys("enter")
	view = a.settleOn("Pack " + packTopUnread)
	if !strings.Contains(view, "● new") {
		t.Fatalf("the first opening shows no new messages:\n%s", view)
	}
	a.keys("esc")
	view = a.settleOn("6 new")
	if regexp.MustCompile(`\d+ Beatriz Souza`).MatchString(view) {
		t.Errorf("Beatriz's badge stayed after reading:\n%s", view)
	}
	a.keys("/", "beatriz", "enter", "enter")
	view = a.settleOn("Pack " + packTopUnread)
	if strings.Contains(view, "● new") {
		t.Errorf("the \"● new\" marks stayed after reading:\n%s", view)
	}
	// The server's read state (marketplace: reading never marks read) is untouched.
	if !a.unreadOnServer(packTopUnread) {
		t.Error("opening the conversation changed Mercado Libre's read state")
	}
	// The state is a 0600 file per account, written off the event loop.
	file := seen.NewDir(dir).Path("523132944")
	waitFor(t, "seen file", func() bool {
		b, err := os.ReadFile(file)
		return err == nil && strings.Contains(string(b), packTopUnread)
	})
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("seen file %v, %v: want 0600", fi, err)
	}
	// A restart on the same data reads it back.
	b := triageAppOn(t, e, 100, 30, dir, false)
	view = b.settleOn("6 new", "Beatriz Souza")
	if regexp.MustCompile(`\d+ Beatriz Souza`).MatchString(view) {
		t.Errorf("after a restart Beatriz is new again:\n%s", view)
	}
}

// seenDir is a folder for the seen state (the store is closed before it goes: triageAppOn).
func seenDir(t *testing.T) string { return t.TempDir() }

// waitFor polls cond (a file written by a command) until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: never happened", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var waitingAge = regexp.MustCompile(`waiting (\d+)([mhdy])`)

func ageMinutes(n, unit string) int {
	v := 0
	for _, c := range n {
		v = v*10 + int(c-'0')
	}
	switch unit {
	case "h":
		v *= 60
	case "d":
		v *= 60 * 24
	case "y":
		v *= 60 * 24 * 365
	}
	return v
}

// Sections: tabs with counts; "Needs reply" shows the longest-waiting buyer first, with the wait;
// keys 1-4 and tab switch; goldens at 80×24 and 40×12.
func TestSectionsCountAndOrder(t *testing.T) {
	t.Parallel()
	for _, size := range []struct{ w, h int }{{80, 24}, {40, 12}} {
		t.Run(strconv.Itoa(size.w)+"x"+strconv.Itoa(size.h), func(t *testing.T) {
			a := triageApp(t, size.w, size.h, "", false)
			a.settleOn("[All 17]")
			a.keys("1")
			view := a.settle("needs reply", func(v string) bool { return strings.Contains(v, "[Needs reply") || strings.Contains(v, "[Reply") })
			ages := waitingAge.FindAllStringSubmatch(view, -1)
			if len(ages) == 0 {
				t.Fatalf("no wait shown in Needs reply:\n%s", view)
			}
			for i := 1; i < len(ages); i++ {
				if ageMinutes(ages[i-1][1], ages[i-1][2]) < ageMinutes(ages[i][1], ages[i][2]) {
					t.Errorf("Needs reply is not longest-waiting first: %v before %v\n%s", ages[i-1][0], ages[i][0], view)
				}
			}
			golden.RequireEqual(t, []byte(view))
			a.keys("tab")
			a.settle("waiting for buyer", func(v string) bool { return strings.Contains(v, "[Waiting") })
			a.keys("3")
			view = a.settle("blocked", func(v string) bool { return strings.Contains(v, "[Blocked") })
			if size.w == 80 && !strings.Contains(view, "blocked") {
				t.Errorf("the Blocked section shows no blocked row:\n%s", view)
			}
			a.keys("shift+tab", "shift+tab", "shift+tab")
			a.settle("all", func(v string) bool { return strings.Contains(v, "[All 17]") })
		})
	}
}

// `d` takes a conversation out of "Needs reply" (kept with the seen state); n/N jump between
// conversations needing a reply from the list and from a conversation.
func TestDoneAndNextNeedingReply(t *testing.T) {
	t.Parallel()
	dir := seenDir(t)
	a := triageApp(t, 100, 30, dir, false)
	a.settleOn("7 new")
	a.keys("1")
	view := a.settle("needs reply", func(v string) bool { return strings.Contains(v, "[Needs reply") })
	count := regexp.MustCompile(`\[Needs reply (\d+)\]`)
	before := count.FindStringSubmatch(view)[1]
	first := selectedLine(view)
	a.keys("d")
	view = a.settle("done", func(v string) bool {
		m := count.FindStringSubmatch(v)
		return m != nil && m[1] != before && strings.Contains(v, "Done: out of Needs reply")
	})
	buyer := strings.Fields(strings.TrimPrefix(strings.TrimSpace(first), "▸"))
	if len(buyer) > 0 && strings.Contains(view, first) {
		t.Errorf("the done row is still in Needs reply:\n%s", view)
	}
	waitFor(t, "done saved", func() bool {
		b, err := os.ReadFile(seen.NewDir(dir).Path("523132944"))
		return err == nil && strings.Contains(string(b), "done_at")
	})

	// n from the list, in All, lands on the longest-waiting conversation needing a reply.
	a.keys("4")
	a.settle("all", func(v string) bool { return strings.Contains(v, "[All 17]") })
	a.keys("n")
	view = a.settle("n in the list", func(v string) bool { return !strings.Contains(selectedLine(v), "Beatriz Souza") })
	picked := selectedLine(view)
	// From a conversation, n opens the next one and N comes back.
	a.keys("enter")
	view = a.settleOn("Conversations › Pack")
	here := packOf(view)
	a.keys("n")
	view = a.settle("n in a conversation", func(v string) bool { return packOf(v) != "" && packOf(v) != here })
	a.keys("N")
	a.settle("N back", func(v string) bool { return packOf(v) == here })
	_ = picked
}

var crumbPack = regexp.MustCompile(`Conversations › Pack (\d+)`)

func packOf(view string) string {
	m := crumbPack.FindStringSubmatch(view)
	if m == nil {
		return ""
	}
	return m[1]
}

// `r` on a row replies to it directly; after the reply, the list's cursor is where the seller
// was working, not on the row that moved away.
func TestReplyFromRowKeepsTheCursorInPlace(t *testing.T) {
	t.Parallel()
	a := triageApp(t, 100, 30, "", false)
	a.settleOn("7 new")
	a.keys("1")
	a.settle("needs reply", func(v string) bool { return strings.Contains(v, "[Needs reply") })
	a.keys("j")
	view := a.settle("second row", func(v string) bool { return strings.Contains(v, "▸") })
	lines := strings.Split(view, "\n")
	var at int
	for i, l := range lines {
		if strings.Contains(l, "▸") {
			at = i
		}
	}
	below := lines[at+2] // the next row's first line (rows are two lines)
	a.keys("r")
	view = a.settleOn("· pack ")
	a.keys("On its way today.", "ctrl+s")
	a.settle("sent", func(v string) bool { return strings.Contains(v, "Message sent.") })
	a.keys("esc")
	view = a.settle("back on the list", func(v string) bool { return strings.Contains(v, "[Needs reply") })
	sel := selectedLine(view)
	if strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sel), "▸")) != strings.TrimSpace(below) {
		t.Errorf("after the reply the cursor is on %q, want the row that was below, %q\n%s", sel, below, view)
	}
}

// `g` goes to the conversation's real beginning, loading every older page, and says where it is.
func TestTopGoesToTheRealBeginning(t *testing.T) {
	t.Parallel()
	a := triageApp(t, 100, 30, "", false)
	a.settleOn("7 new")
	a.keys("/", packLong, "enter", "enter")
	view := a.settleOn("Pack "+packLong, "message ")
	total := regexp.MustCompile(`message (\d+) of (\d+)`).FindStringSubmatch(view)
	if total == nil || total[1] == "1" {
		t.Fatalf("no position, or already at the first message:\n%s", view)
	}
	a.keys("g")
	view = a.settleOn("beginning of the conversation", "message 1 of "+total[2])
	if !strings.Contains(view, "message 1 of "+total[2]) {
		t.Fatalf("g did not reach message 1:\n%s", view)
	}
}

// The filter ignores accents and case and matches every loaded message, not only the last.
func TestFilterIgnoresAccentsAndSearchesLoadedMessages(t *testing.T) {
	t.Parallel()
	a := triageApp(t, 100, 30, "", false)
	a.settleOn("7 new")
	a.keys("/", "LUCIA PEREZ")
	view := a.settleOn("Ana Lucía Pérez", "1 of 17")
	_ = view
	a.keys("esc")
	a.settleOn("[All 17]")
	// A word of Ana's first message (her newest says something else) matches once her
	// conversation was loaded.
	a.keys("/", "AUDIFONOS")
	a.settleOn("No match")
	a.keys("esc", "/", "ana luc", "enter", "enter")
	a.settleOn("Pack 2000004512345671", "audífonos")
	a.keys("esc", "esc")
	a.settleOn("[All 17]")
	a.keys("/", "AUDIFONOS")
	a.settleOn("Ana Lucía Pérez", "1 of 17")

	// Inside a section the filter counts what the section holds, and says which section.
	a.keys("esc", "1")
	a.settleOn("[Needs reply 9]")
	a.keys("/", "lucia")
	a.settleOn("Ana Lucía Pérez", "1 of 9 in Needs reply")
}

// A token from MELI_ACCESS_TOKEN that Mercado Libre refuses is named as the problem: logging in
// cannot help while the variable is set.
func TestRefusedEnvironmentTokenNamesTheVariable(t *testing.T) {
	t.Parallel()
	refuse := func(*sandbox.Server) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"message":"invalid access token","error":"not_found","status":401,"cause":[]}`))
		})
	}
	e := uitest.New(t, uitest.At(testNow), uitest.Behind(refuse))
	m, err := NewSession(SessionOptions{Ctx: t.Context(), Data: e.Client, Renderer: uitest.Renderer(termenv.Ascii),
		Width: 100, Height: 30, TokenVar: "MELI_ACCESS_TOKEN"})
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	uitest.WaitFor(t, tm, "MELI_ACCESS_TOKEN: unset it")
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if v := m.View(); strings.Contains(v, "log in again") {
		t.Errorf("the inbox still says to log in again:\n%s", v)
	}
}
