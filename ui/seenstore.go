package ui

import (
	"context"
	"fmt"
	"maps"
	"os"
	"sync"

	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/config/seen"
	"github.com/postsale/postsale/ui/common"
)

// StoreSeen keeps a person's triage marks (conversations opened, marked done) in the account's
// local store, with the history they describe, when there is one: who is "" for the seller at
// their terminal, a member's name in a served team inbox. Marks an earlier version kept in a
// file (config/seen) are imported on the first Load, and the file is renamed *.imported so it
// is read once. Like the file, a Save writes only the conversations it has (a person's other
// sessions keep theirs), drops a conversation's mark older (by seq) than one it already wrote,
// and writes nothing after Close.
type StoreSeen struct {
	st   *store.Store
	who  string
	file *seen.Dir // where earlier versions kept the marks; nil: nothing to import

	mu     sync.Mutex     // held for a whole write
	last   map[string]int // by pack: the seq of the mark last written
	rev    int64          // the highest revision of who's marks read (store.SeenMarksSince)
	closed bool
}

// NewStoreSeen keeps who's marks in st, importing them from file once (file may be nil).
func NewStoreSeen(st *store.Store, who string, file *seen.Dir) *StoreSeen {
	return &StoreSeen{st: st, who: who, file: file, last: map[string]int{}}
}

// Load reads the marks; account names the file to import from. The file's marks join the
// stored ones even when marks were already stored (a mark saved before the account was known,
// offline): the stored mark of a conversation wins over the file's older one.
func (s *StoreSeen) Load(ctx context.Context, account string) (map[string]common.SeenMark, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, err := s.stored(ctx)
	if err != nil {
		return nil, err
	}
	if s.file != nil {
		return s.importFile(ctx, account, stored)
	}
	return stored, nil
}

// Preload reads the stored marks without the account (common.SeenPreloader): they are kept per
// person, so a session's first frame can show them. Marks still in an earlier version's file
// wait for Load, which knows the account the file is named after.
func (s *StoreSeen) Preload(ctx context.Context) (map[string]common.SeenMark, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stored(ctx)
}

// stored reads who's marks from the store.
func (s *StoreSeen) stored(ctx context.Context) (map[string]common.SeenMark, error) {
	stored, err := s.st.SeenMarks(ctx, s.who)
	if err != nil {
		return nil, fmt.Errorf("read seen conversations: %w", err)
	}
	return s.fromStored(stored), nil
}

// Changed reads the marks written since the session last read them (common.SeenRefresher): its
// own, and those the person's other sessions set meanwhile.
func (s *StoreSeen) Changed(ctx context.Context) (map[string]common.SeenMark, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, err := s.st.SeenMarksSince(ctx, s.who, s.rev)
	if err != nil {
		return nil, fmt.Errorf("read seen conversations: %w", err)
	}
	return s.fromStored(stored), nil
}

// fromStored converts marks read from the store, and keeps the highest revision read.
func (s *StoreSeen) fromStored(stored map[string]store.SeenMark) map[string]common.SeenMark {
	for _, mk := range stored {
		s.rev = max(s.rev, mk.Rev)
	}
	return sessionMarks(stored)
}

// importFile moves the file's marks into the store under the stored ones and renames the file.
func (s *StoreSeen) importFile(ctx context.Context, account string, stored map[string]common.SeenMark) (map[string]common.SeenMark, error) {
	marks, err := s.file.Load(ctx, account) // none when there is no file
	if err != nil {
		return nil, err
	}
	if len(marks) == 0 {
		return stored, nil
	}
	maps.Copy(marks, stored)
	if err := s.st.PutSeenMarks(ctx, s.who, toStored(marks)); err != nil {
		return nil, fmt.Errorf("keep seen conversations in the local store: %w", err)
	}
	path := s.file.Path(account)
	if err := os.Rename(path, path+".imported"); err != nil {
		return nil, fmt.Errorf("set the imported seen file aside: %w", err)
	}
	return marks, nil
}

// Save writes the marks of the conversations in marks; a conversation's mark older (by seq) than
// one already written is dropped, and nothing is written after Close.
func (s *StoreSeen) Save(ctx context.Context, _ string, seq int, marks map[string]common.SeenMark) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	fresh := map[string]common.SeenMark{}
	for pack, mk := range marks {
		if seq > s.last[pack] {
			fresh[pack] = mk
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	// A mark saved as the session ends is still written: the write is small and local, and the
	// store closes only after Close.
	if err := s.st.PutSeenMarks(context.WithoutCancel(ctx), s.who, toStored(fresh)); err != nil {
		return fmt.Errorf("save seen conversations: %w", err)
	}
	for pack := range fresh {
		s.last[pack] = seq
	}
	return nil
}

// Close waits for a write in progress and drops any later one: call it before the store closes.
func (s *StoreSeen) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
}

func toStored(marks map[string]common.SeenMark) map[string]store.SeenMark {
	out := make(map[string]store.SeenMark, len(marks))
	for id, mk := range marks {
		out[id] = store.SeenMark{At: mk.At, Unread: mk.Unread, Done: mk.Done, Updated: mk.Updated}
	}
	return out
}

// sessionMarks are marks read from the store as the session keeps them. A saved first screen's
// (store.FirstScreen) go through it alone and set no revision: the session reads every stored
// mark once the store is open.
func sessionMarks(stored map[string]store.SeenMark) map[string]common.SeenMark {
	marks := make(map[string]common.SeenMark, len(stored))
	for id, mk := range stored {
		marks[id] = common.SeenMark{At: mk.At, Unread: mk.Unread, Done: mk.Done, Updated: mk.Updated}
	}
	return marks
}
