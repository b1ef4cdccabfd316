//go:build unix

package logging

import (
	"os"
	"path/filepath"
	"testing"
)

// A symlink planted at the log's path is not followed: the file it points to stays untouched.
func TestLogIsNotOpenedThroughASymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "victim")
	if err := os.WriteFile(target, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "state", FileName)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	f, err := OpenFile(path, 0)
	if err == nil {
		_, _ = f.Write([]byte("written through the link\n"))
		f.Close()
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Fatalf("the log was written through the symlink: %q", b)
	}
	if err == nil {
		t.Fatal("the log opened through a symlink")
	}
}
