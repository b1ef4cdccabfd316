package common

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"sync"
	"testing"
	"time"
)

// accountStore is a SeenStore that keeps marks per account (as the state-dir file does): it
// cannot save before the account is known.
type accountStore struct {
	mu    sync.Mutex
	saved map[string]map[string]SeenMark
}

func (s *accountStore) Load(_ context.Context, account string) (map[string]SeenMark, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.saved[account]), nil
}

func (s *accountStore) Save(_ context.Context, account string, _ int, marks map[string]SeenMark) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.saved[account] == nil {
		s.saved[account] = map[string]SeenMark{}
	}
	maps.Copy(s.saved[account], marks)
	return nil
}

// apartStore keeps marks apart from the account (as the local store does).
type apartStore struct{ accountStore }

func (s *apartStore) Preload(ctx context.Context) (map[string]SeenMark, error) {
	return s.Load(ctx, "")
}

func (s *apartStore) Save(ctx context.Context, _ string, seq int, marks map[string]SeenMark) error {
	return s.accountStore.Save(ctx, "", seq, marks)
}

func testCommon() *Common {
	c := New(context.Background(), nil, nil)
	c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	return c
}

// A conversation opened before the account is known (offline, while the client's retries run)
// is kept: at once in a store that does not need the account, else as soon as the account's
// marks are loaded, even when nothing is marked after that.
func TestMarkSetBeforeTheAccountIsKnownIsSaved(t *testing.T) {
	c := testCommon()
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

	apart := &apartStore{accountStore{saved: map[string]map[string]SeenMark{}}}
	s := NewSeen(apart)
	save := s.Set(c, "P1", SeenMark{At: at})
	if save == nil {
		t.Fatal("a store that keeps marks apart from the account was not written before the account was known")
	}
	save()
	if got, _ := apart.Load(context.Background(), ""); !got["P1"].At.Equal(at) {
		t.Errorf("stored = %+v, want P1 seen at %v", got, at)
	}

	byAccount := &accountStore{saved: map[string]map[string]SeenMark{"523": {"P0": {Done: at.Add(-time.Hour)}}}}
	s = NewSeen(byAccount)
	if cmd := s.Set(c, "P1", SeenMark{At: at}); cmd != nil {
		t.Fatal("a per-account store was written before the account was known")
	}
	s.Load(c, ListOwner(), "523") // the task itself is the list's; its result is adopted below
	loaded, _ := byAccount.Load(context.Background(), "523")
	save = s.Adopt(c, SeenLoadedMsg{Account: "523", Marks: loaded})
	if save == nil {
		t.Fatal("the mark set before the account was known is not saved once it is")
	}
	save()
	got, _ := byAccount.Load(context.Background(), "523")
	if !got["P1"].At.Equal(at) || !got["P0"].Done.Equal(at.Add(-time.Hour)) {
		t.Errorf("saved = %+v, want the early mark and the stored one", got)
	}
	if cmd := s.Adopt(c, SeenLoadedMsg{Account: "523", Marks: got}); cmd != nil {
		t.Error("marks saved already are saved again")
	}
}
