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

// A person's marks written after a revision come back alone (what their other sessions set
// since this one looked), and of two settings of one mark the later stays, whichever is
// written last.
func TestSeenMarksSinceAndTheLaterSettingWins(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	t0 := base.Add(24 * time.Hour)
	if err := s.PutSeenMarks(ctx, "Ana", map[string]SeenMark{"P1": {At: base, Updated: t0}}); err != nil {
		t.Fatal(err)
	}
	first, _ := s.SeenMarks(ctx, "Ana")
	seen := first["P1"].Rev
	if seen == 0 {
		t.Fatalf("a written mark has no revision: %+v", first)
	}
	if err := s.PutSeenMarks(ctx, "Bruno", map[string]SeenMark{"P1": {At: base, Updated: t0.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSeenMarks(ctx, "Ana", map[string]SeenMark{"P2": {At: base, Done: base, Updated: t0.Add(time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.SeenMarksSince(ctx, "Ana", seen)
	if err != nil || len(got) != 1 || !got["P2"].Updated.Equal(t0.Add(time.Minute)) || !got["P2"].Done.Equal(base) || got["P2"].Rev <= seen {
		t.Fatalf("Ana's marks since revision %d = %+v, %v; want P2 alone", seen, got, err)
	}
	seen = got["P2"].Rev
	// One session undoes P2 (set later); another session's save of its older setting arrives
	// after it, and is not kept, nor reported as new.
	if err := s.PutSeenMarks(ctx, "Ana", map[string]SeenMark{"P2": {At: base, Updated: t0.Add(2 * time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSeenMarks(ctx, "Ana", map[string]SeenMark{"P2": {At: base, Done: base, Updated: t0.Add(90 * time.Second)}}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.SeenMarksSince(ctx, "Ana", seen)
	if mk := got["P2"]; len(got) != 1 || !mk.Done.IsZero() || !mk.Updated.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("P2 since revision %d = %+v; want the later setting (not done)", seen, got)
	}
}
