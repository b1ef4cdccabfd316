package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/postsale/postsale/api/atomicfile"
	"github.com/postsale/postsale/api/store"
)

// hubPersist keeps the Hub's persisted part (assignments, notes, sent-by): in the local store
// when the server has one, else in a state file. Each call is made under the Hub's lock with the
// state already changed in memory; st is that state, the other arguments say what changed.
type hubPersist interface {
	load() (hubState, error)
	assigned(st *hubState, packID string) error
	noted(st *hubState, packID string, n Note) error
	sent(st *hubState, messageID string, keep int) error
}

// stateFile keeps the whole state as one JSON file (0600), rewritten on every change.
type stateFile struct{ path string }

func (f stateFile) load() (hubState, error) {
	st := emptyHubState()
	data, err := os.ReadFile(f.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return st, nil
	case err != nil:
		return st, fmt.Errorf("read team state %s: %w", f.path, err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, fmt.Errorf("team state %s is damaged (%v): move it aside to start afresh", f.path, err)
	}
	if st.Assignments == nil {
		st.Assignments = map[string]Assignment{}
	}
	if st.Notes == nil {
		st.Notes = map[string][]Note{}
	}
	if st.SentBy == nil {
		st.SentBy = map[string]SentRecord{}
	}
	return st, nil
}

func (f stateFile) save(st *hubState) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return fmt.Errorf("save team state: %w", err)
	}
	if err := atomicfile.WriteFile(f.path, data, 0o600, nil); err != nil {
		return fmt.Errorf("save team state: %w", err)
	}
	return nil
}

func (f stateFile) assigned(st *hubState, _ string) error      { return f.save(st) }
func (f stateFile) noted(st *hubState, _ string, _ Note) error { return f.save(st) }
func (f stateFile) sent(st *hubState, _ string, _ int) error   { return f.save(st) }

// memoryOnly keeps nothing (a Hub without a state file or store).
type memoryOnly struct{}

func (memoryOnly) load() (hubState, error)             { return emptyHubState(), nil }
func (memoryOnly) assigned(*hubState, string) error    { return nil }
func (memoryOnly) noted(*hubState, string, Note) error { return nil }
func (memoryOnly) sent(*hubState, string, int) error   { return nil }

// storeWriteTimeout bounds one write of the team state to the store (its busy timeout is longer).
const storeWriteTimeout = 15 * time.Second

// teamStore keeps the state in the local store's team tables, one row per change.
type teamStore struct{ st *store.Store }

// importKey marks, in the store, that a team state file was imported (once).
const importKey = "serve_team_state_imported"

func (s teamStore) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), storeWriteTimeout)
}

func (s teamStore) load() (hubState, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	ts, err := s.st.TeamState(ctx)
	if err != nil {
		return emptyHubState(), fmt.Errorf("read the team state from the local store: %w", err)
	}
	st := emptyHubState()
	for _, a := range ts.Assignments {
		st.Assignments[a.PackID] = Assignment{Member: a.Member, By: a.By, At: a.At}
	}
	for _, n := range ts.Notes {
		st.Notes[n.PackID] = append(st.Notes[n.PackID], Note{Author: n.Author, At: n.At, Text: n.Text})
	}
	for _, r := range ts.Sent {
		st.SentBy[r.MessageID] = SentRecord{Member: r.Member, PackID: r.PackID, At: r.At}
	}
	return st, nil
}

func (s teamStore) assigned(st *hubState, packID string) error {
	ctx, cancel := s.ctx()
	defer cancel()
	a := st.Assignments[packID] // zero (unassigned) when deleted
	return s.wrap(s.st.SetTeamAssignment(ctx, store.TeamAssignment{PackID: packID, Member: a.Member, By: a.By, At: a.At}))
}

func (s teamStore) noted(_ *hubState, packID string, n Note) error {
	ctx, cancel := s.ctx()
	defer cancel()
	return s.wrap(s.st.AddTeamNote(ctx, store.TeamNote{PackID: packID, Author: n.Author, At: n.At, Text: n.Text}))
}

func (s teamStore) sent(st *hubState, messageID string, keep int) error {
	r, ok := st.SentBy[messageID]
	if !ok {
		return nil
	}
	ctx, cancel := s.ctx()
	defer cancel()
	return s.wrap(s.st.PutTeamSent(ctx, store.TeamSent{MessageID: messageID, Member: r.Member, PackID: r.PackID, At: r.At}, keep))
}

func (s teamStore) wrap(err error) error {
	if err != nil {
		return fmt.Errorf("save team state in the local store: %w", err)
	}
	return nil
}

// importFile moves an earlier state file's content into the store, once: the file is renamed to
// path+".imported" afterwards, and the store remembers the import so it never runs twice.
func (s teamStore) importFile(path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	st, err := stateFile{path}.load()
	if err != nil {
		return err
	}
	var ts store.TeamState
	for pack, a := range st.Assignments {
		ts.Assignments = append(ts.Assignments, store.TeamAssignment{PackID: pack, Member: a.Member, By: a.By, At: a.At})
	}
	for pack, notes := range st.Notes {
		for _, n := range notes {
			ts.Notes = append(ts.Notes, store.TeamNote{PackID: pack, Author: n.Author, At: n.At, Text: n.Text})
		}
	}
	for id, r := range st.SentBy {
		ts.Sent = append(ts.Sent, store.TeamSent{MessageID: id, Member: r.Member, PackID: r.PackID, At: r.At})
	}
	ctx, cancel := s.ctx()
	defer cancel()
	if _, err := s.st.ImportTeamState(ctx, importKey, ts); err != nil {
		return fmt.Errorf("import the team state %s into the local store: %w", path, err)
	}
	if err := os.Rename(path, path+".imported"); err != nil {
		return fmt.Errorf("team state imported into the local store, but %s could not be renamed: %w", path, err)
	}
	return nil
}

func emptyHubState() hubState {
	return hubState{Assignments: map[string]Assignment{}, Notes: map[string][]Note{}, SentBy: map[string]SentRecord{}}
}
