//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSendAttachFIFOIsRefusedWithoutHanging(t *testing.T) {
	h := newHarness(t)
	fifo := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	type result struct {
		out, errs string
		code      int
	}
	done := make(chan result, 1)
	go func() {
		out, errs, code := h.run("send", packActive, "--text", "Here is the invoice", "--attach", fifo)
		done <- result{out, errs, code}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(20 * time.Second):
		if w, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			defer w.Close()
		}
		<-done
		t.Fatal("postsale send --attach FIFO blocked")
	}
	if r.code == ExitOK || !strings.Contains(oneLine(t, r.errs), "named pipe") {
		t.Fatalf("exit %d, stderr %q", r.code, r.errs)
	}
	if n := len(h.sb.Requests()); n != 0 {
		t.Fatalf("%d requests before the file was refused", n)
	}
}
