package serve

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/anmitsu/go-shlex"
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
// command goes on to the inbox, which refuses it.
func (s *Server) scpMiddleware() wish.Middleware {
	mw := scp.Middleware(memberFiles{s}, refuseUpload{})
	return func(next ssh.Handler) ssh.Handler {
		h := mw(next)
		return func(sess ssh.Session) {
			req, isSCP, err := parseSCP(sess.RawCommand())
			if !isSCP {
				next(sess)
				return
			}
			// wish reads the command again: it gets the path as one word, as parsed here.
			ss := &scpSession{Session: sess, cmd: req.command()}
			if req.op == scp.OpCopyToClient && req.path != "" {
				ss.acks.owed = 1 // a receiving scp starts with one (a person typing `scp -f` sends none)
			}
			if err == nil && req.op == scp.OpCopyFromClient {
				err = errReadOnly // before the protocol starts: the client sends nothing
			}
			if err != nil {
				wish.Fatal(ss, err)
				return
			}
			member, _ := s.Team().Lookup(sess.PublicKey())
			s.audit.Log(AuditEvent{Event: "fetch", Member: member, Remote: sess.RemoteAddr().String()})
			h(ss)
			ss.finish()
		}
	}
}

// scpRequest is an `scp -f PATH` or `scp -t PATH` command as OpenSSH's scp -O sends it.
type scpRequest struct {
	op        scp.Op
	recursive bool
	path      string
}

// command is the request as wish's scp middleware reads it (scp.GetInfo).
func (r scpRequest) command() []string {
	cmd := []string{"scp"}
	if r.recursive {
		cmd = append(cmd, "-r")
	}
	return append(cmd, "-"+string(r.op), r.path)
}

// parseSCP reads an scp command line; isSCP is false for any other command. OpenSSH's scp
// sends the remote path as the person typed it after "host:", for the server's shell to split
// and expand: `scp -f name\ \(1\).pdf` (what the inbox's hint sends) is one name, and so is
// `scp -f name (1).pdf` (the same name pasted inside quotes, without the backslashes), which a
// shell would split into two files that do not exist: a path of several words is taken as
// typed. A path starting with "-" is refused (no saved name does, and wish would read it as an
// option).
func parseSCP(raw string) (req scpRequest, isSCP bool, err error) {
	rest, ok := strings.CutPrefix(strings.TrimLeft(raw, " \t"), "scp")
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return req, false, nil
	}
	for {
		rest = strings.TrimLeft(rest, " \t")
		word, after, _ := strings.Cut(rest, " ")
		if !strings.HasPrefix(word, "-") {
			break
		}
		rest = after
		if word == "--" {
			break
		}
		switch word {
		case "-f":
			req.op = scp.OpCopyToClient
		case "-t":
			req.op = scp.OpCopyFromClient
		case "-r":
			req.recursive = true
		case "-p", "-v", "-d": // times, verbose, target is a folder: nothing to do here
		default:
			return req, true, fmt.Errorf("postsale: scp here only fetches your saved attachments (scp -O); %q is not an option it knows", word)
		}
	}
	if req.op == 0 || strings.TrimSpace(rest) == "" {
		return req, true, errors.New("postsale: scp here only fetches your saved attachments: scp -O -P PORT HOST:NAME . (the inbox says the command when it saves one)")
	}
	req.path = strings.TrimRight(rest, " \t\r\n")
	if words, err := shlex.Split(req.path, true); err == nil && len(words) == 1 {
		req.path = words[0]
	}
	if strings.HasPrefix(req.path, "-") {
		return req, true, fmt.Errorf("postsale: no saved file matches %q (names are as the inbox said when saving)", req.path)
	}
	return req, true, nil
}

// scpLinger bounds how long a finished copy waits for the client's last acknowledgements.
const scpLinger = 5 * time.Second

// scpSession is the session as wish's scp middleware sees it: the command as parsed here, and
// an end that waits for the client's acknowledgements.
type scpSession struct {
	ssh.Session
	cmd      []string
	acks     scpAcks
	finished bool
}

func (s *scpSession) Command() []string { return append([]string(nil), s.cmd...) }

func (s *scpSession) Write(p []byte) (int, error) {
	s.acks.wrote(p)
	return s.Session.Write(p)
}

// Stderr is where wish.Fatal writes a failure, without a newline. It goes to the client the scp
// protocol's way instead: a line of its own starting with \x01, which OpenSSH's scp prints
// (on stderr it ran into the next output, and a refused upload ended in "lost connection").
func (s *scpSession) Stderr() io.ReadWriter { return scpFailure{s.Session} }

type scpFailure struct{ ssh.Session }

func (f scpFailure) Read(p []byte) (int, error) { return f.Session.Stderr().Read(p) }

func (f scpFailure) Write(p []byte) (int, error) {
	line := strings.ReplaceAll(strings.TrimRight(string(p), "\r\n"), "\n", " ")
	if _, err := f.Session.Write([]byte("\x01" + line + "\n")); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Exit (wish's scp middleware exits after a failure) lets the client finish first.
func (s *scpSession) Exit(code int) error {
	s.finish()
	return s.Session.Exit(code)
}

// finish reads the acknowledgements the client still owes, scpLinger at most. OpenSSH's scp
// answers each line and file with a byte, which wish never reads; a channel closed before the
// client wrote the last one kills it with "lost connection" (SIGPIPE) although the file
// arrived: one fetch in five, on loopback. (It cannot wait for the client's end of input
// instead: ssh keeps scp's input open until the channel closes.)
func (s *scpSession) finish() {
	if s.finished {
		return
	}
	s.finished = true
	if s.acks.owed <= 0 {
		return
	}
	read := make(chan struct{})
	go func() {
		_, _ = io.ReadFull(s.Session, make([]byte, s.acks.owed))
		close(read)
	}()
	t := time.NewTimer(scpLinger)
	defer t.Stop()
	select {
	case <-read:
	case <-t.C:
	case <-s.Context().Done():
	}
}

// scpAcks counts the acknowledgements a receiving scp owes for what was sent to it: one byte to
// start, one per T (times), C (file), D (folder) or E (folder end) line, one per file after its
// data and closing NUL. wish writes each line in one piece.
type scpAcks struct {
	owed   int
	data   int64 // bytes of the current file still to come
	inFile bool  // its data and closing NUL are being written
}

func (a *scpAcks) wrote(p []byte) {
	for len(p) > 0 {
		switch {
		case a.inFile && a.data > 0:
			n := min(int64(len(p)), a.data)
			a.data -= n
			p = p[n:]
		case a.inFile: // the NUL after the data
			a.inFile = false
			a.owed++
			p = p[1:]
		default:
			line, rest, _ := bytes.Cut(p, []byte("\n"))
			p = rest
			if len(line) == 0 {
				continue
			}
			switch line[0] {
			case 'T', 'D', 'E':
				a.owed++
			case 'C': // C0644 SIZE NAME
				a.owed++
				if f := strings.Fields(string(line)); len(f) >= 2 {
					if n, err := strconv.ParseInt(f[1], 10, 64); err == nil && n >= 0 {
						a.data, a.inFile = n, true
					}
				}
			}
		}
	}
}

// memberFiles is a read-only scp handler rooted at the session's member's downloads.
type memberFiles struct{ s *Server }

func (h memberFiles) open(sess ssh.Session) (*os.Root, error) {
	member, ok := h.s.Team().Lookup(sess.PublicKey())
	if !ok {
		return nil, errors.New("postsale: your key is no longer in the team file")
	}
	root, err := os.OpenRoot(h.s.downloadsDir(member))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errors.New("postsale: you have no saved attachments yet (s in a conversation saves one)")
	}
	if err != nil {
		return nil, fmt.Errorf("postsale: your saved files cannot be read: %w", err)
	}
	return root, nil
}

func (h memberFiles) Glob(sess ssh.Session, pattern string) ([]string, error) {
	root, err := h.open(sess)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	pattern = strings.TrimPrefix(pattern, "./")
	if pattern == "" {
		pattern = "."
	}
	// A saved name is itself before it is a pattern: "foto [1].jpg" is that file, as the shell
	// behind a real scp leaves it once the hint's backslashes are removed.
	if _, err := root.Stat(pattern); err == nil {
		return []string{pattern}, nil
	}
	matches, err := scp.NewFSReadHandler(root.FS()).Glob(sess, pattern)
	if err == nil && len(matches) == 0 {
		return nil, fmt.Errorf("postsale: no saved file matches %q (names are as the inbox said when saving)", pattern)
	}
	return matches, err
}

func (h memberFiles) WalkDir(sess ssh.Session, path string, fn fs.WalkDirFunc) error {
	root, err := h.open(sess)
	if err != nil {
		return err
	}
	defer root.Close()
	return scp.NewFSReadHandler(root.FS()).WalkDir(sess, path, fn)
}

func (h memberFiles) NewDirEntry(sess ssh.Session, path string) (*scp.DirEntry, error) {
	root, err := h.open(sess)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return scp.NewFSReadHandler(root.FS()).NewDirEntry(sess, path)
}

func (h memberFiles) NewFileEntry(sess ssh.Session, path string) (*scp.FileEntry, func() error, error) {
	root, err := h.open(sess)
	if err != nil {
		return nil, nil, err
	}
	defer root.Close() // the file opened stays open on its own
	return scp.NewFSReadHandler(root.FS()).NewFileEntry(sess, path)
}

// refuseSubsystem answers a subsystem request with a sentence instead of OpenSSH's bare
// "subsystem request failed on channel 0": plain scp speaks SFTP since OpenSSH 9, which the
// server does not offer.
func (s *Server) refuseSubsystem(sess ssh.Session) {
	host, port := reachedAt(sess.LocalAddr())
	portFlag := ""
	if port != "22" {
		portFlag = " -P " + port
	}
	name := sess.Subsystem()
	s.log.Info("subsystem refused", "subsystem", name, "remote", sess.RemoteAddr().String())
	what := fmt.Sprintf("has no %q subsystem", name)
	if name == "sftp" {
		what = "does not speak SFTP, which scp uses unless given -O"
	}
	_, _ = fmt.Fprintf(sess.Stderr(), "postsale: this server %s: fetch your saved attachments with scp -O%s %s:NAME . (the inbox shows the command when it saves one)\n", what, portFlag, host)
	_ = sess.Exit(1)
}

// refuseUpload: the scp of saved files is read-only.
type refuseUpload struct{}

var errReadOnly = errors.New("postsale: scp here only fetches your saved attachments; nothing can be uploaded")

func (refuseUpload) Mkdir(ssh.Session, *scp.DirEntry) error           { return errReadOnly }
func (refuseUpload) Write(ssh.Session, *scp.FileEntry) (int64, error) { return 0, errReadOnly }

// fetchHint is the command that fetches a file saved on the server, with the address and
// port the person's session reached: "scp -O -P 2222 127.0.0.1:NAME .". It works as pasted
// into a POSIX shell: the remote path is escaped for the server's side (OpenSSH's scp sends
// it as typed, and checks the name that comes back against it as a glob), then quoted as a
// whole for the local shell.
func fetchHint(local net.Addr, downloads string) func(path string) string {
	host, port := reachedAt(local)
	portFlag := ""
	if port != "22" {
		portFlag = " -P " + port
	}
	return func(path string) string {
		name, err := filepath.Rel(downloads, path)
		if err != nil || strings.HasPrefix(name, "..") {
			name = filepath.Base(path)
		}
		return "scp -O" + portFlag + " " + shellQuote(host+":"+scpEscape(filepath.ToSlash(name))) + " ."
	}
}

// reachedAt is the host and port a session connected to, for commands shown to the person
// (an IPv6 host in brackets); "this-server" and 22 when unknown.
func reachedAt(local net.Addr) (host, port string) {
	host, port = "this-server", "22"
	if local == nil {
		return host, port
	}
	h, p, err := net.SplitHostPort(local.String())
	if err != nil {
		return host, port
	}
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	return h, p
}

// plainWord reports whether r needs no quoting anywhere: in a shell, in scp's glob, in a path.
func plainWord(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-+,=@%^/", r)
}

// scpEscape puts a backslash before every ASCII character a shell or a glob reads specially
// (spaces, quotes, parentheses, $, *, [ …): the server's shell removes them, and OpenSSH's
// check of the returned name reads them as literal characters. Other letters pass as they are.
func scpEscape(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < utf8.RuneSelf && !plainWord(r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// shellQuote is s as one word of a POSIX shell: as it is when plain, else in single quotes.
func shellQuote(s string) string {
	for _, r := range s {
		if !plainWord(r) && r != ':' {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
