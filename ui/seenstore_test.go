package ui

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/config/seen"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// The marks an earlier version kept in a file move into the store on the first load (the file
// is renamed, so it is read once); saves keep their order and stop at Close.
func TestStoreSeenImportsTheFileOnceAndKeepsTheMarks(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	file := seen.NewDir(filepath.Join(dir, "seen"))
	at := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	old := map[string]common.SeenMark{"P1": {At: at, Unread: 2}, "P2": {Done: at.Add(-time.Hour)}}
	if err := file.Save(ctx, "523132944", 1, old); err != nil {
		t.Fatal(err)
	}
	s := NewStoreSeen(st, "", file)
	// Read before the account is known, the store has nothing yet and the file waits for Load,
	// which knows whose it is.
	if marks, err := s.Preload(ctx); err != nil || len(marks) != 0 {
		t.Fatalf("preload before the import = %+v, %v; want nothing", marks, err)
	}
	if _, err := os.Stat(file.Path("523132944")); err != nil {
		t.Fatalf("the preload moved the file: %v", err)
	}
	marks, err := s.Load(ctx, "523132944")
	if err != nil || len(marks) != 2 || !marks["P1"].At.Equal(at) || marks["P1"].Unread != 2 || !marks["P2"].Done.Equal(at.Add(-time.Hour)) {
		t.Fatalf("first load = %+v, %v; want the file's marks", marks, err)
	}
	if _, err := os.Stat(file.Path("523132944")); !os.IsNotExist(err) {
		t.Errorf("the imported file is still there (%v)", err)
	}
	if _, err := os.Stat(file.Path("523132944") + ".imported"); err != nil {
		t.Errorf("the imported file was not kept aside: %v", err)
	}
	if stored, _ := st.SeenMarks(ctx, ""); len(stored) != 2 {
		t.Errorf("the store holds %+v after the import", stored)
	}

	// A new session: the marks come from the store, before the account is known too.
	s = NewStoreSeen(st, "", file)
	if marks, err := s.Preload(ctx); err != nil || len(marks) != 2 || marks["P1"].Unread != 2 {
		t.Fatalf("preload = %+v, %v; want the stored marks", marks, err)
	}
	if marks, err := s.Load(ctx, "523132944"); err != nil || len(marks) != 2 {
		t.Fatalf("second load = %+v, %v", marks, err)
	}
	later := at.Add(time.Hour)
	if err := s.Save(ctx, "523132944", 2, map[string]common.SeenMark{"P1": {At: later}, "P3": {At: at}}); err != nil {
		t.Fatal(err)
	}
	// An older save arriving late: P1's newer mark stays; P2, which the newer save did not
	// carry, is written (a save has only the conversations whose marks changed).
	if err := s.Save(ctx, "523132944", 1, map[string]common.SeenMark{"P1": {At: at}, "P2": {At: at}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.Save(ctx, "523132944", 3, map[string]common.SeenMark{"P1": {}}); err != nil {
		t.Fatal(err)
	}
	stored, _ := st.SeenMarks(ctx, "")
	if len(stored) != 3 || !stored["P1"].At.Equal(later) || !stored["P2"].At.Equal(at) || !stored["P3"].At.Equal(at) {
		t.Errorf("store = %+v, want P1's newer mark, P2 and P3, and nothing after Close", stored)
	}
}

// Two sessions of one person save the conversations each marked: neither erases the other's.
func TestStoreSeenSessionsOfOnePersonKeepEachOthersMarks(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	one, two := NewStoreSeen(st, "Ana", nil), NewStoreSeen(st, "Ana", nil)
	if err := one.Save(ctx, "", 1, map[string]common.SeenMark{"P1": {At: at}}); err != nil {
		t.Fatal(err)
	}
	if err := two.Save(ctx, "", 1, map[string]common.SeenMark{"P2": {Done: at}}); err != nil {
		t.Fatal(err)
	}
	marks, err := NewStoreSeen(st, "Ana", nil).Load(ctx, "523132944")
	if err != nil || len(marks) != 2 || !marks["P1"].At.Equal(at) || !marks["P2"].Done.Equal(at) {
		t.Fatalf("marks = %+v, %v; want both sessions' marks", marks, err)
	}
}

// A mark saved before the account was known (offline, on the first run of a version with a
// store) does not keep the earlier version's file from being imported: Load joins them, the
// stored mark winning for a conversation both have.
func TestStoreSeenImportsTheFileUnderMarksSavedFirst(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	file := seen.NewDir(filepath.Join(dir, "seen"))
	at := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	if err := file.Save(ctx, "523132944", 1, map[string]common.SeenMark{"P1": {At: at}, "P2": {Done: at}}); err != nil {
		t.Fatal(err)
	}
	s := NewStoreSeen(st, "", file)
	later := at.Add(48 * time.Hour)
	if err := s.Save(ctx, "", 1, map[string]common.SeenMark{"P2": {At: later}, "P3": {At: later}}); err != nil {
		t.Fatal(err)
	}
	marks, err := s.Load(ctx, "523132944")
	if err != nil {
		t.Fatal(err)
	}
	if len(marks) != 3 || !marks["P1"].At.Equal(at) || !marks["P2"].At.Equal(later) || !marks["P2"].Done.IsZero() || !marks["P3"].At.Equal(later) {
		t.Fatalf("load = %+v; want the file's P1 and the stored P2 and P3", marks)
	}
	if stored, _ := st.SeenMarks(ctx, ""); len(stored) != 3 {
		t.Errorf("the store holds %+v after the import", stored)
	}
	if _, err := os.Stat(file.Path("523132944")); !os.IsNotExist(err) {
		t.Errorf("the imported file is still there (%v)", err)
	}
}

// Two sessions of one person over one store (a member connected twice to a served team inbox):
// a conversation marked done in one leaves "Needs reply" in the other at once, without a
// reconnect or a key there, and brought back in the other, it is back in the first: the later
// setting wins in both.
func TestOnePersonsSessionsShareTheirMarksAsTheySetThem(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	st := filledStore(t, e)
	a := startStored(t, e, st, SessionOptions{Seen: NewStoreSeen(st, "Ana", nil)})
	b := startStored(t, e, st, SessionOptions{Seen: NewStoreSeen(st, "Ana", nil)})
	needs := regexp.MustCompile(`Needs reply (\d+)`)
	count := func(v string) int {
		m := needs.FindStringSubmatch(v)
		if m == nil {
			return -1
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	before := count(b.settle("b's list", func(v string) bool { return count(v) > 0 }))
	a.keys("/", "Beatriz", "enter", "d")
	a.settleOn("Done: out of Needs reply")
	a.keys("esc") // the filter's line gives way to the sections' counts
	b.settle("Beatriz done in the other session", func(v string) bool { return count(v) == before-1 })

	b.keys("/", "Beatriz", "enter", "d")
	b.settleOn("Back in Needs reply")
	a.settle("Beatriz back in the first session", func(v string) bool { return count(v) == before })
	marks, err := st.SeenMarks(context.Background(), "Ana")
	if err != nil || len(marks) != 1 {
		t.Fatalf("Ana's stored marks = %+v, %v", marks, err)
	}
	for _, mk := range marks {
		if !mk.Done.IsZero() {
			t.Errorf("the stored mark is still done: %+v", mk)
		}
	}
}
