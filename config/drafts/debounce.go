package drafts

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultDelay is how long typing must pause before the draft is written.
const DefaultDelay = 400 * time.Millisecond

// Debouncer saves one pack's draft a moment after the seller stops typing. It belongs to one
// compose model: call Changed from Update on every edit and run what it returns off the event
// loop (in a command).
type Debouncer struct {
	store   *Store
	delay   time.Duration
	sleep   func(ctx context.Context, d time.Duration) error
	ctx     context.Context
	pending atomic.Pointer[pendingDraft] // read by save commands on other goroutines
}

type pendingDraft struct {
	draft  Draft
	ticket uint64
	// writing is held while the draft is written: a Flush (quitting) waits for a save under
	// way instead of writing again after it, so nothing is written once Flush has returned.
	writing sync.Mutex
	saved   atomic.Bool // read by Pending, from Update, without waiting for a write
}

// NewDebouncer saves through store after delay (DefaultDelay when <= 0). ctx ends pending saves
// (the program quit); nil means never.
func NewDebouncer(ctx context.Context, store *Store, delay time.Duration) *Debouncer {
	if delay <= 0 {
		delay = DefaultDelay
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return &Debouncer{store: store, delay: delay, sleep: sleepCtx, ctx: ctx}
}

// SetSleep replaces the wait (tests make it instant or controlled).
func (d *Debouncer) SetSleep(sleep func(ctx context.Context, d time.Duration) error) { d.sleep = sleep }

// Changed records the draft as it is now and returns the save: it waits for the delay and writes
// the draft unless another change came in meanwhile. It returns the write's error; a draft that
// failed stays pending, for the next change or Flush.
func (d *Debouncer) Changed(dr Draft) func() error {
	p := &pendingDraft{draft: cloneDraft(dr), ticket: d.store.Ticket()}
	d.pending.Store(p)
	return func() error {
		if err := d.sleep(d.ctx, d.delay); err != nil {
			return d.flush(p) // quitting: write it now rather than lose it
		}
		if d.pending.Load() != p {
			return nil // a newer change owns the next write
		}
		return d.flush(p)
	}
}

// Flush writes the pending draft now (leaving compose, quitting). It returns the write's error.
func (d *Debouncer) Flush() error {
	p := d.pending.Load()
	if p == nil {
		return nil
	}
	return d.flush(p)
}

// Pending reports a change not written yet.
func (d *Debouncer) Pending() bool {
	p := d.pending.Load()
	return p != nil && !p.saved.Load()
}

// Sent drops the saves still waiting (at once) and returns the deletion of the pack's draft, to
// run off the event loop after a successful send.
func (d *Debouncer) Sent(packID string) func() error {
	d.pending.Store(nil)
	ticket := d.store.Ticket()
	return func() error { return d.store.DeleteTicket(packID, ticket) }
}

func (d *Debouncer) flush(p *pendingDraft) error {
	p.writing.Lock()
	defer p.writing.Unlock()
	if p.saved.Load() {
		return nil
	}
	if err := d.store.SaveTicket(p.draft, p.ticket); err != nil {
		return err
	}
	p.saved.Store(true)
	return nil
}

func cloneDraft(d Draft) Draft {
	d.Files = append([]string(nil), d.Files...)
	return d
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
