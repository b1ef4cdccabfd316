package serve

import (
	"errors"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// A session without a terminal, or with a command (with a terminal too), is refused with one
// postsale sentence saying how to connect, exit 1, and never gets the inbox.
func TestNoTerminalOrACommandIsRefusedWithASentence(t *testing.T) {
	ana := newMember(t, "Ana")
	r := startRig(t, rigOptions{members: []member{ana}})
	c, err := dial(r.addr, gossh.PublicKeys(ana.signer))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	connect := "ssh -t -p " + strings.TrimPrefix(r.addr, "127.0.0.1:") + " 127.0.0.1"
	for _, tc := range []struct {
		what, command string
		pty           bool
		want          string
	}{
		{"ssh -T", "", false, "postsale: this server serves the inbox in a terminal: connect with " + connect + " (saved attachments come with scp -O).\n"},
		{"ssh host ls /", "ls /", false, "postsale: this server runs no commands, only the inbox (" + connect + ") and scp -O of your saved attachments.\n"},
		{"ssh -t host ls /", "ls /", true, "postsale: this server runs no commands, only the inbox (" + connect + ") and scp -O of your saved attachments.\r\n"},
	} {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if tc.pty {
			if err := sess.RequestPty("xterm-256color", 30, 120, gossh.TerminalModes{}); err != nil {
				t.Fatal(err)
			}
		}
		var out, errs strings.Builder
		sess.Stdout, sess.Stderr = &out, &errs
		if tc.command == "" {
			err = sess.Shell()
		} else {
			err = sess.Start(tc.command)
		}
		if err != nil {
			t.Fatal(err)
		}
		ended := make(chan error, 1)
		go func() { ended <- sess.Wait() }()
		select {
		case err = <-ended:
		case <-time.After(waitLimit):
			sess.Close()
			t.Fatalf("%s was not refused: the session goes on, showing %q", tc.what, out.String()[max(out.Len()-300, 0):])
		}
		var exit *gossh.ExitError
		if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
			t.Errorf("%s ended with %v, want exit 1", tc.what, err)
		}
		if errs.String() != tc.want || out.String() != "" {
			t.Errorf("%s: stderr %q, stdout %q; want %q on stderr alone", tc.what, errs.String(), out.String(), tc.want)
		}
		sess.Close()
	}
	if n := r.srv.Hub().Sessions(); n != 0 {
		t.Errorf("%d refused sessions joined the team", n)
	}
}
