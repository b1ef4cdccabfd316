package seen

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSaveLoadIsPrivateAndDropsOlderWrites(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "seen")
	d := NewDir(dir)
	ctx := context.Background()
	got, err := d.Load(ctx, "523132944")
	if err != nil || len(got) != 0 {
		t.Fatalf("no file: %v, %v; want no marks", got, err)
	}
	at := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	if err := d.Save(ctx, "523132944", 2, map[string]Mark{"1": {At: at, Unread: 2}}); err != nil {
		t.Fatal(err)
	}
	// An older mark arriving late does not undo the newer one.
	if err := d.Save(ctx, "523132944", 1, map[string]Mark{"1": {At: at.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	got, err = d.Load(ctx, "523132944")
	if err != nil || !got["1"].At.Equal(at) || got["1"].Unread != 2 {
		t.Fatalf("loaded %v, %v", got, err)
	}
	fi, err := os.Stat(d.Path("523132944"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file %v, %v: want 0600", fi, err)
	}
	if p := d.Path("../evil/x"); filepath.Dir(p) != dir {
		t.Fatalf("an account name escapes the folder: %s", p)
	}
	// Another account has its own file.
	if other, _ := d.Load(ctx, "999"); len(other) != 0 {
		t.Fatalf("another account sees %v", other)
	}
}

// Two sessions of one person (two Dirs on one folder) each write the conversations they
// marked: neither erases the other's, and the later mark of a conversation both marked wins.
func TestTwoSessionsKeepEachOthersMarks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "seen")
	ctx := context.Background()
	at := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	one, two := NewDir(dir), NewDir(dir)
	if err := one.Save(ctx, "523", 1, map[string]Mark{"A": {At: at}}); err != nil {
		t.Fatal(err)
	}
	if err := two.Save(ctx, "523", 1, map[string]Mark{"B": {Done: at}}); err != nil {
		t.Fatal(err)
	}
	if err := one.Save(ctx, "523", 2, map[string]Mark{"B": {At: at.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	got, err := NewDir(dir).Load(ctx, "523")
	if err != nil || len(got) != 2 || !got["A"].At.Equal(at) || !got["B"].At.Equal(at.Add(time.Hour)) || !got["B"].Done.IsZero() {
		t.Fatalf("loaded %+v, %v; want A from one session and B's later mark", got, err)
	}
}

func TestUnreadableFileIsAnError(t *testing.T) {
	dir := t.TempDir()
	d := NewDir(dir)
	if err := os.WriteFile(d.Path("1"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Load(context.Background(), "1"); err == nil {
		t.Fatal("a broken file loaded")
	}
}

func TestNothingIsWrittenAfterClose(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "seen")
	d := NewDir(dir)
	d.Close()
	if err := d.Save(context.Background(), "1", 1, map[string]Mark{"p": {Unread: 1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("a save after Close wrote %s (%v)", dir, err)
	}
}
