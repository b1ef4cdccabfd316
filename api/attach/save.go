package attach

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// maxCopies bounds the "name (n).ext" search so a folder full of copies ends with a sentence.
const maxCopies = 999

// folder is a target directory opened as an os.Root: every file operation below it is confined
// to it, even through symlinks planted inside.
type folder struct {
	dir  string // the directory with symlinks resolved
	root *os.Root
}

// ErrNoFolder is a folder to save into that does not exist (or is not a folder) and that
// postsale may not create: the folder of a file the seller named.
var ErrNoFolder = errors.New("the folder does not exist")

// openFolder opens dir, first creating it if create is set (0700: attachments can hold personal
// data). Without create, a missing dir is an error matching ErrNoFolder: a folder is made only
// where the seller asked for one (the downloads folder), never from a typo in a file's path.
func openFolder(dir string, create bool) (*folder, error) {
	if strings.TrimSpace(dir) == "" {
		return nil, errors.New("no folder given to save into")
	}
	if create {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create folder %s: %w", dir, err)
		}
	} else if st, err := os.Stat(filepath.Clean(dir)); errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || err == nil && !st.IsDir() {
		return nil, fmt.Errorf("open folder %s: %w", dir, ErrNoFolder) // ENOTDIR: a file on the way
	}
	real, err := filepath.EvalSymlinks(dir) // the folder itself may be a link the seller made
	if err != nil {
		return nil, fmt.Errorf("open folder %s: %w", dir, err)
	}
	if real, err = filepath.Abs(real); err != nil {
		return nil, fmt.Errorf("open folder %s: %w", dir, err)
	}
	root, err := os.OpenRoot(real)
	if err != nil {
		return nil, fmt.Errorf("open folder %s: %w", dir, err)
	}
	return &folder{dir: real, root: root}, nil
}

func (f *folder) Close() error { return f.root.Close() }

// path returns the absolute path of name in the folder after checking it is a direct child.
func (f *folder) path(name string) (string, error) {
	p := filepath.Join(f.dir, name)
	rel, err := filepath.Rel(f.dir, p)
	if err != nil || rel != name || rel == "." || strings.ContainsAny(rel, `/\`) || rel == ".." {
		return "", fmt.Errorf("refusing to write %q outside %s", name, f.dir)
	}
	return p, nil
}

// create makes a new file exclusively; O_EXCL also refuses a symlink planted at that name.
func (f *folder) create(name string) (*os.File, error) {
	return f.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

// SaveTo creates a new file in dir for a server-provided name: the name is made safe
// (SafeName), and an existing file is never overwritten — "name (1).ext", "name (2).ext", ...
// are tried instead. It returns the open file (the caller writes and closes it) and its path.
func SaveTo(dir, name string) (*os.File, string, error) {
	f, err := openFolder(dir, true)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	safe := SafeName(name)
	for i := 0; i <= maxCopies; i++ {
		cand := candidate(safe, i)
		p, err := f.path(cand)
		if err != nil {
			return nil, "", err
		}
		fh, err := f.create(cand)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("save %s in %s: %w", cand, f.dir, err)
		}
		return fh, p, nil
	}
	return nil, "", fmt.Errorf("save %s in %s: %d copies already exist; clean the folder up", safe, f.dir, maxCopies)
}

// candidate is the i-th name tried: name, then "stem (i).ext".
func candidate(name string, i int) string {
	if i == 0 {
		return name
	}
	stem, ext := splitExt(name)
	return stem + " (" + strconv.Itoa(i) + ")" + ext
}

// place gives the finished temporary file tmp its final name without overwriting anything: a
// hard link fails if the name exists. Where links are not supported, the name is reserved with
// O_EXCL first and the temporary file renamed over that reservation.
func (f *folder) place(tmp, name string) (string, error) {
	linkOK := true
	for i := 0; i <= maxCopies; i++ {
		cand := candidate(name, i)
		p, err := f.path(cand)
		if err != nil {
			return "", err
		}
		if linkOK {
			err = f.root.Link(tmp, cand)
			if err == nil {
				_ = f.root.Remove(tmp)
				return p, nil
			}
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			linkOK = false // no hard links here (some file systems): reserve then rename
		}
		fh, err := f.create(cand)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("save %s in %s: %w", cand, f.dir, err)
		}
		fh.Close()
		if err := f.root.Rename(tmp, cand); err != nil {
			_ = f.root.Remove(cand)
			return "", fmt.Errorf("save %s in %s: %w", cand, f.dir, err)
		}
		return p, nil
	}
	return "", fmt.Errorf("save %s in %s: %d copies already exist; clean the folder up", name, f.dir, maxCopies)
}

// placeExact gives tmp exactly the name the seller chose, failing with ErrExists rather than
// replacing anything.
func (f *folder) placeExact(tmp, name string) (string, error) {
	p, err := f.path(name)
	if err != nil {
		return "", err
	}
	err = f.root.Link(tmp, name)
	if err == nil {
		_ = f.root.Remove(tmp)
		return p, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		// No hard links here: reserve the name, then rename over the reservation.
		fh, cerr := f.create(name)
		if cerr != nil {
			err = cerr
		} else {
			fh.Close()
			if err = f.root.Rename(tmp, name); err == nil {
				return p, nil
			}
			_ = f.root.Remove(name)
			return "", err
		}
	}
	if errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("%s: %w", p, ErrExists)
	}
	return "", err
}

// tempName is a hidden, unguessable name for a download in progress.
func tempName() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return ".postsale-" + hex.EncodeToString(b) + ".part"
}
