package store

import (
	"context"
	"maps"
	"testing"
	"time"
)

// Each person's triage marks round-trip apart from everyone else's, and a save replaces them.
func TestSeenMarksRoundTripPerPerson(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	local := map[string]SeenMark{
		"P1": {At: base, Unread: 2},
		"P2": {At: base.Add(time.Hour), Done: base.Add(-time.Hour)},
	}
	ana := map[string]SeenMark{"P1": {At: base.Add(2 * time.Hour)}}
	if err := s.SetSeenMarks(ctx, "", local); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSeenMarks(ctx, "Ana", ana); err != nil {
		t.Fatal(err)
	}
	for who, want := range map[string]map[string]SeenMark{"": local, "Ana": ana, "Bruno": {}} {
		got, err := s.SeenMarks(ctx, who)
		if err != nil || !maps.EqualFunc(got, want, func(a, b SeenMark) bool {
			return a.At.Equal(b.At) && a.Unread == b.Unread && a.Done.Equal(b.Done)
		}) {
			t.Errorf("%q's marks = %+v, %v; want %+v", who, got, err, want)
		}
	}
	if err := s.SetSeenMarks(ctx, "", map[string]SeenMark{"P3": {At: base}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.SeenMarks(ctx, ""); len(got) != 1 || got["P3"].At.IsZero() {
		t.Errorf("after a save that replaces them: %+v", got)
	}
	if got, _ := s.SeenMarks(ctx, "Ana"); len(got) != 1 {
		t.Errorf("another person's save touched Ana's marks: %+v", got)
	}
}
