package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// assertNoToken fails when the API token shows in any session's bytes, the log or the files.
func assertNoToken(t *testing.T, r *rig, terms ...*term) {
	t.Helper()
	for i, tm := range terms {
		if strings.Contains(tm.rawBytes(), r.token) {
			t.Errorf("session %d received the API token", i)
		}
	}
	if strings.Contains(r.logBuf.String(), r.token) {
		t.Error("the server log holds the API token")
	}
	for _, name := range []string{"audit.jsonl", "team-state.json"} {
		data, _ := os.ReadFile(filepath.Join(r.dataDir, name))
		if strings.Contains(string(data), r.token) {
			t.Errorf("%s holds the API token", name)
		}
	}
}

// openBuyer filters the list to one buyer and opens their conversation (the list's order may
// still change while headers load, so "the first row" is not the same pack everywhere).
func openBuyer(tm *term, buyer string) {
	tm.t.Helper()
	m := tm.mark()
	tm.send("/" + buyer)
	// Not the buyer's name alone, which the filter's own echo already shows: the count says the
	// list is filtered down to the one conversation, so enter cannot open a row still loading.
	tm.waitFrom(m, "  1 of ")
	m = tm.mark()
	tm.send("\r")
	tm.send("\r")
	tm.waitFrom(m, "translation:")
}

func TestTwoSessionsSeeEachOtherAndASendShowsAtOnce(t *testing.T) {
	ana, bruno := newMember(t, "Ana"), newMember(t, "Bruno")
	r := startRig(t, rigOptions{members: []member{ana, bruno}})
	a := connect(t, r.addr, ana, nil)
	a.waitFor(demoBuyer)
	m := a.mark()
	b := connect(t, r.addr, bruno, map[string]string{"TZ": "America/Bogota"})
	b.waitFor(demoBuyer)
	b.waitFor("Ana")
	a.waitFrom(m, "Bruno")

	// Bruno opens the first conversation: Ana's team bar says where he is.
	m = a.mark()
	openBuyer(b, "Ana Lu")
	a.waitFrom(m, "Bruno on ")

	// Ana opens it too and starts a reply: Bruno sees her typing.
	m = b.mark()
	openBuyer(a, "Ana Lu")
	am := a.mark()
	a.send("rHola equipo Wombat") // in one read, as a fast typist or a paste sends it
	a.waitFrom(am, "Hola equipo Wombat")
	b.waitFrom(m, "Ana replying on ")

	// Ana sends: Bruno's open conversation shows the reply without waiting for the poll
	// (the refresh interval is a minute).
	m = b.mark()
	a.send("\x13") // ctrl+s
	a.waitFor("Message sent.")
	defer func() {
		if t.Failed() {
			for _, l := range strings.Split(r.logBuf.String(), "\n") {
				if strings.Contains(l, "GET") || strings.Contains(l, "POST") || strings.Contains(l, "teammate") {
					t.Log(l)
				}
			}
		}
	}()
	b.waitFrom(m, "Hola equipo Wombat")

	waitUntil(t, func() bool {
		for _, rec := range r.srv.Hub().st.SentBy {
			if rec.Member == "Ana" {
				return true
			}
		}
		return false
	}, "the send is recorded as Ana's", a, b)
	assertNoToken(t, r, a, b)

	audit, err := os.ReadFile(filepath.Join(r.dataDir, "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []string{`"event":"connect"`, `"event":"open"`, `"event":"send"`} {
		if !strings.Contains(string(audit), ev) {
			t.Errorf("audit log lacks %s:\n%s", ev, audit)
		}
	}
	if strings.Contains(string(audit), "Wombat") { // a word: digits turn up in timestamps and ids
		t.Error("the audit log holds message text")
	}
	if fi, err := os.Stat(filepath.Join(r.dataDir, "audit.jsonl")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("audit log mode: %v %v, want 0600", fi.Mode(), err)
	}
}
