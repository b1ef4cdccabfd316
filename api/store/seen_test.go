package store

import (
	"context"
	"maps"
	"testing"
	"time"
)

// Each person's triage marks round-trip apart from everyone else's; a save writes the marks it
// has and leaves the person's others.
func TestSeenMarksRoundTripPerPerson(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	local := map[string]SeenMark{
		"P1": {At: base, Unread: 2},
		"P2": {At: base.Add(time.Hour), Done: base.Add(-time.Hour)},
	}
	ana := map[string]SeenMark{"P1": {At: base.Add(2 * time.Hour)}}
	if err := s.PutSeenMarks(ctx, "", local); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSeenMarks(ctx, "Ana", ana); err != nil {
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
	if err := s.PutSeenMarks(ctx, "", map[string]SeenMark{"P3": {At: base}, "P1": {At: base.Add(3 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.SeenMarks(ctx, ""); len(got) != 3 || got["P3"].At.IsZero() || !got["P1"].At.Equal(base.Add(3*time.Hour)) || got["P1"].Unread != 0 || !got["P2"].Done.Equal(base.Add(-time.Hour)) {
		t.Errorf("after a save of P1 and P3: %+v", got)
	}
	if got, _ := s.SeenMarks(ctx, "Ana"); len(got) != 1 {
		t.Errorf("another person's save touched Ana's marks: %+v", got)
	}
}
