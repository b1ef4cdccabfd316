package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/postsale/postsale/api/atomicfile"
)

// FirstScreen is what an inbox's first frame shows from the store: saved beside it when the
// inbox ends (SaveFirstScreen, after Close) and read when it starts again (SavedFirstScreen), so
// the first frame needs no database. SQLite's start in a new process (its connection, reading
// the schema, the first queries' cold code) is about the time of a frame; with the saved screen
// the store opens while that frame is drawn. It is used only while the store's files are exactly
// as they were when it was saved: any write since (a CLI command, another terminal, a team
// server) and the next start reads the store instead. The inbox reads every stored row from the
// store as soon as it is open, either way.
type FirstScreen struct {
	// Packs are the first packs in the inbox's order (InboxPacks).
	Packs []Pack
	// Complete says Packs is every stored pack (a smaller store than the screen).
	Complete bool
	// Marks are the person's seen marks (SeenMarks) of those packs.
	Marks map[string]SeenMark
	// History is how far the stored history goes (Syncing is always false).
	History History
}

// firstScreenVersion is the saved file's format; another version is not read.
const firstScreenVersion = 1

// firstScreenHeader is the saved file's first line; the screen (FirstScreen's JSON) follows on
// the second, read only when the header says it stands for the store. The line is plain words,
// "postsale-first-screen 1 DB WAL WHO" (a file's state as EXISTS:SIZE:MODTIME, who quoted):
// a start reads it before anything else, and parsing it needs none of encoding/json's code,
// which a new process would load from disk first.
type firstScreenHeader struct {
	Version int
	Who     string
	// Files are the store's database and write-ahead log as they were after it closed.
	Files [2]fileState
}

// firstScreenMagic starts the header line.
const firstScreenMagic = "postsale-first-screen"

func (h firstScreenHeader) line() string {
	state := func(f fileState) string {
		e := 0
		if f.Exists {
			e = 1
		}
		return fmt.Sprintf("%d:%d:%d", e, f.Size, f.ModTime)
	}
	return fmt.Sprintf("%s %d %s %s %s", firstScreenMagic, h.Version, state(h.Files[0]), state(h.Files[1]), strconv.Quote(h.Who))
}

// parseFirstScreenHeader reads line (line's own format); ok is false for anything else.
func parseFirstScreenHeader(line string) (h firstScreenHeader, ok bool) {
	words := strings.SplitN(line, " ", 5)
	if len(words) != 5 || words[0] != firstScreenMagic {
		return h, false
	}
	var err error
	if h.Version, err = strconv.Atoi(words[1]); err != nil {
		return h, false
	}
	for i, w := range words[2:4] {
		parts := strings.Split(w, ":")
		if len(parts) != 3 {
			return h, false
		}
		var e, size, mod int64
		for j, p := range []*int64{&e, &size, &mod} {
			if *p, err = strconv.ParseInt(parts[j], 10, 64); err != nil {
				return h, false
			}
		}
		h.Files[i] = fileState{Exists: e == 1, Size: size, ModTime: mod}
	}
	if h.Who, err = strconv.Unquote(words[4]); err != nil {
		return h, false
	}
	return h, true
}

// fileState is what tells one state of a file from another: a write changes its modification
// time (to the nanosecond where the file system keeps it) or its size.
type fileState struct {
	Exists  bool
	Size    int64
	ModTime int64 // unix nanoseconds
}

// FirstScreenPath is where the first screen of the store at path is saved.
func FirstScreenPath(path string) string { return path + ".first" }

// ReadFirstScreen reads the first limit packs in the inbox's order, who's seen marks of them and
// the history, for SaveFirstScreen.
func (s *Store) ReadFirstScreen(ctx context.Context, who string, limit int) (FirstScreen, error) {
	packs, err := s.InboxPacks(ctx, limit)
	if err != nil {
		return FirstScreen{}, err
	}
	marks, err := s.SeenMarks(ctx, who)
	if err != nil {
		return FirstScreen{}, err
	}
	fs := FirstScreen{Packs: packs, Complete: len(packs) < limit, Marks: map[string]SeenMark{}}
	for _, p := range packs {
		if mk, ok := marks[p.ID]; ok {
			mk.Rev = 0 // a session reads every mark once the store is open (not only the later ones)
			fs.Marks[p.ID] = mk
		}
	}
	if fs.History, err = s.history(ctx); err != nil {
		return FirstScreen{}, err
	}
	return fs, nil
}

// SaveFirstScreen writes fs beside the store at path (0600, replacing the last one whole:
// atomicfile), with the state of the store's files: call it after the store is closed, so the state
// is the one the next start finds when nothing wrote since.
func SaveFirstScreen(path, who string, fs FirstScreen) error {
	h := firstScreenHeader{Version: firstScreenVersion, Who: who, Files: storeFiles(path)}
	if !h.Files[0].Exists {
		return errors.New("the store is not there")
	}
	screen, err := json.Marshal(fs)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(FirstScreenPath(path), slices.Concat([]byte(h.line()), []byte("\n"), screen), 0o600, nil)
}

// SavedFirstScreen reads the first screen saved beside the store for who, when it can stand for
// the store: the store's files were, when Start began opening it, as they were when it was
// saved, and it holds at least limit packs (or all of them). ok is false otherwise, and for a
// file missing, damaged or of another version: the inbox then reads the store.
func (s *Store) SavedFirstScreen(who string, limit int) (fs FirstScreen, ok bool) {
	screen, ok := s.savedFirstScreen(who)
	if !ok || json.Unmarshal(screen, &fs) != nil {
		return FirstScreen{}, false
	}
	if len(fs.Packs) < limit && !fs.Complete {
		return FirstScreen{}, false
	}
	for i := range fs.Packs {
		if st := fs.Packs[i].Status; st != nil && string(st.Raw) == "null" {
			st.Raw = nil
		}
	}
	fs.Packs = slices.Clip(fs.Packs[:min(len(fs.Packs), max(limit, 0))])
	return fs, true
}

// DiscardFirstScreen removes the first screen saved beside the store at path, if any: a store
// that could not be opened is not shown again from it.
func DiscardFirstScreen(path string) error {
	err := os.Remove(FirstScreenPath(path))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// HasSavedFirstScreen is SavedFirstScreen's first look, which reads only the saved file's
// header: a first screen for who is there and stands for the store's files as Start found them.
func (s *Store) HasSavedFirstScreen(who string) bool {
	f, err := os.Open(FirstScreenPath(s.path))
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 4096) // a header line is far shorter
	n, _ := io.ReadFull(f, b)
	head, _, ok := bytes.Cut(b[:n], []byte("\n"))
	return ok && s.standsFor(head, who)
}

// savedFirstScreen is the saved screen's JSON when its header stands for the store.
func (s *Store) savedFirstScreen(who string) ([]byte, bool) {
	b, err := os.ReadFile(FirstScreenPath(s.path))
	if err != nil {
		return nil, false
	}
	head, screen, ok := bytes.Cut(b, []byte("\n"))
	if !ok || !s.standsFor(head, who) {
		return nil, false
	}
	return screen, true
}

// standsFor reports whether a saved screen's header line is of this version, for who, and for
// the store's files as Start found them.
func (s *Store) standsFor(head []byte, who string) bool {
	h, ok := parseFirstScreenHeader(string(head))
	return ok && h.Version == firstScreenVersion && h.Who == who && h.Files == s.files
}

// storeFiles is the state of the store's database and write-ahead log (beside the file a
// symbolic link names, where SQLite keeps it).
func storeFiles(path string) [2]fileState {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	return [2]fileState{stateOf(path), stateOf(path + "-wal")}
}

func stateOf(path string) fileState {
	fi, err := os.Stat(path)
	if err != nil {
		return fileState{}
	}
	return fileState{Exists: true, Size: fi.Size(), ModTime: fi.ModTime().UnixNano()}
}

// history is how far the stored history goes, without the backfill's running state.
func (s *Store) history(ctx context.Context) (History, error) {
	oldest, err := s.Oldest(ctx)
	if err != nil {
		return History{}, err
	}
	b, err := s.Bookmark(ctx, BackfillResource)
	if err != nil {
		return History{}, err
	}
	delta, err := s.Bookmark(ctx, DeltaResource)
	if err != nil {
		return History{}, err
	}
	return History{Oldest: oldest, Done: b.Done, Synced: delta.SyncedAt}, nil
}
