package serve

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/postsale/postsale/api/store"
)

// withStore makes the rig's server use one local store (as `postsale serve` does) for the
// sessions' data and the team state.
func withStore(t *testing.T, path string) (func(*Config), func() *store.Store) {
	t.Helper()
	var st *store.Store
	tune := func(cfg *Config) {
		s, err := store.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		st = s
		t.Cleanup(func() { s.Close() })
		cfg.Shared.Data = store.NewData(s, cfg.Shared.Client, store.SyncOptions{})
		cfg.TeamStore = s
	}
	return tune, func() *store.Store { return st }
}

// Assignment, a note and who sent a reply are kept in the local store and survive a restart
// of the server; no state file is written beside it.
func TestTeamStateSurvivesARestartInTheStore(t *testing.T) {
	bruno, carla := newMember(t, "Bruno"), newMember(t, "Carla")
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "store.db")
	tune, opened := withStore(t, dbPath)
	r := startRig(t, rigOptions{members: []member{bruno, carla}, dataDir: dir, tune: tune})
	b := connect(t, r.addr, bruno, nil)
	b.waitFor(demoBuyer)

	openBuyer(b, "Ana Lu")
	m := b.mark()
	b.send("A")
	b.waitFrom(m, "to whom?")
	m = b.mark()
	b.send("2")
	b.waitFrom(m, "→ assigned to Carla")

	const noteText = "stored note 4417"
	m = b.mark()
	b.send("#")
	b.waitFrom(m, "Team note (only the team sees it")
	b.send(noteText + "\r")
	b.waitFrom(m, noteText)

	m = b.mark()
	b.send("r")
	b.waitFrom(m, "ctrl+s")
	b.send("Gracias 6612")
	b.send("\x13") // ctrl+s
	b.waitFrom(m, "Message sent.")

	ts, err := opened().TeamState(context.Background())
	if err != nil || len(ts.Assignments) != 1 || ts.Assignments[0].Member != "Carla" ||
		len(ts.Notes) != 1 || ts.Notes[0].Text != noteText || len(ts.Sent) != 1 || ts.Sent[0].Member != "Bruno" {
		t.Fatalf("team state in the store = %+v, %v", ts, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "team-state.json")); err == nil {
		t.Error("a team-state.json was written although the server has a store")
	}

	b.close()
	if err := r.srv.Close(); err != nil {
		t.Fatal(err)
	}
	opened().Close()

	tune2, _ := withStore(t, dbPath)
	r2 := startRig(t, rigOptions{members: []member{bruno, carla}, dataDir: dir, tune: tune2, sb: r.sb})
	c := connect(t, r2.addr, carla, nil)
	c.waitFor(demoBuyer)
	c.waitFor("→ Carla")
	cm := c.mark()
	openBuyer(c, "Ana Lu")
	c.waitFrom(cm, "→ assigned to you")
	c.waitFrom(cm, noteText)
	c.waitFrom(cm, "Gracias 6612")
	c.waitFrom(cm, "sent by Bruno")
	assertNoToken(t, r2, c)
}

// A team-state.json from before the store is imported into it once and renamed.
func TestStateFileIsImportedIntoTheStoreOnce(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	old := hubState{
		Assignments: map[string]Assignment{"P1": {Member: "Ana", By: "Bruno", At: at}},
		Notes:       map[string][]Note{"P1": {{Author: "Ana", At: at, Text: "one"}, {Author: "Bruno", At: at, Text: "two"}}},
		SentBy:      map[string]SentRecord{"m1": {Member: "Bruno", PackID: "P1", At: at}},
	}
	data, _ := json.Marshal(old)
	stateFile := filepath.Join(dir, "team-state.json")
	if err := os.WriteFile(stateFile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	check := func(h *Hub) {
		t.Helper()
		if a, ok := h.Assignee("P1"); !ok || a.Member != "Ana" || a.By != "Bruno" {
			t.Errorf("assignment = %+v, %v", a, ok)
		}
		if n := h.Notes("P1"); len(n) != 2 || n[0].Text != "one" || n[1].Text != "two" {
			t.Errorf("notes = %+v", n)
		}
		if r, ok := h.SentBy("m1"); !ok || r.Member != "Bruno" {
			t.Errorf("sent-by = %+v, %v", r, ok)
		}
	}
	h, err := NewHub(HubOptions{StateFile: stateFile, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	check(h)
	if _, err := os.Stat(stateFile); err == nil {
		t.Error("the imported state file is still in place")
	}
	if _, err := os.Stat(stateFile + ".imported"); err != nil {
		t.Errorf("the imported state file was not kept aside: %v", err)
	}
	// The file coming back (an old backup restored) is not imported a second time.
	os.WriteFile(stateFile, data, 0o600)
	h2, err := NewHub(HubOptions{StateFile: stateFile, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	check(h2)
}

// Several sessions share one store: what one session brings in (its opened conversation and its
// reply) is written to the one store every session reads, and the other session's list, drawn
// from that store, shows it.
func TestSessionsShareOneStore(t *testing.T) {
	bruno, carla := newMember(t, "Bruno"), newMember(t, "Carla")
	dir := t.TempDir()
	tuneStore, opened := withStore(t, filepath.Join(dir, "store.db"))
	tune := func(cfg *Config) {
		tuneStore(cfg)
		// The reply reaches the store by the sending session's reload or, at the latest, a poll:
		// polls come often here so the wait below is for a condition, never a long timer.
		cfg.Shared.RefreshInterval = time.Second
	}
	r := startRig(t, rigOptions{members: []member{bruno, carla}, dataDir: dir, tune: tune})
	d, ok := r.srv.cfg.Shared.Data.(*store.Data)
	if !ok || d.Store() != opened() {
		t.Fatalf("the sessions' data is %T, not the one store", r.srv.cfg.Shared.Data)
	}
	b := connect(t, r.addr, bruno, nil)
	c := connect(t, r.addr, carla, nil)
	b.waitFor(demoBuyer)
	c.waitFor(demoBuyer)

	openBuyer(b, "Ana Lu")
	m := b.mark()
	b.send("r")
	b.waitFrom(m, "ctrl+s")
	const reply = "Shared reply 8123"
	cm := c.mark()
	b.send(reply)
	b.send("\x13") // ctrl+s
	b.waitFrom(m, "Message sent.")

	ctx := context.Background()
	inStore := func() bool {
		packs, err := opened().Packs(ctx, 0, 0)
		if err != nil {
			return false
		}
		for _, p := range packs {
			if p.BuyerName != demoBuyer {
				continue
			}
			msgs, _ := opened().Messages(ctx, p.ID)
			for _, msg := range msgs {
				if msg.Text == reply {
					return true
				}
			}
		}
		return false
	}
	waitUntil(t, inStore, "Bruno's reply in the shared store", b, c)
	c.waitFrom(cm, reply)
	assertNoToken(t, r, b, c)
}
