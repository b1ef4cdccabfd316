package store

import (
	"context"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
)

// TestWatchSignalsEachWrite: every write that can change a pack row signals each watcher once
// (pending signals do not pile up), a stopped watcher gets nothing, and a read does not signal.
func TestWatchSignalsEachWrite(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a, stopA := s.Watch()
	b, stopB := s.Watch()
	defer stopA()
	pending := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	writes := []struct {
		name  string
		write func() error
	}{
		{"a page", func() error { return s.PutPage(ctx, page(t, "P1", wireMessage("m1", "P1", true, "Ana", "hola", base))) }},
		{"item titles", func() error { return s.PutOrders(ctx, []api.Pack{{ID: "P1", Titles: []string{"Cámara"}}}, nil) }},
		{"unread counts", func() error { return s.SetUnread(ctx, map[string]int{"P1": 1}) }},
		{"the seen mark", func() error { return s.MarkSeen(ctx, "P1", base) }},
		{"orders", func() error { return s.PutOrders(ctx, nil, nil) }},
	}
	for _, w := range writes {
		if err := w.write(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		if !pending(a) || !pending(b) {
			t.Errorf("%s: not signalled to both watchers", w.name)
		}
	}
	for range 3 {
		if err := s.MarkSeen(ctx, "P1", base.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if !pending(a) || pending(a) {
		t.Error("three writes left other than one pending signal")
	}
	pending(b) // drained, then stopped
	stopB()
	if err := s.MarkSeen(ctx, "P1", base.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if pending(b) {
		t.Error("a stopped watcher was signalled")
	}
	pending(a)
	if _, _, err := s.PacksSince(ctx, -1); err != nil {
		t.Fatal(err)
	}
	if pending(a) {
		t.Error("a read signalled")
	}
}
