// Package store is postsale's local history: one SQLite file per account (modernc.org/sqlite,
// pure Go, FTS5 built in) holding packs, conversation status, every message as the API served
// it, attachment metadata, what the seller has seen, and the sync bookmarks. It lets the inbox
// start on what it knew, work offline, and search every message ever exchanged.
//
// The file is opened in WAL mode with a busy timeout and immediate write transactions, so the
// inbox and CLI commands (separate processes) can read and write it at once. A store that cannot
// be read is set aside (renamed, never deleted) and a new one started; Notice says so.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/postsale/postsale/api/filelock"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// maxConns bounds the connection pool (each has its own page cache).
const maxConns = 4

// busyTimeout is how long a writer waits for another process's write to finish.
const busyTimeout = 10 * time.Second

// Store is one account's local history. Its methods are safe for concurrent use.
type Store struct {
	db    *openingDB // every method waits for it (Start)
	path  string
	aside string // where the opening set a damaged store aside ("" when it did not)
	why   error  // why it did
	now   func() time.Time
	stmts stmtCache
	watch watchers // readers waiting for writes (watch.go)
	// files are the database's and its log's states as Start found them, before opening them
	// (SavedFirstScreen).
	files [2]fileState
}

// Option configures Open.
type Option func(*Store)

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// Open opens (creating when missing) the store at path, with its directory 0700 and the file
// 0600, and migrates it to the current schema. A file that is not a readable SQLite database is
// kept as path + ".corrupt-<UTC timestamp>" and a new store is created in its place (under a
// lock on path + ".lock", so two processes that find it at once make one new store); Notice
// then returns one sentence saying so. A store written by a newer postsale is left alone and
// reported as a *NewerError.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	s := Start(ctx, path, opts...)
	if err := s.Ready(context.Background()); err != nil { // the opening itself ends with ctx
		s.Close()
		return nil, err
	}
	return s, nil
}

// Start is Open in the background: it returns the store at once, and each of its methods waits
// until the opening has ended (or its own context has), then fails with the opening's error if
// there was one. Ready waits for the opening alone. The inbox starts on a first screen saved at
// its last exit (FirstScreen) while its store opens.
func Start(ctx context.Context, path string, opts ...Option) *Store {
	s := Lazy(ctx, path, opts...)
	s.db.start()
	return s
}

// Lazy is Start without starting: the store starts opening when it is first used (any method,
// Ready), under ctx. Until then its files are untouched: an inbox that starts on its saved first
// screen (SavedFirstScreen) opens it once that screen is drawn.
func Lazy(ctx context.Context, path string, opts ...Option) *Store {
	s := &Store{path: path, now: time.Now, files: storeFiles(path)}
	for _, o := range opts {
		o(s)
	}
	s.db = newOpeningDB(func() {
		go func() {
			db, err := s.openOrReplace(ctx)
			s.db.set(db, err)
		}()
	})
	return s
}

// StartOpening starts the opening of a Lazy store now, unless it has started.
func (s *Store) StartOpening() { s.db.start() }

// Opened is closed once the store's opening has ended (it does not start it): Ready then
// returns at once.
func (s *Store) Opened() <-chan struct{} { return s.db.ready }

// Ready starts the store's opening if it has not started (Lazy), waits until it has ended and
// says why the store could not be opened, if it could not; or it returns ctx's error first.
func (s *Store) Ready(ctx context.Context) error {
	s.db.start()
	select {
	case <-s.db.ready:
		return s.db.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Store) openOrReplace(ctx context.Context) (*sql.DB, error) {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return nil, fmt.Errorf("create the store's folder: %w", err)
	}
	db, failed, err := s.open(ctx, s.path)
	if err != nil && setAsideWorthy(err) {
		db, err = s.replaceDamaged(ctx, failed, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open the local store %s: %w", s.path, err)
	}
	return db, nil
}

// replaceDamaged sets the damaged file aside and opens a new store in its place. One process at
// a time does it, under a lock beside the store: another that found the same damaged file
// waits, then opens the new store whole, instead of setting it aside in turn or reading it half
// made.
func (s *Store) replaceDamaged(ctx context.Context, failed os.FileInfo, why error) (*sql.DB, error) {
	unlock, err := filelock.Lock(ctx, s.path+".lock")
	if err != nil {
		return nil, fmt.Errorf("the local store %s cannot be read (%v) and could not be set aside: %w", s.path, why, err)
	}
	defer unlock()
	db, failed, err := s.open(ctx, s.path) // what a process before this one left, if one did
	for try := 0; try < 2 && err != nil && setAsideWorthy(err); try++ {
		aside, rerr := s.setAside(ctx, failed)
		switch {
		case errors.Is(rerr, errMovedAway):
			// Another process (one where files cannot be locked) found the same damaged file
			// and set it aside first: open what it started in its place.
		case rerr != nil:
			return nil, fmt.Errorf("the local store %s cannot be read (%v) and could not be set aside: %w", s.path, err, rerr)
		case s.aside == "":
			s.aside, s.why = aside, err
		}
		db, failed, err = s.open(ctx, s.path)
	}
	return db, err
}

// open creates the file at path 0600 when missing, connects and migrates. It also returns the
// file it opened (nil when it could not say), so a caller can tell whether the path still names
// it.
func (s *Store) open(ctx context.Context, path string) (*sql.DB, os.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, err
	}
	fi, _ := f.Stat()
	f.Close()
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "cache_size(-8192)") // 8 MiB of pages per connection: search walks many
	q.Add("_pragma", "foreign_keys(OFF)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fi, err
	}
	// A few connections are plenty (writers queue on SQLite's lock anyway) and bound the page
	// caches' memory.
	db.SetMaxOpenConns(maxConns)
	// Reading the schema forces SQLite to read the header: a file that is not a database fails
	// here rather than in the middle of the inbox.
	if err := firstRead(ctx, db); err != nil {
		db.Close()
		return nil, fi, err
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fi, err
	}
	return db, fi, nil
}

// firstRead reads the schema on a first connection. That connection also turns a new file to
// WAL mode, which needs the file to itself: when another process is opening the same new store
// at that moment, SQLite answers SQLITE_BUSY at once instead of waiting busy_timeout. firstRead
// waits for it as busy_timeout would, trying again until busyTimeout has passed.
func firstRead(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for wait := 2 * time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		var n int
		err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n)
		if err == nil || !isBusy(err) || time.Now().Add(wait).After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// isBusy reports SQLite's SQLITE_BUSY (another connection holds the lock needed).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// setAsideWorthy tells a damaged or foreign file (set it aside) from a passing problem such as a
// lock held too long or a full disk (report it, touch nothing).
func setAsideWorthy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_FORMAT:
			return true
		}
		return false
	}
	return errors.Is(err, fs.ErrPermission)
}

// replaced reports whether path no longer names the file failed (another process moved it
// away, and may have started a new store there). A file that cannot be compared counts as
// still there.
func replaced(path string, failed os.FileInfo) bool {
	if failed == nil {
		return false
	}
	cur, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	return err == nil && !os.SameFile(failed, cur)
}

// setAside keeps the damaged file (and its WAL and shared-memory files) under a name nothing
// has yet: a store set aside in the same second as another (a second damaged store, another
// process) gets "-2", "-3"…, and never replaces the one kept before it. A new store, made under
// another name, then takes the path in one rename (fresh): the path always names a file, and a
// process that still has the damaged file open never takes the new store's journal for its own
// (SQLite finds a journal by the database's name, and would roll it back into the damaged file).
// Where files have one name only, the damaged one is renamed away and the new store starts in
// its place.
func (s *Store) setAside(ctx context.Context, failed os.FileInfo) (string, error) {
	base := s.path + ".corrupt-" + s.now().UTC().Format("20060102T150405Z")
	for n := 1; ; n++ {
		aside := base
		if n > 1 {
			aside = fmt.Sprintf("%s-%d", base, n)
		}
		if replaced(s.path, failed) {
			return "", errMovedAway
		}
		err := os.Link(s.path, aside)
		switch {
		case errors.Is(err, fs.ErrExist) && n < 1000:
			continue
		case errors.Is(err, fs.ErrNotExist):
			return "", errMovedAway
		case errors.Is(err, fs.ErrExist):
			return "", err
		case err != nil: // no hard links here
			if err := moveNew(s.path, aside); err != nil {
				return "", err
			}
			moveSiblings(s.path, aside)
			return aside, nil
		}
		moveSiblings(s.path, aside)
		if err := s.fresh(ctx); err != nil {
			// Kept already: the new store starts in its place instead.
			if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return "", err
			}
		}
		return aside, nil
	}
}

// moveSiblings moves the damaged file's WAL and shared-memory files beside its kept copy.
func moveSiblings(path, aside string) {
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err == nil {
			_ = moveNew(path+suffix, aside+suffix)
		}
	}
}

// fresh makes a new store under path + ".new" and renames it over path. A clean close leaves no
// WAL beside it; one that did stays where it is, and fresh fails.
func (s *Store) fresh(ctx context.Context) error {
	tmp := s.path + ".new"
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} { // an earlier attempt's
		if err := os.Remove(tmp + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	db, _, err := s.open(ctx, tmp)
	if err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	if _, err := os.Stat(tmp + "-wal"); err == nil {
		return fmt.Errorf("the new store %s kept its WAL after closing", tmp)
	}
	return os.Rename(tmp, s.path)
}

// errMovedAway: the damaged file was no longer there to set aside.
var errMovedAway = errors.New("the store was moved away meanwhile")

// moveNew renames from to to, failing with fs.ErrExist instead of replacing a file already
// named to. A hard link makes the check and the move one step; where the file system has no
// hard links, it checks first and then renames.
func moveNew(from, to string) error {
	err := os.Link(from, to)
	switch {
	case err == nil:
		if err := os.Remove(from); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	case errors.Is(err, fs.ErrExist), errors.Is(err, fs.ErrNotExist):
		return err
	}
	if _, serr := os.Lstat(to); serr == nil {
		return &fs.PathError{Op: "set aside", Path: to, Err: fs.ErrExist}
	}
	return os.Rename(from, to)
}

// Rebuild is when a new store started in place of a damaged one fills again, as the seller is
// told (NoticeFor): a sentence saying it is being rebuilt is only true while Mercado Libre is
// being asked.
type Rebuild int

const (
	// RebuildNow: Mercado Libre is being asked (the inbox syncing, a command catching up).
	RebuildNow Rebuild = iota
	// RebuildWhenReachable: Mercado Libre could not be reached; the first sync that reaches it
	// rebuilds the store.
	RebuildWhenReachable
	// RebuildNotAsked: the command does not ask Mercado Libre at all (--offline).
	RebuildNotAsked
)

// Notice is one sentence for the seller when Open had to set a damaged store aside, else "",
// said as it is rebuilt now (NoticeFor(RebuildNow)).
func (s *Store) Notice() string { return s.NoticeFor(RebuildNow) }

// NoticeFor is Notice worded for when the new store is rebuilt, "" when nothing was set aside.
func (s *Store) NoticeFor(when Rebuild) string {
	s.Ready(context.Background()) // set aside or not, the opening says
	if s.aside == "" {
		return ""
	}
	const lead = "The local store could not be read, so it was set aside as "
	name := filepath.Base(s.aside)
	switch when {
	case RebuildWhenReachable:
		return lead + name + " and a new one will be rebuilt from Mercado Libre once it can be reached."
	case RebuildNotAsked:
		return lead + name + " and a new, empty one started; it is rebuilt from Mercado Libre the next time postsale runs without --offline."
	}
	return lead + name + " and a new one is being rebuilt from Mercado Libre."
}

// SetAside is where Open renamed a damaged store and what it could not read there (why), for
// the log; "" and nil when it set nothing aside.
func (s *Store) SetAside() (path string, why error) {
	s.Ready(context.Background())
	return s.aside, s.why
}

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error {
	s.stmts.close()
	return s.db.Close()
}

// Meta reads a value the store keeps about itself ("" when unset).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta writes a value the store keeps about itself.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	return err
}

// nanos is t as unix nanoseconds, 0 for the zero time.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos is the inverse of nanos.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
