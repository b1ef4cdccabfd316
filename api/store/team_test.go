package store

import (
	"context"
	"strconv"
	"testing"
	"time"
)

func TestTeamStateRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	at := base
	if err := s.SetTeamAssignment(ctx, TeamAssignment{PackID: "P1", Member: "Ana", By: "Bruno", At: at}); err != nil {
		t.Fatal(err)
	}
	s.SetTeamAssignment(ctx, TeamAssignment{PackID: "P2", Member: "Ana", By: "Ana", At: at})
	s.SetTeamAssignment(ctx, TeamAssignment{PackID: "P2"}) // unassigned
	s.SetTeamAssignment(ctx, TeamAssignment{PackID: "P1", Member: "Carla", By: "Ana", At: at.Add(time.Minute)})
	s.AddTeamNote(ctx, TeamNote{PackID: "P1", Author: "Ana", Text: "first", At: at})
	s.AddTeamNote(ctx, TeamNote{PackID: "P1", Author: "Bruno", Text: "second", At: at})
	for i := range 5 {
		if err := s.PutTeamSent(ctx, TeamSent{MessageID: "m" + strconv.Itoa(i), Member: "Ana", PackID: "P1", At: at.Add(time.Duration(i) * time.Second)}, 3); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.TeamState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Assignments) != 1 || st.Assignments[0] != (TeamAssignment{PackID: "P1", Member: "Carla", By: "Ana", At: at.Add(time.Minute)}) {
		t.Errorf("assignments = %+v", st.Assignments)
	}
	if len(st.Notes) != 2 || st.Notes[0].Text != "first" || st.Notes[1].Author != "Bruno" || !st.Notes[0].At.Equal(at) {
		t.Errorf("notes = %+v", st.Notes)
	}
	got := map[string]bool{}
	for _, r := range st.Sent {
		got[r.MessageID] = true
	}
	if len(st.Sent) != 3 || !got["m2"] || !got["m3"] || !got["m4"] {
		t.Errorf("sent-by kept %+v, want the newest 3", st.Sent)
	}
}

func TestImportTeamStateOnce(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	in := TeamState{
		Assignments: []TeamAssignment{{PackID: "P1", Member: "Ana", By: "Ana", At: base}},
		Notes:       []TeamNote{{PackID: "P1", Author: "Ana", Text: "n", At: base}},
		Sent:        []TeamSent{{MessageID: "m1", Member: "Ana", PackID: "P1", At: base}},
	}
	for i, want := range []bool{true, false} {
		ok, err := s.ImportTeamState(ctx, "team_state_import", in)
		if err != nil || ok != want {
			t.Fatalf("import %d = %v, %v; want %v", i, ok, err, want)
		}
	}
	st, _ := s.TeamState(ctx)
	if len(st.Assignments) != 1 || len(st.Notes) != 1 || len(st.Sent) != 1 {
		t.Errorf("after two imports: %+v", st)
	}
}

// TestTeamTablesAfterMigration: a store at every earlier version gains working team tables and
// keeps its history.
func TestTeamTablesAfterMigration(t *testing.T) {
	for from := 0; from < SchemaVersion(); from++ {
		t.Run("v"+strconv.Itoa(from), func(t *testing.T) {
			ctx := context.Background()
			path, db := storeAtVersion(t, from)
			if from >= 1 {
				must(t, db, `INSERT INTO packs (id, buyer_name) VALUES ('P9', 'João')`)
			}
			db.Close()
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("migrate from v%d: %v", from, err)
			}
			defer s.Close()
			if err := s.SetTeamAssignment(ctx, TeamAssignment{PackID: "P9", Member: "Ana", At: base}); err != nil {
				t.Fatal(err)
			}
			if err := s.AddTeamNote(ctx, TeamNote{PackID: "P9", Author: "Ana", Text: "x", At: base}); err != nil {
				t.Fatal(err)
			}
			st, err := s.TeamState(ctx)
			if err != nil || len(st.Assignments) != 1 || len(st.Notes) != 1 {
				t.Fatalf("team state after migration = %+v, %v", st, err)
			}
			if from >= 1 {
				if _, ok, err := s.Pack(ctx, "P9"); !ok || err != nil {
					t.Errorf("pack lost in migration: %v, %v", ok, err)
				}
			}
		})
	}
}
