package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Reservation is room for a later WriteFile-like replacement of path, taken before the content
// exists: a temp file beside path already holding size bytes, so a full disk fails at Reserve
// and not after something irreversible (spending a single-use refresh token).
type Reservation struct {
	path, tmp string
	perm      os.FileMode
	f         *os.File
	size      int
}

// Reserve creates the temp file for path and fills it with size bytes (fsynced).
func Reserve(path string, size int, perm os.FileMode) (*Reservation, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("reserve %s: %w", path, err)
	}
	r := &Reservation{path: path, tmp: f.Name(), perm: perm, f: f, size: size}
	if err := f.Chmod(perm); err != nil {
		r.Abort()
		return nil, fmt.Errorf("reserve %s: %w", path, err)
	}
	if _, err := f.Write(make([]byte, size)); err != nil {
		r.Abort()
		return nil, fmt.Errorf("reserve %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		r.Abort()
		return nil, fmt.Errorf("reserve %s: %w", path, err)
	}
	return r, nil
}

// Commit writes data over the reserved bytes (no new blocks needed when data fits), truncates,
// fsyncs and renames it over path, then fsyncs the directory.
func (r *Reservation) Commit(data []byte) error {
	if r.f == nil {
		return errors.New("reservation already used")
	}
	f := r.f
	r.f = nil
	_, werr := f.WriteAt(data, 0)
	terr := f.Truncate(int64(len(data)))
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, terr, serr, cerr); err != nil {
		os.Remove(r.tmp)
		return fmt.Errorf("write %s: %w", r.path, err)
	}
	if err := os.Rename(r.tmp, r.path); err != nil {
		os.Remove(r.tmp)
		return fmt.Errorf("write %s: %w", r.path, err)
	}
	d, err := os.Open(filepath.Dir(r.path))
	if err != nil {
		return fmt.Errorf("sync %s: %w", filepath.Dir(r.path), err)
	}
	defer d.Close()
	return d.Sync()
}

// Abort gives the room back; path is untouched. Safe after Commit.
func (r *Reservation) Abort() {
	if r.f != nil {
		r.f.Close()
		r.f = nil
		os.Remove(r.tmp)
	}
}
