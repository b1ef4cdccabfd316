// Package attachments holds the inbox's pieces for files and links: the file picker and the list
// of chosen files in compose, transfer progress, the threat confirmation and the numbered link
// menu in the conversation. The work itself (checks, uploads, safe saving) is api/attach; opening
// is ui/open.
package attachments

import (
	"fmt"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/common"
)

// Meter carries one transfer's progress from the goroutine doing the I/O to the program: the
// latest numbers only, so a fast transfer never floods the event loop.
type Meter struct {
	owner  common.Owner
	key    string
	ch     chan ProgressMsg
	mu     sync.Mutex // Report and Close may come from different goroutines
	closed bool
}

// NewMeter returns a meter for the transfer named key of owner (owners match ProgressMsg.Key).
// Its updates reach owner wherever the seller is, so a transfer's progress never stops because
// the seller went to another view.
func NewMeter(owner common.Owner, key string) *Meter {
	return &Meter{owner: owner, key: key, ch: make(chan ProgressMsg, 1)}
}

// Report is an attach.Progress: it replaces any update the program has not read yet. After
// Close it does nothing.
func (m *Meter) Report(done, total int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	msg := ProgressMsg{Key: m.key, Done: done, Total: total, meter: m}
	for {
		select {
		case m.ch <- msg:
			return
		default:
			select {
			case <-m.ch: // drop the stale update
			default:
			}
		}
	}
}

// Close ends the stream; call it when the transfer is over. It may be called more than once.
func (m *Meter) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.closed {
		m.closed = true
		close(m.ch)
	}
}

// Wait is the command that delivers the next update, addressed to the meter's owner
// (common.OwnedMsg); owners call it again on each ProgressMsg (ProgressMsg.Next) until the stream
// closes.
func (m *Meter) Wait() tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-m.ch
		if !ok {
			return nil
		}
		return common.OwnedMsg{Owner: m.owner, Msg: msg}
	}
}

// ProgressMsg is one progress update of the transfer Key.
type ProgressMsg struct {
	Key         string
	Done, Total int64
	meter       *Meter
}

// Next waits for the following update.
func (p ProgressMsg) Next() tea.Cmd {
	if p.meter == nil {
		return nil
	}
	return p.meter.Wait()
}

// Percent is 0–100, or -1 when the total is unknown.
func (p ProgressMsg) Percent() int {
	if p.Total <= 0 {
		return -1
	}
	return int(min(100, p.Done*100/p.Total))
}

// String reads "45% of 2.5 MB", or "1.2 MB" when the total is unknown.
func (p ProgressMsg) String() string {
	if pc := p.Percent(); pc >= 0 {
		return fmt.Sprintf("%d%% of %s", pc, api.HumanSize(p.Total))
	}
	return api.HumanSize(p.Done)
}
