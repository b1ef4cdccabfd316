package serve

import (
	"fmt"

	"github.com/charmbracelet/ssh"
)

// terminalOnly lets through the sessions the inbox is for: a terminal and no command. Anything
// else is refused with one sentence saying what does work, exit 1: `ssh -T host` and a client
// without a terminal, and a command with or without one (`ssh host ls`, `ssh -t host ls`): the
// server runs no commands, and opening the inbox instead would surprise a script as much as a
// person. scp reached its own middleware before this one.
func (s *Server) terminalOnly(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		_, _, pty := sess.Pty()
		host, port := reachedAt(sess.LocalAddr())
		connect := "ssh -t"
		if port != "22" {
			connect += " -p " + port
		}
		connect += " " + host
		var msg string
		switch {
		case sess.RawCommand() != "":
			msg = fmt.Sprintf("postsale: this server runs no commands, only the inbox (%s) and scp -O of your saved attachments.", connect)
		case !pty:
			msg = fmt.Sprintf("postsale: this server serves the inbox in a terminal: connect with %s (saved attachments come with scp -O).", connect)
		default:
			next(sess)
			return
		}
		end := "\n"
		if pty {
			end = "\r\n" // the client's terminal is raw
		}
		_, _ = fmt.Fprint(sess.Stderr(), msg+end)
		_ = sess.Exit(1)
	}
}
