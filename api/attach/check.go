package attach

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/postsale/postsale/api"
)

// File is a local file that passed Check: what will be uploaded, as what.
type File struct {
	Path string // as the seller gave it
	Name string // the name the buyer will see (the path's last element)
	Size int64
	MIME string
}

// Problems is every reason a set of files cannot be sent, one sentence each.
type Problems []error

// Error joins the sentences, one per line.
func (p Problems) Error() string { return strings.Join(p.Sentences(), "\n") }

// Sentences returns each problem as a sentence for the seller.
func (p Problems) Sentences() []string {
	out := make([]string, len(p))
	for i, err := range p {
		out[i] = api.Explain(err)
	}
	return out
}

// Check reads a file's metadata and first bytes and refuses it, with a sentence, when the API
// would: empty, over 25 MB, a name with "/" or "\", over 200 characters or with control
// characters, or a type outside the allow-list (judged from content and extension). It makes no
// request.
func Check(path string) (File, error) {
	name := baseName(path)
	f := File{Path: path, Name: name}
	if err := api.ValidateFileName(name); err != nil {
		return f, err
	}
	fh, st, err := openRegular(path)
	if err != nil {
		return f, err
	}
	defer fh.Close()
	f.Size = st.Size()
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(fh, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return f, &api.ValidationError{Field: "file", Problem: fmt.Sprintf("The file %s cannot be read (%v)", path, err)}
	}
	if f.Size == 0 || n == 0 {
		return f, &api.ValidationError{Field: "file", Problem: fmt.Sprintf("The file %s is empty: choose a file with content", name)}
	}
	if f.Size > api.MaxAttachmentSize {
		return f, &api.ValidationError{Field: "file", Problem: fmt.Sprintf("The file %s is %s; Mercado Libre accepts files up to 25 MB", name, api.OverLimitSize(f.Size))}
	}
	mime, err := DetectMIME(name, head[:n])
	if err != nil {
		return f, err
	}
	f.MIME = mime
	return f, api.ValidateUpload(f.Name, f.Size, f.MIME)
}

// CheckAll checks every path and the count (at most 25 per message). It returns the files that
// passed and, when any did not, Problems with one sentence per failure.
func CheckAll(paths []string) ([]File, error) {
	var ok []File
	var probs Problems
	if err := CheckCount(len(paths)); err != nil {
		probs = append(probs, err)
	}
	for _, p := range paths {
		f, err := Check(p)
		if err != nil {
			probs = append(probs, err)
			continue
		}
		ok = append(ok, f)
	}
	if len(probs) > 0 {
		return ok, probs
	}
	return ok, nil
}

// CheckCount refuses more attachments than one message may carry.
func CheckCount(n int) error {
	if n > api.MaxAttachmentsPerMsg {
		return &api.ValidationError{Field: "attachments", Problem: fmt.Sprintf("a message can carry at most %d attachments; this one has %d", api.MaxAttachmentsPerMsg, n)}
	}
	return nil
}

// openRegular opens path for reading only when it is a regular file: its type is checked with
// Stat before any open (open(2) of a FIFO blocks until a writer comes, deaf to signals), the
// open itself never waits (O_NONBLOCK), and the file opened must be the one checked.
func openRegular(path string) (*os.File, os.FileInfo, error) {
	before, err := os.Stat(path)
	if err != nil {
		return nil, nil, &api.ValidationError{Field: "file", Problem: openProblem(path, err)}
	}
	if !before.Mode().IsRegular() {
		return nil, nil, notRegular(path, before.Mode())
	}
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, &api.ValidationError{Field: "file", Problem: openProblem(path, err)}
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, nil, &api.ValidationError{Field: "file", Problem: openProblem(path, err)}
	}
	if !st.Mode().IsRegular() || !os.SameFile(before, st) {
		fh.Close()
		return nil, nil, notRegular(path, st.Mode())
	}
	return fh, st, nil
}

// notRegular is the sentence for a folder, pipe, socket or device.
func notRegular(path string, mode os.FileMode) error {
	kind := "not a regular file"
	switch {
	case mode.IsDir():
		kind += " but a folder"
	case mode&os.ModeNamedPipe != 0:
		kind += " but a named pipe (FIFO)"
	case mode&os.ModeSocket != 0:
		kind += " but a socket"
	case mode&os.ModeDevice != 0:
		kind += " but a device"
	}
	return &api.ValidationError{Field: "file", Problem: fmt.Sprintf("The path %s is %s: choose a regular file, not a folder, pipe or device", path, kind)}
}

// baseName is the last element of path as the API will see it. On Unix a "\" is a legal name
// character, which the API refuses; it is kept so ValidateFileName can say so.
func baseName(path string) string {
	if path == "" {
		return ""
	}
	return filepath.Base(path)
}

func openProblem(path string, err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Sprintf("The file %s does not exist: check the path", path)
	case errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("The file %s cannot be read: you do not have permission", path)
	}
	return fmt.Sprintf("The file %s cannot be opened (%v)", path, unwrapPathError(err))
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
