package attach

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/postsale/postsale/api"
)

// MaxDownloadBytes caps a download: attachments are at most 25 MB, so anything far larger is a
// misbehaving server, not a file worth filling the disk with.
const MaxDownloadBytes = 2 * api.MaxAttachmentSize

// ErrRetryable matches (errors.Is) a download that may succeed if tried again later: the seed's
// 500 "File can not be accessed, try it later", other 5xx, 429 and network failures.
var ErrRetryable = errors.New("the download may succeed if tried again")

// errTooLarge stops a download past MaxDownloadBytes.
var errTooLarge = errors.New("the file is larger than any attachment can be")

// DownloadError is a failed download. api.Explain turns it into a sentence through the API
// error it wraps.
type DownloadError struct {
	ID  string
	Err error
}

func (e *DownloadError) Error() string {
	prefix, inner := "download "+e.ID+": ", e.Err.Error()
	if strings.HasPrefix(inner, prefix) {
		return inner // the client already named the download: say it once
	}
	return prefix + inner
}

// Unwrap exposes the API or file-system error.
func (e *DownloadError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrRetryable) true for failures worth retrying.
func (e *DownloadError) Is(target error) bool { return target == ErrRetryable && retryable(e.Err) }

func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ae *api.Error
	if errors.As(err, &ae) {
		return ae.Temporary()
	}
	var ne *api.NetworkError
	return errors.As(err, &ne)
}

// Explain is api.Explain plus, for a retryable failure, what to do about it.
func Explain(err error) string {
	s := api.Explain(err)
	if errors.Is(err, errTooLarge) {
		return "The server sent more than any attachment can hold (50 MB); nothing was saved."
	}
	if errors.Is(err, ErrRetryable) && s != "" {
		return s + " Nothing was saved; you can try again."
	}
	return s
}

// Saved is what a download wrote.
type Saved struct {
	Path        string
	Bytes       int64
	ContentType string // as the server sent it
}

// Download streams attachment id into dir under a safe name derived from the id, never
// overwriting an existing file, and returns the file's path.
func Download(ctx context.Context, client Downloader, site, id, dir string, progress Progress) (string, error) {
	s, err := DownloadToDir(ctx, client, site, id, dir, progress)
	return s.Path, err
}

// DownloadToDir is Download reporting the size and type too.
func DownloadToDir(ctx context.Context, client Downloader, site, id, dir string, progress Progress) (Saved, error) {
	return download(ctx, client, site, id, id, -1, dir, progress)
}

// DownloadAttachment is Download for an attachment of a message: the local name comes from the
// buyer's original file name (made safe), and progress knows the size.
func DownloadAttachment(ctx context.Context, client Downloader, site string, a api.Attachment, dir string, progress Progress) (string, error) {
	s, err := SaveAttachment(ctx, client, site, a, dir, progress)
	return s.Path, err
}

// SaveAttachment is DownloadAttachment reporting the size and type too: what the inbox's s and
// `postsale attachment` both use, so a file gets the same name (LocalName) either way.
func SaveAttachment(ctx context.Context, client Downloader, site string, a api.Attachment, dir string, progress Progress) (Saved, error) {
	total := a.Size
	if total <= 0 {
		total = -1
	}
	return download(ctx, client, site, a.Filename, LocalName(a), total, dir, progress)
}

// LocalName is the name an attachment of a message is saved under: the buyer's original file
// name made safe (SafeName, which never changes its case), else the stored id made safe.
func LocalName(a api.Attachment) string {
	if n := SafeName(a.OriginalFilename); n != fallbackName {
		return n
	}
	return SafeName(a.Filename)
}

// ErrExists is a chosen file that already exists and may not be replaced.
var ErrExists = errors.New("the file already exists")

// DownloadToPath streams attachment id into exactly path, a name the seller chose (so it is not
// rewritten by SafeName). An existing file is replaced only when overwrite is set, and then
// atomically; otherwise the error matches ErrExists. When path is an existing folder the file
// goes inside it as DownloadToDir would. path's folder must exist: it is never created, and
// the error matches ErrNoFolder before anything is downloaded.
func DownloadToPath(ctx context.Context, client Downloader, site, id, path string, overwrite bool, progress Progress) (Saved, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return DownloadToDir(ctx, client, site, id, path, progress)
	}
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if name == "" || name == "." || name == ".." {
		return Saved{}, &DownloadError{ID: id, Err: fmt.Errorf("%q does not name a file", path)}
	}
	f, tmp, w, err := startDownload(ctx, client, site, id, -1, dir, false, progress)
	if err != nil {
		return Saved{}, err
	}
	defer f.Close()
	var p string
	switch {
	case overwrite:
		// Rename replaces a link planted at name, never the file it points to.
		if err = f.root.Rename(tmp, name); err == nil {
			p = filepath.Join(f.dir, name)
		}
	default:
		p, err = f.placeExact(tmp, name)
	}
	if err != nil {
		_ = f.root.Remove(tmp)
		return Saved{}, &DownloadError{ID: id, Err: err}
	}
	return Saved{Path: p, Bytes: w.n, ContentType: w.contentType}, nil
}

// download writes into a hidden temporary file in dir and links it into place only when
// complete, so a failed or cancelled download leaves nothing behind under the final name.
func download(ctx context.Context, client Downloader, site, id, name string, total int64, dir string, progress Progress) (Saved, error) {
	f, tmp, w, err := startDownload(ctx, client, site, id, total, dir, true, progress)
	if err != nil {
		return Saved{}, err
	}
	defer f.Close()
	p, err := f.place(tmp, SafeName(name))
	if err != nil {
		_ = f.root.Remove(tmp)
		return Saved{}, &DownloadError{ID: id, Err: err}
	}
	return Saved{Path: p, Bytes: w.n, ContentType: w.contentType}, nil
}

// fetched is what startDownload learned.
type fetched struct {
	n           int64
	contentType string
}

// startDownload opens dir (creating it when create is set) and streams the attachment into a
// complete temporary file there. The caller places it and closes the folder.
func startDownload(ctx context.Context, client Downloader, site, id string, total int64, dir string, create bool, progress Progress) (*folder, string, fetched, error) {
	if client == nil {
		return nil, "", fetched{}, &DownloadError{ID: id, Err: errors.New("no API client")}
	}
	f, err := openFolder(dir, create)
	if err != nil {
		return nil, "", fetched{}, &DownloadError{ID: id, Err: err}
	}
	tmp := tempName()
	fh, err := f.create(tmp)
	if err != nil {
		f.Close()
		return nil, "", fetched{}, &DownloadError{ID: id, Err: fmt.Errorf("create a file in %s: %w", f.dir, err)}
	}
	w := &capWriter{w: &progressWriter{w: fh, counter: counter{total: total, fn: progress}}, left: MaxDownloadBytes}
	d, err := client.DownloadAttachment(ctx, site, id, w)
	if err == nil {
		err = fh.Sync()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = f.root.Remove(tmp)
		f.Close()
		if w.over {
			err = errTooLarge
		}
		return nil, "", fetched{}, &DownloadError{ID: id, Err: err}
	}
	return f, tmp, fetched{n: d.Bytes, contentType: d.ContentType}, nil
}

// capWriter fails once more than left bytes were written.
type capWriter struct {
	w    io.Writer
	left int64
	over bool
}

func (c *capWriter) Write(b []byte) (int, error) {
	if int64(len(b)) > c.left {
		c.over = true
		return 0, errTooLarge
	}
	c.left -= int64(len(b))
	return c.w.Write(b)
}

// Downloader streams an attachment from Mercado Libre; *api.Client is one (a store may
// decorate it).
type Downloader interface {
	DownloadAttachment(ctx context.Context, siteID, attachmentID string, w io.Writer) (*api.Download, error)
}

// DownloadToWriter streams an attachment into w (standard output) under the same cap as a
// download to a file: past MaxDownloadBytes it stops with an error. What was written stays
// written; w is not a file that could be removed.
func DownloadToWriter(ctx context.Context, client Downloader, site, id string, w io.Writer) (*api.Download, error) {
	cw := &capWriter{w: w, left: MaxDownloadBytes}
	d, err := client.DownloadAttachment(ctx, site, id, cw)
	if err != nil {
		if cw.over {
			err = errTooLarge
		}
		return nil, &DownloadError{ID: id, Err: err}
	}
	return d, nil
}
