package store

import "sync"

// watchers are this process's readers waiting for the store's rows to change (Watch): the
// sessions of a served team inbox share one Store, and a reply one of them stores shows in the
// others' lists without waiting for their next sync.
type watchers struct {
	mu   sync.Mutex
	subs map[chan struct{}]struct{}
}

// Watch returns a channel that gets a signal after each write through this Store that may have
// changed a Pack (PutPage, PutOrders, SetUnread, MarkSeen) or a person's triage marks
// (PutSeenMarks: SeenMarksSince then says which), and the function
// that stops it. Signals do not queue: one is pending at most, so a reader that was busy reads
// once for several writes; PacksSince then says what changed, if anything. Writes by other
// processes are not signalled: the next sync finds them.
func (s *Store) Watch() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	w := &s.watch
	w.mu.Lock()
	if w.subs == nil {
		w.subs = map[chan struct{}]struct{}{}
	}
	w.subs[ch] = struct{}{}
	w.mu.Unlock()
	return ch, func() {
		w.mu.Lock()
		delete(w.subs, ch)
		w.mu.Unlock()
	}
}

// wrote signals the watchers after a committed write.
func (s *Store) wrote() {
	w := &s.watch
	w.mu.Lock()
	defer w.mu.Unlock()
	for ch := range w.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// commit commits a write transaction and signals the watchers.
func (s *Store) commit(tx wtx) error {
	if err := tx.Commit(); err != nil {
		return err
	}
	s.wrote()
	return nil
}
