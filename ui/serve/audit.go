package serve

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Audit is the server's audit log: one JSON object a line (0600), saying who connected, opened,
// sent, assigned and noted. It never holds message or note text, nor tokens.
type Audit struct {
	mu  sync.Mutex
	f   *os.File
	enc *json.Encoder
	now func() time.Time
}

// AuditEvent is one line. Only ids and names: never text.
type AuditEvent struct {
	Time     time.Time `json:"time"`
	Event    string    `json:"event"` // connect, disconnect, refused, closed, open, send, assign, note
	Member   string    `json:"member,omitempty"`
	Remote   string    `json:"remote,omitempty"`
	Pack     string    `json:"pack,omitempty"`
	Message  string    `json:"message_id,omitempty"`
	Assignee string    `json:"assignee,omitempty"`
	Reason   string    `json:"reason,omitempty"`
}

// OpenAudit appends to the audit log at path, creating it 0600.
func OpenAudit(path string) (*Audit, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return &Audit{f: f, enc: json.NewEncoder(f), now: time.Now}, nil
}

// Log writes one event; a nil Audit drops it.
func (a *Audit) Log(e AuditEvent) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if e.Time.IsZero() {
		e.Time = a.now().UTC()
	}
	_ = a.enc.Encode(e)
}

// Close closes the file.
func (a *Audit) Close() error {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.f.Close()
}
