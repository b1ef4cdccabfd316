// Package logging sends postsale's log/slog records to a size-capped file in the state dir,
// never to the terminal the UI draws on, and scrubs anything that looks like a token first.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/postsale/postsale/config"
)

// FileName is the log's name inside the state dir.
const FileName = "postsale.log"

// DefaultMaxSize caps the log file; one older file (postsale.log.1) is kept beside it.
const DefaultMaxSize = 5 << 20

// Options configures Open.
type Options struct {
	// Dir holds the log; "" means postsale's state dir.
	Dir string
	// Debug logs Debug records too (--debug); Info and above otherwise.
	Debug bool
	// MaxSize is the size at which the file is rotated (DefaultMaxSize when <= 0).
	MaxSize int64
}

// Open returns a logger writing to Dir/postsale.log and the file to close on exit.
func Open(env config.Env, opts Options) (*slog.Logger, io.Closer, error) {
	dir := opts.Dir
	if dir == "" {
		state, err := config.StateDir(env)
		if err != nil {
			return nil, nil, err
		}
		dir = state
	}
	f, err := OpenFile(filepath.Join(dir, FileName), opts.MaxSize)
	if err != nil {
		return nil, nil, err
	}
	return New(f, opts.Debug), f, nil
}

// New returns a redacting text logger on w at Info, or Debug when debug is set.
func New(w io.Writer, debug bool) *slog.Logger {
	level := slog.LevelInfo
	if debug {
		level = slog.LevelDebug
	}
	return slog.New(NewRedactingHandler(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})))
}

// File is a log file that rotates to path.1 when it would grow past its cap.
type File struct {
	mu   sync.Mutex
	path string
	max  int64
	f    *os.File
	size int64
}

// OpenFile opens (appending) or creates path with mode 0600 in a 0700 directory.
func OpenFile(path string, maxSize int64) (*File, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	lf := &File{path: path, max: maxSize}
	if err := lf.open(); err != nil {
		return nil, err
	}
	return lf, nil
}

func (lf *File) open() error {
	f, err := os.OpenFile(lf.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND|oNoFollow, 0o600)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open log: %w", err)
	}
	lf.f, lf.size = f, fi.Size()
	return nil
}

// Write appends p, rotating first when p would push the file past its cap.
func (lf *File) Write(p []byte) (int, error) {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if lf.f == nil {
		return 0, os.ErrClosed
	}
	if lf.size > 0 && lf.size+int64(len(p)) > lf.max {
		if err := lf.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := lf.f.Write(p)
	lf.size += int64(n)
	return n, err
}

func (lf *File) rotate() error {
	if err := lf.f.Close(); err != nil {
		return fmt.Errorf("rotate log: %w", err)
	}
	lf.f = nil
	if err := os.Rename(lf.path, lf.path+".1"); err != nil {
		return fmt.Errorf("rotate log: %w", err)
	}
	return lf.open()
}

// Close closes the file.
func (lf *File) Close() error {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if lf.f == nil {
		return nil
	}
	err := lf.f.Close()
	lf.f = nil
	return err
}

// Path is the log file's path.
func (lf *File) Path() string { return lf.path }
