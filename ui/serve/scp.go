package serve

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/charmbracelet/wish/scp"
)

// Saved attachments stay on the server, per person. `scp -O` through the same server fetches
// one's own, read-only: the root is that member's downloads folder (os.Root: no path, `..` or
// symbolic link leads out of it), uploads are refused, and nobody reaches another's files.

// downloadsDir is member's folder of saved attachments on the server.
func (s *Server) downloadsDir(member string) string {
	return filepath.Join(s.cfg.DataDir, "members", member, "downloads")
}

// scpMiddleware serves `scp -f` (fetch) from the connecting member's downloads; any other
// command goes on to the inbox.
func (s *Server) scpMiddleware() wish.Middleware {
	mw := scp.Middleware(memberFiles{s}, refuseUpload{})
	return func(next ssh.Handler) ssh.Handler {
		h := mw(next)
		return func(sess ssh.Session) {
			if info := scp.GetInfo(sess.Command()); info.Ok {
				member, _ := s.Team().Lookup(sess.PublicKey())
				s.audit.Log(AuditEvent{Event: "fetch", Member: member, Remote: sess.RemoteAddr().String()})
			}
			h(sess)
		}
	}
}

// memberFiles is a read-only scp handler rooted at the session's member's downloads.
type memberFiles struct{ s *Server }

func (h memberFiles) open(sess ssh.Session) (scp.CopyToClientHandler, func(), error) {
	member, ok := h.s.Team().Lookup(sess.PublicKey())
	if !ok {
		return nil, nil, errors.New("postsale: your key is no longer in the team file")
	}
	root, err := os.OpenRoot(h.s.downloadsDir(member))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, errors.New("postsale: you have no saved attachments yet (s in a conversation saves one)")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("postsale: your saved files cannot be read: %w", err)
	}
	return scp.NewFSReadHandler(root.FS()), func() { _ = root.Close() }, nil
}

func (h memberFiles) Glob(sess ssh.Session, pattern string) ([]string, error) {
	fsys, done, err := h.open(sess)
	if err != nil {
		return nil, err
	}
	defer done()
	pattern = strings.TrimPrefix(pattern, "./")
	if pattern == "" {
		pattern = "."
	}
	matches, err := fsys.Glob(sess, pattern)
	if err == nil && len(matches) == 0 {
		return nil, fmt.Errorf("postsale: no saved file matches %q (names are as the inbox said when saving)", pattern)
	}
	return matches, err
}

func (h memberFiles) WalkDir(sess ssh.Session, path string, fn fs.WalkDirFunc) error {
	fsys, done, err := h.open(sess)
	if err != nil {
		return err
	}
	defer done()
	return fsys.WalkDir(sess, path, fn)
}

func (h memberFiles) NewDirEntry(sess ssh.Session, path string) (*scp.DirEntry, error) {
	fsys, done, err := h.open(sess)
	if err != nil {
		return nil, err
	}
	defer done()
	return fsys.NewDirEntry(sess, path)
}

func (h memberFiles) NewFileEntry(sess ssh.Session, path string) (*scp.FileEntry, func() error, error) {
	fsys, done, err := h.open(sess)
	if err != nil {
		return nil, nil, err
	}
	defer done() // the file opened stays open on its own
	return fsys.NewFileEntry(sess, path)
}

// refuseUpload: the scp of saved files is read-only.
type refuseUpload struct{}

var errReadOnly = errors.New("postsale: scp here only fetches your saved attachments; nothing can be uploaded")

func (refuseUpload) Mkdir(ssh.Session, *scp.DirEntry) error           { return errReadOnly }
func (refuseUpload) Write(ssh.Session, *scp.FileEntry) (int64, error) { return 0, errReadOnly }

// fetchHint says how a person fetches a file saved on the server, with the address and port
// their session reached: "saved on the server: scp -O -P 2222 127.0.0.1:NAME .".
func fetchHint(local net.Addr, downloads string) func(path string) string {
	host, port := "this-server", "22"
	if local != nil {
		if h, p, err := net.SplitHostPort(local.String()); err == nil {
			host, port = h, p
			if strings.Contains(h, ":") {
				host = "[" + h + "]"
			}
		}
	}
	portFlag := ""
	if port != "22" {
		portFlag = " -P " + port
	}
	return func(path string) string {
		name, err := filepath.Rel(downloads, path)
		if err != nil || strings.HasPrefix(name, "..") {
			name = filepath.Base(path)
		}
		remote := host + ":" + name
		if strings.ContainsAny(remote, " '\"$`\\") {
			remote = "'" + strings.ReplaceAll(remote, "'", `'\''`) + "'"
		}
		return "Saved on the server: scp -O" + portFlag + " " + remote + " ."
	}
}
