package attach_test

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/postsale/postsale/api/attach"
)

func TestDownloadErrorNamesTheDownloadOnce(t *testing.T) {
	err := &attach.DownloadError{ID: "x.png", Err: fmt.Errorf("download x.png: %w", io.ErrUnexpectedEOF)}
	if s := err.Error(); strings.Count(s, "download x.png:") != 1 {
		t.Fatalf("%q", s)
	}
	err = &attach.DownloadError{ID: "x.png", Err: io.ErrUnexpectedEOF}
	if s := err.Error(); s != "download x.png: unexpected EOF" {
		t.Fatalf("%q", s)
	}
}
