package serve

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/config/drafts"
)

// demoBuyerPack is demoBuyer's pack (Ana Lucía Pérez, MLM).
const demoBuyerPack = "2000004512345671"

// replies counts the replies Mercado Libre (the sandbox) received for pack.
func replies(r *rig, pack string) int {
	n := 0
	for _, req := range r.sb.Requests() {
		if req.Method == "POST" && req.Path == "/marketplace/messages/packs/"+pack {
			n++
		}
	}
	return n
}

// waitDraft waits until the member's drafts folder holds pack's draft as want says. Nothing on
// a terminal changes when a debounced save lands, so it reads the folder until it does.
// startDraft opens the demo buyer's conversation in tm, types text as a reply and waits until
// member's drafts folder holds it; the composer stays open.
func startDraft(t *testing.T, r *rig, tm *term, member, text string) {
	t.Helper()
	openBuyer(tm, "Ana Lu")
	m := tm.mark()
	tm.send("r")
	tm.waitFrom(m, "ctrl+s sends")
	tm.send(text)
	tm.waitFrom(m, text)
	waitDraft(t, r, member, demoBuyerPack, func(d drafts.Draft) bool { return d.Text == text }, member+"'s draft saved")
}

func waitDraft(t *testing.T, r *rig, name, pack string, want func(drafts.Draft) bool, what string) {
	t.Helper()
	store := drafts.NewStore(filepath.Join(r.dataDir, "members", name, "drafts"))
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if d, err := store.Load(pack); err == nil && want(d) {
			return
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("never: %s", what)
		}
	}
}

// A teammate's reply sent while Bruno writes his own is said in his composer, with the start
// of its text, and his next ctrl+s asks once before a second, maybe contradicting, answer goes.
func TestATeammatesReplyIsSaidInTheComposerAndAsksBeforeSending(t *testing.T) {
	ana, bruno := newMember(t, "Ana"), newMember(t, "Bruno")
	r := startRig(t, rigOptions{members: []member{ana, bruno}})
	a := connect(t, r.addr, ana, nil)
	b := connect(t, r.addr, bruno, nil)
	a.waitFor(demoBuyer)
	b.waitFor(demoBuyer)

	openBuyer(b, "Ana Lu")
	m := b.mark()
	b.send("r")
	b.waitFrom(m, "ctrl+s sends")
	b.send("Sim, chega na sexta 4410")
	b.waitFrom(m, "Sim, chega na sexta 4410")

	// Ana, past the guard's second r, answers the same buyer the other way.
	openBuyer(a, "Ana Lu")
	am := a.mark()
	a.send("r")
	a.waitFrom(am, "Bruno is replying to this buyer — r again to write anyway")
	am = a.mark()
	a.send("r")
	a.waitFrom(am, "ctrl+s sends")
	m = b.mark()
	a.send("Infelizmente so na segunda 5520\x13") // and ctrl+s
	a.waitFrom(am, "Message sent.")

	b.waitFrom(m, "⚠ Ana just replied: “Infelizmente so na segunda 5520”")
	if n := replies(r, demoBuyerPack); n != 1 {
		t.Fatalf("the buyer got %d replies, want Ana's one", n)
	}

	// Bruno's ctrl+s asks once; the next sends.
	m = b.mark()
	b.send("\x13")
	b.waitFrom(m, "ctrl+s again to send anyway")
	if n := replies(r, demoBuyerPack); n != 1 {
		t.Errorf("Bruno's first ctrl+s sent his reply without asking (%d replies)", n)
	}
	m = b.mark()
	b.send("\x13")
	b.waitFrom(m, "Message sent.")
	if n := replies(r, demoBuyerPack); n != 2 {
		t.Errorf("Bruno's second ctrl+s: %d replies, want 2", n)
	}
	assertNoToken(t, r, a, b)
}

// One person, two sessions sharing one drafts folder: a draft left in A, then restored, edited
// and sent in B, is gone from A too. A's list drops its mark, and `r` in A opens an empty
// composer (saying why), so one ctrl+s cannot send the old text a second time.
func TestADraftSentInTheOtherSessionIsGoneFromThisOne(t *testing.T) {
	bruno := newMember(t, "Bruno")
	dir := t.TempDir()
	tune, _ := withStore(t, filepath.Join(dir, "store.db"))
	r := startRig(t, rigOptions{members: []member{bruno}, dataDir: dir, tune: tune})
	const old = "Vou verificar 3141"
	b1 := connect(t, r.addr, bruno, nil)
	b1.waitFor(demoBuyer)
	startDraft(t, r, b1, "Bruno", old)
	m := b1.mark()
	b1.send("\x1b")
	b1.waitFrom(m, "Draft kept")
	m = b1.mark()
	b1.send("\x1b")
	b1.waitFrom(m, "✎ draft")

	b2 := connect(t, r.addr, bruno, nil)
	b2.waitFor(demoBuyer)
	openBuyer(b2, "Ana Lu")
	m = b2.mark()
	b2.send("r")
	b2.waitFrom(m, "Draft restored from")
	b2.waitFrom(m, old)
	b2.send(" amanhã\x13")
	b2.waitFrom(m, "Message sent.")
	waitDraft(t, r, "Bruno", demoBuyerPack, func(d drafts.Draft) bool { return d.Empty() }, "the sent draft removed")

	// A's list: the row shows the reply B sent, and no draft mark any more. (Only changed
	// lines are drawn again: the last drawing of the row's preview is what is on screen.)
	sent := old + " amanhã"
	waitUntil(t, func() bool {
		s := ansi.Strip(b1.rawBytes())
		i := strings.LastIndex(s, sent)
		return i >= 0 && !strings.Contains(s[max(0, i-80):i], "✎ draft")
	}, "A's row without its draft mark", b1)

	// r in A: the composer holds nothing, and says why; ctrl+s sends nothing.
	m = b1.mark()
	b1.send("r")
	b1.waitFrom(m, "This draft was sent or discarded in another session.")
	m = b1.mark()
	b1.send("\x13")
	b1.waitFrom(m, "message is empty")
	if n := replies(r, demoBuyerPack); n != 1 {
		t.Errorf("the buyer got %d replies, want the one B sent", n)
	}
	assertNoToken(t, r, b1, b2)
}

// The other session discards the draft both share while this one has it on screen: the text
// stays to be read, with a note; leaving without an edit keeps nothing, as the folder keeps
// nothing, so the list marks no draft.
func TestADraftDiscardedInTheOtherSessionWhileOnScreenHere(t *testing.T) {
	bruno := newMember(t, "Bruno")
	r := startRig(t, rigOptions{members: []member{bruno}})
	const text = "Talvez na quinta 7788"
	b1 := connect(t, r.addr, bruno, nil)
	b1.waitFor(demoBuyer)
	startDraft(t, r, b1, "Bruno", text)

	b2 := connect(t, r.addr, bruno, nil)
	b2.waitFor(demoBuyer)
	openBuyer(b2, "Ana Lu")
	m2 := b2.mark()
	b2.send("r")
	b2.waitFrom(m2, "Your other session is replying to this buyer")
	m2 = b2.mark()
	b2.send("r")
	b2.waitFrom(m2, text)
	m := b1.mark()
	b2.send("\x18\x18") // ctrl+x twice
	b2.waitFrom(m2, "Draft discarded.")
	b1.waitFrom(m, "Your other session discarded this draft: esc now keeps nothing, an edit keeps it.")

	m = b1.mark()
	b1.send("\x1b")
	b1.waitFrom(m, "Your other session discarded this draft; it is not kept here either.")
	m = b1.mark()
	b1.send("\x1b")
	const preview = "¿Me pueden ayudar?"
	waitUntil(t, func() bool {
		s := ansi.Strip(b1.rawBytes()[m:])
		i := strings.LastIndex(s, preview)
		return i >= 0 && !strings.Contains(s[max(0, i-80):i], "✎ draft")
	}, "the list without a draft mark", b1)
	waitDraft(t, r, "Bruno", demoBuyerPack, func(d drafts.Draft) bool { return d.Empty() }, "no draft in the folder")
	assertNoToken(t, r, b1, b2)
}
