package serve

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/postsale/postsale/api/store"
)

var newCountRe = regexp.MustCompile(`· (\d+) new`)

// lastNewCount is the latest "· N new" the session drew (-1 when none yet).
func lastNewCount(tm *term) int {
	all := newCountRe.FindAllStringSubmatch(tm.screen(), -1)
	if len(all) == 0 {
		return -1
	}
	n, _ := strconv.Atoi(all[len(all)-1][1])
	return n
}

// oneSeenLess connects base, who never opened anything, for the baseline "· N new", then seen,
// who opened one conversation in an earlier session: their new session counts one less.
func oneSeenLess(t *testing.T, r *rig, base, seen member) {
	t.Helper()
	c := connect(t, r.addr, base, nil)
	c.waitFor(demoBuyer)
	waitUntil(t, func() bool { return lastNewCount(c) > 0 }, "the baseline's new count", c)
	want := lastNewCount(c) - 1
	s := connect(t, r.addr, seen, nil)
	s.waitFor(demoBuyer)
	if want == 0 {
		waitUntil(t, func() bool { return lastNewCount(s) == -1 && strings.Contains(s.screen(), demoBuyer) }, "no new count", s)
	} else {
		s.waitFor("· " + strconv.Itoa(want) + " new")
	}
}

// A served seller's triage (which conversations they opened) is kept per member on the server:
// it is written under their folder and a new session of theirs starts with it.
func TestSeenStateSurvivesAReconnect(t *testing.T) {
	bruno, carla := newMember(t, "Bruno"), newMember(t, "Carla")
	r := startRig(t, rigOptions{members: []member{bruno, carla}})
	b := connect(t, r.addr, bruno, nil)
	b.waitFor(demoBuyer)
	openBuyer(b, "Ana Lu")

	dir := filepath.Join(r.dataDir, "members", "Bruno", "seen")
	saved := func() bool {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			if strings.Contains(string(data), `"seen_at"`) {
				return true
			}
		}
		return false
	}
	waitUntil(t, saved, "Bruno's seen state written under his folder", b)
	b.close()

	oneSeenLess(t, r, carla, bruno)
	if _, err := os.Stat(filepath.Join(r.dataDir, "members", "Carla", "seen")); err == nil {
		entries, _ := os.ReadDir(filepath.Join(r.dataDir, "members", "Carla", "seen"))
		if len(entries) > 0 {
			t.Errorf("Carla opened nothing but has seen state: %v", entries)
		}
	}
}

// With the account's store, a member's triage is kept in it (no file under their folder), apart
// from the others', and a new session of theirs starts with it.
func TestSeenStateInTheStoreSurvivesAReconnect(t *testing.T) {
	bruno, carla := newMember(t, "Bruno"), newMember(t, "Carla")
	dir := t.TempDir()
	tune, opened := withStore(t, filepath.Join(dir, "store.db"))
	r := startRig(t, rigOptions{members: []member{bruno, carla}, dataDir: dir, tune: tune})
	b := connect(t, r.addr, bruno, nil)
	b.waitFor(demoBuyer)
	openBuyer(b, "Ana Lu")
	inStore := func() bool {
		marks, err := opened().SeenMarks(context.Background(), "Bruno")
		return err == nil && len(marks) > 0
	}
	waitUntil(t, inStore, "Bruno's seen state in the store", b)
	b.close()
	if entries, _ := os.ReadDir(filepath.Join(dir, "members", "Bruno", "seen")); len(entries) > 0 {
		t.Errorf("a seen file was written beside the store: %v", entries)
	}
	oneSeenLess(t, r, carla, bruno)
	if marks, _ := opened().SeenMarks(context.Background(), "Carla"); len(marks) != 0 {
		t.Errorf("Carla opened nothing but has marks: %+v", marks)
	}
}

// A buyer message shown in a member's open conversation is seen by that member alone: their
// mark counts it (so back in their list it is not new), while a teammate who never opened the
// conversation still has it new.
func TestMessagesShownWhileOpenAreSeenByThatMemberOnly(t *testing.T) {
	const (
		anaPack = "2000004512345671" // Ana Lucía Pérez, two unread buyer messages
		text    = "Alguém pode me responder hoje?"
	)
	bruno, carla := newMember(t, "Bruno"), newMember(t, "Carla")
	dir := t.TempDir()
	tune, opened := withStore(t, filepath.Join(dir, "store.db"))
	r := startRig(t, rigOptions{members: []member{bruno, carla}, dataDir: dir, tune: tune})
	mark := func(who string) store.SeenMark {
		marks, err := opened().SeenMarks(context.Background(), who)
		if err != nil {
			t.Fatal(err)
		}
		return marks[anaPack]
	}
	c := connect(t, r.addr, carla, nil)
	c.waitFor("whole history") // every conversation stored: the count is the whole inbox's
	waitUntil(t, func() bool { return lastNewCount(c) > 0 }, "Carla's new count", c)
	base := lastNewCount(c) // Ana's conversation among them
	b := connect(t, r.addr, bruno, nil)
	b.waitFor(demoBuyer)
	openBuyer(b, "Ana Lu")
	waitUntil(t, func() bool { return mark("Bruno").Unread == 2 }, "Bruno's mark on opening", b)
	if _, err := r.sb.BuyerWrites(anaPack, text); err != nil {
		t.Fatal(err)
	}
	m := b.mark()
	b.send("R")
	b.waitFrom(m, text)
	waitUntil(t, func() bool { return mark("Bruno").Unread == 3 }, "Bruno's mark counting the message shown", b)

	m = b.mark()
	b.send("\x1b") // back to the list, filtered to Ana: her row has the message once it is synced
	b.waitFrom(m, "esc clear filter")
	b.waitFrom(m, text)
	m = b.mark()
	b.send("\x1b") // the filter goes: the title counts the new conversations
	b.waitFrom(m, "· "+strconv.Itoa(base-1)+" new")
	if mk := mark("Bruno"); mk.Unread != 3 {
		t.Errorf("back in the list, Bruno's mark is %+v", mk)
	}
	if mk := mark("Carla"); mk != (store.SeenMark{}) {
		t.Errorf("Carla opened nothing, yet has a mark on Ana: %+v", mk)
	}
}
