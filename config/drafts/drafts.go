// Package drafts keeps the seller's unsent replies on disk, one JSON file per pack in
// postsale's state dir, so a crash, a kill -9 or a closed terminal never loses a reply.
package drafts

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/postsale/postsale/api/atomicfile"
	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/config/plainname"
)

// Draft is an unsent reply: what compose holds for one pack.
type Draft struct {
	PackID         string    `json:"pack_id"`
	Text           string    `json:"text"`
	TextTranslated string    `json:"text_translated,omitempty"`
	Files          []string  `json:"files,omitempty"` // local paths the seller chose to attach
	Saved          time.Time `json:"saved"`
}

// Empty reports a draft with nothing worth keeping.
func (d Draft) Empty() bool {
	return strings.TrimSpace(d.Text) == "" && strings.TrimSpace(d.TextTranslated) == "" && len(d.Files) == 0
}

// Store reads and writes drafts in one directory. It is safe for concurrent use; build one per
// process (or per SSH session's state dir).
type Store struct {
	dir string
	now func() time.Time

	mu sync.Mutex
	// ticket orders writes: a save holding an older ticket than the pack's floor (a newer save,
	// or the delete after a send) is dropped, so a slow debounced save never resurrects a sent draft.
	ticket uint64
	floor  map[string]uint64
	closed bool // Close: nothing is written any more
}

// ErrClosed is a write to a store after Close.
var ErrClosed = errors.New("the drafts folder is closed")

// NewStore keeps drafts in dir (created on first save, 0700).
func NewStore(dir string) *Store {
	return &Store{dir: dir, now: time.Now, floor: map[string]uint64{}}
}

// Open returns the store in postsale's state dir: $XDG_STATE_HOME/postsale/drafts.
func Open(env config.Env) (*Store, error) {
	state, err := config.StateDir(env)
	if err != nil {
		return nil, err
	}
	return NewStore(filepath.Join(state, "drafts")), nil
}

// Dir is where the drafts live.
func (s *Store) Dir() string { return s.dir }

// Close ends writing: a save or delete still running finishes first, later ones are refused
// (ErrClosed), so a folder removed after Close (the demo's temporary one) stays removed even
// when a debounced save wakes late.
func (s *Store) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
}

// SetClock replaces the clock that stamps Draft.Saved (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// plainID: 1 to 64 letters, digits, '_' or '-' (pack ids are digits).
func plainID(id string) bool { return plainname.Valid(id, 64, "_-", true) }

// Path is the file of pack's draft. Ids that are not plain (pack ids are digits) are hex-encoded
// so no id can escape the directory.
func (s *Store) Path(packID string) string {
	name := packID
	if !plainID(packID) {
		name = "x" + hex.EncodeToString([]byte(packID))
	}
	return filepath.Join(s.dir, name+".json")
}

// Ticket reserves the next write position; Save and Delete take one themselves.
func (s *Store) Ticket() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ticket++
	return s.ticket
}

// Save writes d now. An empty draft removes the file: there is nothing to lose.
func (s *Store) Save(d Draft) error { return s.SaveTicket(d, s.Ticket()) }

// SaveTicket writes d unless a write or delete with a newer ticket already happened for its pack.
func (s *Store) SaveTicket(d Draft, ticket uint64) error {
	if d.PackID == "" {
		return errors.New("save draft: no pack id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("save draft for pack %s: %w", d.PackID, ErrClosed)
	}
	if ticket < s.floor[d.PackID] {
		return nil
	}
	s.floor[d.PackID] = ticket
	if d.Empty() {
		return s.remove(d.PackID)
	}
	d.Saved = s.now().UTC()
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("save draft for pack %s: %w", d.PackID, err)
	}
	if err := atomicfile.WriteFile(s.Path(d.PackID), append(data, '\n'), 0o600, nil); err != nil {
		return fmt.Errorf("save draft for pack %s: %w", d.PackID, err)
	}
	return nil
}

// Load returns pack's draft; a pack without one gives an empty Draft and no error.
func (s *Store) Load(packID string) (Draft, error) {
	data, err := os.ReadFile(s.Path(packID))
	if errors.Is(err, fs.ErrNotExist) {
		return Draft{PackID: packID}, nil
	}
	if err != nil {
		return Draft{PackID: packID}, fmt.Errorf("read draft for pack %s: %w", packID, err)
	}
	var d Draft
	if err := json.Unmarshal(data, &d); err != nil {
		// Set it aside, so no later save (an empty one deletes the draft file) can lose it.
		kept, rerr := s.setAside(packID)
		if rerr != nil {
			return Draft{PackID: packID}, fmt.Errorf("draft for pack %s is damaged (%s, left in place: %v): %w", packID, s.Path(packID), rerr, err)
		}
		return Draft{PackID: packID}, &DamagedError{PackID: packID, KeptAs: kept, Err: err}
	}
	d.PackID = packID
	return d, nil
}

// Delete removes pack's draft: call it only after the send succeeded. Saves still in flight
// for the pack are dropped.
func (s *Store) Delete(packID string) error { return s.DeleteTicket(packID, s.Ticket()) }

// DeleteTicket removes the pack's draft unless a write with a newer ticket already happened.
func (s *Store) DeleteTicket(packID string, ticket uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("delete draft for pack %s: %w", packID, ErrClosed)
	}
	if ticket < s.floor[packID] {
		return nil
	}
	s.floor[packID] = ticket
	return s.remove(packID)
}

func (s *Store) remove(packID string) error {
	if err := os.Remove(s.Path(packID)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete draft for pack %s: %w", packID, err)
	}
	return nil
}

// List returns every saved draft, newest first (the pack list can mark packs with a draft).
// Damaged files and leftover temporary files are skipped.
func (s *Store) List() ([]Draft, error) {
	entries, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list drafts: %w", err)
	}
	var out []Draft
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(s.dir, name))
		if err != nil {
			continue
		}
		var d Draft
		if json.Unmarshal(data, &d) != nil || d.PackID == "" || s.Path(d.PackID) != filepath.Join(s.dir, name) {
			continue
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Saved.After(out[j].Saved) })
	return out, nil
}

// SessionDir is the drafts folder of one person working on one account under base: base itself
// when both are "" (one seller at one terminal, the folder earlier versions used), else
// base/a-<account>/p-<person> with each name made safe, so people sharing an account over SSH
// never see or overwrite each other's drafts.
func SessionDir(base, account, person string) string {
	if account == "" && person == "" {
		return base
	}
	dir := base
	for _, part := range []string{"a-" + account, "p-" + person} {
		name := part
		if !plainID(part) {
			name = "x" + hex.EncodeToString([]byte(part))
		}
		dir = filepath.Join(dir, name)
	}
	return dir
}

// DamagedError is a draft file that could not be read; it was renamed to KeptAs (".bad"),
// where it stays until the seller deals with it.
type DamagedError struct {
	PackID, KeptAs string
	Err            error
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("draft for pack %s is damaged (%v); it is kept as %s", e.PackID, e.Err, e.KeptAs)
}

// Unwrap exposes the decoding error.
func (e *DamagedError) Unwrap() error { return e.Err }

// setAside renames pack's draft file to a free "<file>.bad" name and returns it.
func (s *Store) setAside(packID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := s.Path(packID)
	for i := 0; i < 100; i++ {
		to := from + ".bad"
		if i > 0 {
			to = fmt.Sprintf("%s.%d.bad", from, i)
		}
		if _, err := os.Lstat(to); err == nil {
			continue
		}
		if err := os.Rename(from, to); err != nil {
			return "", err
		}
		return to, nil
	}
	return "", errors.New("too many damaged drafts kept")
}
