//go:build unix

package attach_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
)

// mkfifo makes a named pipe nobody writes to: open(2) for reading blocks on it for good.
func mkfifo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return p
}

// answers runs fn and fails when it has not returned after a generous while; then it opens the
// pipe for writing so whatever blocked on it is released.
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

func TestFIFOIsRefusedWithoutOpeningIt(t *testing.T) {
	fifo := mkfifo(t)
	var err error
	answers(t, fifo, func() { _, err = attach.Check(fifo) })
	var ve *api.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(api.Explain(err), "named pipe") {
		t.Fatalf("err = %v", err)
	}
	// A symlink to the pipe is refused the same way, and so is an upload of it.
	link := filepath.Join(t.TempDir(), "link.pdf")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	answers(t, fifo, func() { _, err = attach.Check(link) })
	if !strings.Contains(api.Explain(err), "named pipe") {
		t.Fatalf("symlink: err = %v", err)
	}
	answers(t, fifo, func() {
		_, err = attach.UploadFile(t.Context(), nil, "MLM", attach.File{Path: fifo, Name: "invoice.pdf", Size: 10, MIME: "application/pdf"}, nil)
	})
	if !strings.Contains(api.Explain(err), "named pipe") {
		t.Fatalf("upload: err = %v", err)
	}
}
