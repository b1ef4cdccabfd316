package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReserveThenCommitOrAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "acct.token")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Reserve(path, 4096, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	r.Abort()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("abort changed the file: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("abort left %d files", len(entries))
	}
	r, err = Reserve(path, 4096, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Commit([]byte("new")); err != nil {
		t.Fatal(err)
	}
	r.Abort() // harmless after commit
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatalf("commit wrote %q", b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	// No room to take (here: the folder cannot be created): Reserve fails before anything.
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Reserve(filepath.Join(blocker, "x.token"), 4096, 0o600); err == nil {
		t.Fatal("Reserve under a file succeeded")
	}
}
