package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/postsale/postsale/api/attach"
)

// hugeAttachment serves an attachment far larger than any can be.
func hugeAttachment(t *testing.T, h *harness) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/marketplace/messages/attachments/") {
			h.sb.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		_, _ = io.CopyN(w, zeros{}, attach.MaxDownloadBytes+1<<20)
	}))
	t.Cleanup(ts.Close)
	h.env["MELI_API_URL"] = ts.URL
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// attachment -o - applies the same size cap as a download to a file.
func TestAttachmentToStdoutIsCapped(t *testing.T) {
	h := newHarness(t)
	hugeAttachment(t, h)
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"attachment", "x.png", "--site", "MLM", "-o", "-"},
		IO{In: strings.NewReader(""), Out: &out, Err: &errb, Env: h.lookup})
	if code == ExitOK || out.Len() > attach.MaxDownloadBytes || !strings.Contains(errb.String(), "more than any attachment") {
		t.Fatalf("exit %d, %d bytes written, stderr %q", code, out.Len(), errb.String())
	}
}
