//go:build linux

package cli

import (
	"context"
	"strings"
	"testing"
)

// attachment -o - refuses to write a file's raw bytes to a terminal unless --force.
func TestAttachmentToATerminalNeedsForce(t *testing.T) {
	h := newHarness(t)
	_, slave := openPTY(t)
	var errb strings.Builder
	code := Run(context.Background(), []string{"attachment", "x.png", "--site", "MLM", "-o", "-"},
		IO{In: strings.NewReader(""), Out: slave, Err: &errb, Env: h.lookup})
	if code == ExitOK || !strings.Contains(errb.String(), "--force") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	for _, r := range h.sb.Requests() {
		if strings.HasPrefix(r.Path, "/marketplace/messages/attachments/") {
			t.Fatal("the attachment was requested although it could not be written")
		}
	}
}
