package sandbox

import "time"

// BuyerReads is how the sandbox's buyers take the seller's messages, on the sandbox's clock: a
// message that passed moderation is notified to the buyer NotifyAfter its sending, and read by
// the buyer ReadAfter that. Tests move the clock instead of waiting.
type BuyerReads struct {
	NotifyAfter time.Duration
	ReadAfter   time.Duration
}

// DefaultBuyerReads is a prompt buyer: told half a minute after the send, reading five minutes
// later. `--demo` and `postsale sandbox` run with it.
func DefaultBuyerReads() BuyerReads {
	return BuyerReads{NotifyAfter: 30 * time.Second, ReadAfter: 5 * time.Minute}
}

// WithBuyerReads makes the buyers notice and read the seller's messages as b says. Without it
// the seller's messages stay as sent (and as the demo data has them).
func WithBuyerReads(b BuyerReads) Option {
	return func(s *Server) { s.reads = &b }
}

// ReceiptsFile is the embedded demo pack whose seller messages are in every delivery state:
// read, delivered, sent, in moderation and not delivered (with its reason).
const ReceiptsFile = "demo/receipts.json"

// WithReceiptsPack adds the ReceiptsFile pack to the demo data. Its delivered and sent messages
// are unread by the buyer, so WithBuyerReads moves them on as the clock goes.
func WithReceiptsPack() Option { return WithDemoFile(ReceiptsFile) }

// deliverable reports whether moderation let the seller's message through to the buyer.
func (m *message) deliverable() bool {
	switch m.status {
	case "", "available":
	default:
		return false
	}
	switch m.modStatus {
	case "", "clean", "non_moderated":
		return true
	}
	return false
}

// notifiedAt is when the buyer was told of m: the recorded time, else its read time (the demo
// data only says when a message was read).
func (m *message) notifiedAt() time.Time {
	if !m.notified.IsZero() {
		return m.notified
	}
	return m.read
}

// buyersRead lets the buyers notice and read the seller's messages the clock has reached.
// s.mu is held.
func (s *Server) buyersRead() {
	if s.reads == nil {
		return
	}
	now := s.now().UTC()
	for _, p := range s.data.order {
		for _, m := range p.messages {
			if !m.fromSeller || !m.read.IsZero() || !m.deliverable() {
				continue
			}
			if m.notified.IsZero() {
				at := m.created.Add(s.reads.NotifyAfter)
				if now.Before(at) {
					continue
				}
				m.notified = at
			}
			if at := m.notified.Add(s.reads.ReadAfter); !now.Before(at) {
				m.read = at
			}
		}
	}
}
