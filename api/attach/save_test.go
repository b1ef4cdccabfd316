package attach

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// sandboxDirs makes parent/{target,outside} and returns them; outside holds a file that must
// never change.
func sandboxDirs(t *testing.T) (parent, target, outside string) {
	t.Helper()
	parent = t.TempDir()
	target = filepath.Join(parent, "target")
	outside = filepath.Join(parent, "outside")
	for _, d := range []string{target, outside} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "keep.txt"), []byte("original"), 0o600); err != nil {
		t.Fatal(err)
	}
	return parent, target, outside
}

// tree lists every path under root except those under skip.
func tree(t *testing.T, root, skip string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == skip {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func assertOutsideUntouched(t *testing.T, parent, target string, before []string) {
	t.Helper()
	after := tree(t, parent, target)
	if len(after) != len(before) {
		t.Fatalf("files outside the target folder changed:\nbefore %v\nafter  %v", before, after)
	}
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("files outside the target folder changed:\nbefore %v\nafter  %v", before, after)
		}
	}
	b, err := os.ReadFile(filepath.Join(parent, "outside", "keep.txt"))
	if err != nil || string(b) != "original" {
		t.Fatalf("outside/keep.txt changed: %q, %v", b, err)
	}
}

func saveString(t *testing.T, dir, name, content string) string {
	t.Helper()
	fh, p, err := SaveTo(dir, name)
	if err != nil {
		t.Fatalf("SaveTo(%q): %v", name, err)
	}
	if _, err := fh.WriteString(content); err != nil {
		t.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSaveToNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "invoice.pdf"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	want := []string{"invoice (1).pdf", "invoice (2).pdf", "invoice (3).pdf"}
	for i, w := range want {
		p := saveString(t, dir, "invoice.pdf", "theirs")
		if p != filepath.Join(dir, w) {
			t.Fatalf("save %d went to %s, want %s", i, p, w)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "invoice.pdf")); string(b) != "mine" {
		t.Fatalf("the existing file was overwritten: %q", b)
	}
	st, err := os.Stat(filepath.Join(dir, "invoice (1).pdf"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("saved file mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}
	// A name without extension gets the suffix at the end.
	saveString(t, dir, "README", "a")
	if p := saveString(t, dir, "README", "b"); filepath.Base(p) != "README (1)" {
		t.Fatalf("second README saved as %s", filepath.Base(p))
	}
}

func TestSaveToHostileNamesStayInside(t *testing.T) {
	parent, target, _ := sandboxDirs(t)
	before := tree(t, parent, target)
	hostile := []string{
		"../outside/keep.txt", "../../x", "/etc/passwd", `..\outside\keep.txt`, "..", ".", "",
		"\x00", "outside/../../keep.txt", "a/../../b", "\x1b]52;c;AAAA\x07../keep.txt", "../target/../outside/keep.txt",
	}
	for _, name := range hostile {
		p := saveString(t, target, name, "payload")
		if filepath.Dir(p) != target {
			t.Fatalf("SaveTo(%q) wrote %s, outside %s", name, p, target)
		}
		assertSafe(t, name, filepath.Base(p))
	}
	assertOutsideUntouched(t, parent, target, before)
}

func TestSaveToPlantedSymlinks(t *testing.T) {
	parent, target, outside := sandboxDirs(t)
	// A link to an existing outside file, and a dangling one pointing where a new file would go.
	if err := os.Symlink(filepath.Join(outside, "keep.txt"), filepath.Join(target, "keep.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "new.txt"), filepath.Join(target, "new.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../outside/rel.txt", filepath.Join(target, "rel.txt")); err != nil {
		t.Fatal(err)
	}
	before := tree(t, parent, target)
	for name, want := range map[string]string{"keep.txt": "keep (1).txt", "new.txt": "new (1).txt", "rel.txt": "rel (1).txt"} {
		p := saveString(t, target, name, "payload")
		if p != filepath.Join(target, want) {
			t.Fatalf("SaveTo(%q) = %s, want %s", name, p, want)
		}
	}
	assertOutsideUntouched(t, parent, target, before)
	for _, gone := range []string{"new.txt", "rel.txt"} {
		if _, err := os.Lstat(filepath.Join(outside, gone)); !os.IsNotExist(err) {
			t.Fatalf("a file was created through the planted link %s: %v", gone, err)
		}
	}
}

func TestSaveToFolderThatIsALink(t *testing.T) {
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "Downloads")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	p := saveString(t, link, "a.txt", "x")
	if b, err := os.ReadFile(filepath.Join(real, "a.txt")); err != nil || string(b) != "x" {
		t.Fatalf("saved through the folder link to %s: %q, %v", p, b, err)
	}
}

func TestSaveToCreatesFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "Downloads")
	p := saveString(t, dir, "a.txt", "x")
	if filepath.Dir(p) != dir {
		t.Fatalf("saved to %s, want inside %s", p, dir)
	}
	if _, _, err := SaveTo("  ", "a.txt"); err == nil {
		t.Fatal("SaveTo with no folder succeeded")
	}
}
