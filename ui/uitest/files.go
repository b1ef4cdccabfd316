package uitest

import (
	"os"
	"path/filepath"
	"testing"
)

// PNG is the smallest valid PNG, 33 bytes: a picture the upload checks accept.
const PNG = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

// Files writes each name's content (a slash in a name makes the folder) into a new temporary
// folder, 0600 as the seller's files may be private, and returns the folder.
func Files(tb testing.TB, files map[string]string) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}
