package drafts

import (
	"context"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// DefaultDelay is how long typing must pause before the draft is written.
const DefaultDelay = 400 * time.Millisecond

// SaveFailedMsg reports a draft that could not be written; the root shows it in the status bar.
type SaveFailedMsg struct {
	PackID string
	Err    error
}

// Debouncer saves one pack's draft a moment after the seller stops typing. It belongs to one
// compose model: call Changed from Update on every edit and return its command.
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
	saved  atomic.Bool
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

// Changed records the draft as it is now and returns a command that writes it after the delay
// unless another change came in meanwhile. The command yields nothing on success and a
// SaveFailedMsg on failure.
func (d *Debouncer) Changed(dr Draft) tea.Cmd {
	p := &pendingDraft{draft: cloneDraft(dr), ticket: d.store.Ticket()}
	d.pending.Store(p)
	return func() tea.Msg {
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
	if msg, ok := d.flush(p).(SaveFailedMsg); ok {
		return msg.Err
	}
	return nil
}

// Pending reports a change not written yet.
func (d *Debouncer) Pending() bool {
	p := d.pending.Load()
	return p != nil && !p.saved.Load()
}

// Sent deletes the pack's draft after a successful send; saves still waiting are dropped.
func (d *Debouncer) Sent(packID string) error {
	d.pending.Store(nil)
	return d.store.Delete(packID)
}

func (d *Debouncer) flush(p *pendingDraft) tea.Msg {
	if p.saved.Load() {
		return nil
	}
	if err := d.store.SaveTicket(p.draft, p.ticket); err != nil {
		return SaveFailedMsg{PackID: p.draft.PackID, Err: err}
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
