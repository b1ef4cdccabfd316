package serve

import (
	"testing"
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
