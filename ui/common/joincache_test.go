package common

import "testing"

func TestJoinCacheReusesTheLastFrameOnlyWhenEveryLineIsTheSame(t *testing.T) {
	var jc JoinCache
	frame := func(ls ...string) string { return jc.Join(append(jc.Next(len(ls)), ls...)) }
	if got := frame("a", "b"); got != "a\nb" {
		t.Fatalf("first frame = %q", got)
	}
	if got := frame("a", "b"); got != "a\nb" {
		t.Fatalf("same lines = %q", got)
	}
	if got := frame("a", "c"); got != "a\nc" {
		t.Fatalf("a changed line = %q, want a\\nc", got)
	}
	if got := frame("a"); got != "a" {
		t.Fatalf("fewer lines = %q", got)
	}
	// The buffer Next hands out is never the one the last frame is compared with.
	last := jc.lines
	next := jc.Next(1)
	if next = append(next, "z"); &next[0] == &last[0] {
		t.Fatal("Next returned the last frame's buffer")
	}
	if got := jc.Join(next); got != "z" {
		t.Fatalf("after reuse = %q", got)
	}
	if n := testing.AllocsPerRun(10, func() { jc.Join(append(jc.Next(1), "z")) }); n != 0 {
		t.Fatalf("an unchanged frame allocated %v times", n)
	}
}
