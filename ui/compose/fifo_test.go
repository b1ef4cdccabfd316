//go:build unix

package compose

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/postsale/postsale/config/drafts"
)

func mkfifo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return p
}

// answers fails when fn has not returned after a generous while, then releases the pipe.
func answers(t *testing.T, fifo string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		if w, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			defer w.Close()
		}
		<-done
		t.Fatal("blocked on the named pipe")
	}
}

func TestPickingAFIFOIsRefusedWithoutFreezing(t *testing.T) {
	_, m := newFilesCompose(t)
	fifo := mkfifo(t)
	var cmd tea.Cmd
	answers(t, fifo, func() { cmd = m.pick(fifo) }) // the event loop's part returns at once
	answers(t, fifo, func() { pump(m, cmd) })
	if len(m.Files()) != 0 || !strings.Contains(m.Err(), "named pipe") {
		t.Fatalf("files %v, compose says %q", m.Files(), m.Err())
	}
}

func TestDraftNamingAFIFOOpensWithoutIt(t *testing.T) {
	e := newEnv(t)
	store := withDrafts(t, e)
	fifo := mkfifo(t)
	if err := store.Save(drafts.Draft{PackID: packOpen, Text: "See the invoice", Files: []string{fifo}}); err != nil {
		t.Fatal(err)
	}
	var m *Model
	answers(t, fifo, func() { m = newDurable(t, e.Common, packOpen) })
	if m.Draft().Text != "See the invoice" || len(m.Files()) != 0 || !strings.Contains(m.Err(), "without invoice.pdf") {
		t.Fatalf("draft %+v, files %v, compose says %q", m.Draft(), m.Files(), m.Err())
	}
}
