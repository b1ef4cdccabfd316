package attachments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
)

// FetchedMsg is the end of a download, delivered inside common.TaskFinishedMsg. Save is false
// when the file was fetched to be opened.
type FetchedMsg struct {
	Key  string // the attachment's id (its stored file name)
	Path string
	Save bool
}

// Fetch downloads attachment a through client as a task of owner, with progress under the key a.Filename:
// to open it (save false) into cacheDir/attachments/<id>/, reusing an earlier complete copy, or
// to keep it (save true) in downloadsDir, never overwriting.
func Fetch(c *common.Common, client attach.Downloader, owner common.Owner, site string, a api.Attachment, cacheDir, downloadsDir string, save bool) tea.Cmd {
	name := sanitize.Line(a.OriginalFilename)
	if name == "" {
		name = sanitize.Line(a.Filename)
	}
	label := "Downloading " + name
	dir := downloadsDir
	if !save {
		dir = ""
		if cacheDir != "" {
			dir = filepath.Join(cacheDir, "attachments", cacheKey(a.Filename))
		}
	}
	meter := NewMeter(owner, a.Filename)
	task := common.RunTask(c.Ctx, c.NewTask(owner, label), func(ctx context.Context) (tea.Msg, error) {
		defer meter.Close()
		if dir == "" {
			return FetchedMsg{Key: a.Filename, Save: save}, errors.New("no folder is configured for attachments")
		}
		if p, ok := cached(dir, a); !save && ok {
			return FetchedMsg{Key: a.Filename, Path: p}, nil
		}
		p, err := attach.DownloadAttachment(ctx, client, site, a, dir, meter.Report)
		return FetchedMsg{Key: a.Filename, Path: p, Save: save}, err
	})
	return tea.Batch(task, meter.Wait())
}

// cacheKey is a short folder name per attachment id, so printed paths stay readable.
func cacheKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:6])
}

// cached finds a complete earlier download of a (attachment ids never change content).
func cached(dir string, a api.Attachment) (string, bool) {
	p := filepath.Join(dir, attach.LocalName(a))
	st, err := os.Lstat(p)
	if err != nil || !st.Mode().IsRegular() || (a.Size > 0 && st.Size() != a.Size) || st.Size() == 0 {
		return "", false
	}
	return p, true
}

// FetchError is the sentence for a failed download: retryable ones say so.
func FetchError(err error) string {
	s := attach.Explain(err)
	if errors.Is(err, attach.ErrRetryable) {
		return "Download failed: " + s + " Press the same key to retry."
	}
	return "Download failed: " + s
}

// OpenedMsg is what opening a file or link did.
type OpenedMsg struct {
	Result open.Result
	Err    error
}

// Sentence is the status-bar text for an OpenedMsg.
func (m OpenedMsg) Sentence() string {
	if m.Err != nil {
		if errors.Is(m.Err, open.ErrNotOpenable) {
			return "postsale does not open this link: " + open.ErrNotOpenable.Error() + "."
		}
		return "Could not open: " + sanitize.Line(m.Err.Error())
	}
	return m.Result.Sentence()
}

// OpenFile opens a downloaded file off the event loop (a launcher may take a moment).
func OpenFile(o *open.Opener, path string) tea.Cmd {
	return func() tea.Msg {
		if o == nil {
			return OpenedMsg{Result: open.Result{Target: sanitize.Line(path), IsFile: true, Reason: "no opener is configured"}}
		}
		res, err := o.File(path)
		return OpenedMsg{Result: res, Err: err}
	}
}

// OpenURL opens a link off the event loop.
func OpenURL(o *open.Opener, url string) tea.Cmd {
	return func() tea.Msg {
		if o == nil {
			return OpenedMsg{Result: open.Result{Target: sanitize.Line(url), Reason: "no opener is configured"}}
		}
		res, err := o.URL(url)
		return OpenedMsg{Result: res, Err: err}
	}
}
