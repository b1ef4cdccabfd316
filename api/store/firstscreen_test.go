package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The first screen an inbox saves when it ends stands for the store until anything writes the
// store again: the next start reads it back whole (packs in the inbox's order, the person's
// marks of them, the history); after a write, a damaged file, another person, another version,
// or a terminal taller than the screen saved, it reads the store instead.
func TestSavedFirstScreenStandsForTheStoreUntilItIsWritten(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for i, pack := range []string{"P1", "P2", "P3"} {
		at := base.Add(time.Duration(i) * time.Hour)
		if err := s.PutPage(ctx, page(t, pack, wireMessage("m"+pack, pack, true, "Ana "+pack, "hola "+pack, at))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetUnread(ctx, map[string]int{"P1": 2}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSeenMarks(ctx, "", map[string]SeenMark{"P3": {At: base, Unread: 1, Updated: base}, "P2": {At: base}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSeenMarks(ctx, "bruno", map[string]SeenMark{"P1": {At: base, Updated: base}}); err != nil {
		t.Fatal(err)
	}
	want, err := s.InboxPacks(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.ReadFirstScreen(ctx, "", 2)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := SaveFirstScreen(path, "", first); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(FirstScreenPath(path)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the saved screen: %v, %v", fi, err)
	}

	t.Run("unchanged", func(t *testing.T) {
		got, ok := Lazy(ctx, path).SavedFirstScreen("", 2)
		if !ok {
			t.Fatal("a screen saved after the last write is not used")
		}
		if len(got.Packs) != 2 || got.Packs[0].ID != "P1" || got.Packs[1].ID != "P3" || want[1].ID != "P3" || got.Complete {
			t.Fatalf("packs %+v", got.Packs)
		}
		for i := range want {
			w, g := want[i], got.Packs[i]
			if w.Rev != g.Rev || w.Unread != g.Unread || w.LastMessageText != g.LastMessageText || !w.LastMessageAt.Equal(g.LastMessageAt) ||
				!reflect.DeepEqual(w.Status, g.Status) {
				t.Errorf("pack %d read back as %+v, stored %+v", i, g, w)
			}
		}
		// The person's marks of the packs shown: not another person's, not a pack off screen.
		if len(got.Marks) != 1 || got.Marks["P3"].Unread != 1 || got.Marks["P3"].Rev != 0 {
			t.Errorf("marks %+v", got.Marks)
		}
		if got.History.Oldest.IsZero() || !got.History.Oldest.Equal(base) {
			t.Errorf("history %+v", got.History)
		}
		if !Lazy(ctx, path).HasSavedFirstScreen("") {
			t.Error("the header alone does not say so")
		}
		if short, ok := Lazy(ctx, path).SavedFirstScreen("", 1); !ok || len(short.Packs) != 1 {
			t.Errorf("a shorter terminal gets %d packs, %v", len(short.Packs), ok)
		}
	})

	t.Run("not for", func(t *testing.T) {
		if _, ok := Lazy(ctx, path).SavedFirstScreen("", 3); ok {
			t.Error("a taller terminal than the screen saved starts on it")
		}
		if Lazy(ctx, path).HasSavedFirstScreen("bruno") {
			t.Error("another person starts on the seller's screen")
		}
		b, _ := os.ReadFile(FirstScreenPath(path))
		for name, damaged := range map[string]string{
			"cut":     string(b[:len(b)/2]),
			"version": strings.Replace(string(b), "postsale-first-screen 1 ", "postsale-first-screen 99 ", 1),
			"json":    strings.Replace(string(b), "\n", "\n{", 1),
			"no line": strings.Replace(string(b), "\n", " ", 1),
		} {
			other := filepath.Join(t.TempDir(), "store.db")
			copyFile(t, path, other)
			if err := os.WriteFile(FirstScreenPath(other), []byte(damaged), 0o600); err != nil {
				t.Fatal(err)
			}
			touchLike(t, path, other)
			if _, ok := Lazy(ctx, other).SavedFirstScreen("", 2); ok {
				t.Errorf("%s: a damaged saved screen is used", name)
			}
		}
	})

	// Anything written since (here a seen mark, from another process's store) and the next start
	// reads the store.
	t.Run("written since", func(t *testing.T) {
		w, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.PutSeenMarks(ctx, "", map[string]SeenMark{"P1": {At: base, Updated: base.Add(time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		lazy := Lazy(ctx, path) // while the writer still has it open
		w.Close()
		if lazy.HasSavedFirstScreen("") || Lazy(ctx, path).HasSavedFirstScreen("") {
			t.Error("a screen saved before a write stands for the store")
		}
	})
}

// copyFile copies the store file from to to.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// touchLike gives to the saved screen's record of from's files: the copy looks unchanged.
func touchLike(t *testing.T, from, to string) {
	t.Helper()
	fi, err := os.Stat(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(to, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
}

// A Lazy store touches nothing until it is used: a store never used is not even created, and
// closing it opens nothing. Its first use opens it; a store that cannot be opened fails every
// call with the reason, and a call whose context ends first returns at once.
func TestLazyStoreOpensOnFirstUse(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "acct", "store.db")
	unused := Lazy(ctx, path)
	if err := unused.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("an unused store made its folder: %v", err)
	}
	s := Lazy(ctx, path)
	select {
	case <-s.Opened():
		t.Fatal("opened before any use")
	default:
	}
	if _, err := s.InboxPacks(ctx, 10); err != nil {
		t.Fatal(err)
	}
	<-s.Opened()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("used, the store is not there: %v", err)
	}
	s.Close()

	file := filepath.Join(dir, "not-a-folder")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := Start(ctx, filepath.Join(file, "store.db"))
	defer broken.Close()
	if _, err := broken.InboxPacks(ctx, 10); err == nil || !strings.Contains(err.Error(), "store's folder") {
		t.Errorf("a store that cannot open answers %v", err)
	}
	if err := broken.Ready(ctx); err == nil {
		t.Error("Ready says nothing of it")
	}

	// A call whose context has ended does not wait for an opening still under way.
	busy := Lazy(ctx, filepath.Join(dir, "other", "store.db"))
	defer busy.Close()
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := busy.Packs(done, 10, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("an ended call answers %v", err)
	}
}
