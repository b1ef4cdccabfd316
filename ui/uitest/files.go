package uitest

import (
	"os"
	"path/filepath"
	"testing"
)

// Files writes each name's content into a new temporary folder (0600, as the seller's files
// may be private) and returns the folder.
func Files(tb testing.TB, files map[string]string) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}
