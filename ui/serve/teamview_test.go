package serve

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Presence, "is replying…" and the collision guard, through the views: two people on one pack.
func TestTeamPresenceAndCollisionGuardInTheViews(t *testing.T) {
	bruno, carla := newMember(t, "Bruno"), newMember(t, "Carla")
	r := startRig(t, rigOptions{members: []member{bruno, carla}})
	b := connect(t, r.addr, bruno, nil)
	c := connect(t, r.addr, carla, nil)
	b.waitFor(demoBuyer)
	c.waitFor(demoBuyer)

	// Carla opens the conversation: Bruno's row for it says so.
	m := b.mark()
	openBuyer(c, "Ana Lu")
	b.waitFrom(m, "Carla has it open")

	// Bruno opens it too: Carla's header says he has it open.
	m = c.mark()
	openBuyer(b, "Ana Lu")
	c.waitFrom(m, "Bruno has it open")

	// Carla starts a reply: Bruno's header says she is replying.
	m = b.mark()
	cm := c.mark()
	c.send("r")
	c.waitFrom(cm, "ctrl+s")
	c.send("Un momento")
	b.waitFrom(m, "Carla is replying…")

	// Bruno's `r` warns first; `r` again opens his compose anyway.
	m = b.mark()
	b.send("r")
	b.waitFrom(m, "Carla is replying to this buyer — r again to write anyway")
	m = b.mark()
	b.send("r")
	b.waitFrom(m, "ctrl+s")

	// Carla leaves compose: "replying" ends on Bruno's list row once he is back on the list.
	m = b.mark()
	c.send("\x1b")
	b.send("\x1b")
	b.send("\x1b")
	b.waitFrom(m, "Carla has it open")
	assertNoToken(t, r, b, c)
}

// One person connected twice keeps one set of drafts: each session says when the other has the
// conversation open or is replying to it, and the guard warns before a second reply.
func TestOwnOtherSessionIsShownAndGuarded(t *testing.T) {
	bruno := newMember(t, "Bruno")
	r := startRig(t, rigOptions{members: []member{bruno}})
	b1 := connect(t, r.addr, bruno, nil)
	b1.waitFor(demoBuyer)
	b2 := connect(t, r.addr, bruno, nil)
	b2.waitFor(demoBuyer)

	m := b2.mark()
	openBuyer(b1, "Ana Lu")
	b2.waitFrom(m, "Your other session has it open")

	m = b2.mark()
	m1 := b1.mark()
	b1.send("r")
	b1.waitFrom(m1, "ctrl+s")
	b1.send("Un momento")
	openBuyer(b2, "Ana Lu")
	b2.waitFrom(m, "Your other session is replying…")

	m = b2.mark()
	b2.send("r")
	b2.waitFrom(m, "Your other session is replying to this buyer")
	// The warning wraps on the status lines: read its words across the line break.
	waitUntil(t, func() bool {
		words := strings.Join(strings.Fields(ansi.Strip(b2.rawBytes()[m:])), " ")
		return strings.Contains(words, "both sessions keep one draft: the later save wins")
	}, "the warning says both sessions keep one draft", b2)
	m = b2.mark()
	b2.send("r")
	b2.waitFrom(m, "ctrl+s")
	assertNoToken(t, r, b1, b2)
}

// Assignment from the conversation's picker shows on the other's row and drives the
// mine/unassigned filter; a note reaches the other at once and never the API; a teammate's
// send says "sent by"; assignment and notes survive a restart.
func TestTeamAssignmentFilterNotesAndSentBy(t *testing.T) {
	bruno, carla := newMember(t, "Bruno"), newMember(t, "Carla")
	dir := t.TempDir()
	r := startRig(t, rigOptions{members: []member{bruno, carla}, dataDir: dir})
	b := connect(t, r.addr, bruno, nil)
	c := connect(t, r.addr, carla, nil)
	b.waitFor(demoBuyer)
	c.waitFor(demoBuyer)

	// Bruno assigns the conversation to Carla (second in his picker: himself first).
	openBuyer(b, "Ana Lu")
	m := b.mark()
	b.send("A")
	b.waitFrom(m, "to whom?")
	cm := c.mark()
	m = b.mark()
	b.send("2")
	b.waitFrom(m, "→ assigned to Carla")
	c.waitFrom(cm, "→ Carla")

	// Carla's filter: mine is that one pack, unassigned the others, then all again.
	cm = c.mark()
	c.send("m")
	c.waitFrom(cm, "showing mine (1 of ")
	// Her quick filter counts within what she shows: her one pack.
	cm = c.mark()
	c.send("/")
	c.waitFrom(cm, "1 of 1 mine")
	cm = c.mark()
	c.send("\x1b")
	c.waitFrom(cm, "showing mine (1 of ")
	cm = c.mark()
	c.send("m")
	c.waitFrom(cm, "showing unassigned (")
	cm = c.mark()
	c.send("m")
	c.waitFrom(cm, "showing all")

	// Carla opens it: assigned to her, Bruno has it open.
	cm = c.mark()
	openBuyer(c, "Ana Lu")
	c.waitFrom(cm, "→ assigned to you")

	// Bruno writes a team note: Carla sees it among the messages, labelled.
	const noteText = "call the buyer tomorrow 9931"
	cm = c.mark()
	m = b.mark()
	b.send("#")
	b.waitFrom(m, "Team note (only the team sees it")
	b.send(noteText + "\r")
	c.waitFrom(cm, "Team note · Bruno")
	c.waitFrom(cm, noteText)

	// Bruno replies: Carla's copy says who sent it.
	cm = c.mark()
	b.send("r")
	b.send("Gracias 5521")
	b.send("\x13") // ctrl+s
	b.waitFor("Message sent.")
	c.waitFrom(cm, "Gracias 5521")
	c.waitFrom(cm, "sent by Bruno")

	// The note never reached Mercado Libre.
	for _, req := range r.sb.Requests() {
		q, _ := url.QueryUnescape(req.RawQuery)
		if strings.Contains(string(req.Body), "9931") || strings.Contains(q, "9931") || strings.Contains(req.Path, "9931") {
			t.Fatalf("the team note reached the API: %s %s", req.Method, req.Path)
		}
	}
	assertNoToken(t, r, b, c)

	// A restart keeps the assignment and the note.
	b.close()
	c.close()
	if err := r.srv.Close(); err != nil {
		t.Fatal(err)
	}
	r2 := startRig(t, rigOptions{members: []member{bruno, carla}, dataDir: dir})
	c2 := connect(t, r2.addr, carla, nil)
	c2.waitFor(demoBuyer)
	c2.waitFor("→ Carla")
	cm = c2.mark()
	openBuyer(c2, "Ana Lu")
	c2.waitFrom(cm, "→ assigned to you")
	c2.waitFrom(cm, noteText)
}

// A composer left open counts as replying however long the seller pauses (to check an order,
// say): a teammate connecting ten minutes later sees "replying" and is guarded before writing
// a second answer; leaving compose ends it.
func TestReplyingLastsWhileTheComposerIsOpen(t *testing.T) {
	bruno, carla := newMember(t, "Bruno"), newMember(t, "Carla")
	clk := &testClock{now: time.Now()}
	r := startRig(t, rigOptions{members: []member{bruno, carla}, tune: func(c *Config) {
		c.Now, c.IdleTimeout = clk.Now, -1
	}})
	b := connect(t, r.addr, bruno, nil)
	b.waitFor(demoBuyer)
	openBuyer(b, "Ana Lu")
	m := b.mark()
	b.send("r")
	b.waitFrom(m, "ctrl+s sends")
	b.send("Un momento")
	b.waitFrom(m, "Un momento")

	clk.advance(10 * time.Minute) // no key since: far past any "last key" window
	c := connect(t, r.addr, carla, nil)
	c.waitFor(demoBuyer)
	c.waitFor("Bruno replying on ")
	c.waitFor("Bruno is replying…")
	openBuyer(c, "Ana Lu")
	m = c.mark()
	c.send("r")
	c.waitFrom(m, "Bruno is replying to this buyer — r again to write anyway")

	// Bruno discards his draft: he only has it open now ("has it open" is said only of those
	// not replying). Typing again in the empty composer is replying again.
	m = c.mark()
	bm := b.mark()
	b.send("\x18\x18") // ctrl+x twice
	b.waitFrom(bm, "Draft discarded.")
	c.waitFrom(m, "Bruno has it open")
	m = c.mark()
	b.send("Pode")
	c.waitFrom(m, "Bruno is replying…")

	// Bruno leaves compose: replying ends.
	m = c.mark()
	b.send("\x1b")
	c.waitFrom(m, "Bruno has it open")
	assertNoToken(t, r, b, c)
}
