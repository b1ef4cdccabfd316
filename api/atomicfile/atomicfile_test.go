package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileModeAndContent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "token.json")
	if err := WriteFile(path, []byte("secret"), 0o600, nil); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, want 0600", fi.Mode().Perm())
	}
	if di, _ := os.Stat(filepath.Dir(path)); di.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode = %v, want 0700", di.Mode().Perm())
	}
	if b, _ := os.ReadFile(path); string(b) != "secret" {
		t.Fatalf("content = %q", b)
	}
}

func TestCrashBeforeRenameKeepsOldContentAndNoTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token.json")
	if err := WriteFile(path, []byte("old"), 0o600, nil); err != nil {
		t.Fatal(err)
	}
	crash := errors.New("crash")
	err := WriteFile(path, []byte("new"), 0o600, func(tmp string) error {
		if b, _ := os.ReadFile(tmp); string(b) != "new" {
			t.Errorf("temp file holds %q before rename, want the new content", b)
		}
		return crash
	})
	if !errors.Is(err, crash) {
		t.Fatalf("err = %v, want the injected crash", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("after an interrupted write the file holds %q, want the old content", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left %d entries in the folder, want only the file", len(entries))
	}
}
