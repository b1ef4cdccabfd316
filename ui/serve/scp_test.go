package serve

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postsale/postsale/ui/uitest"
	gossh "golang.org/x/crypto/ssh"
)

// scpFetch runs the legacy scp protocol's source side (`scp -f path`) as OpenSSH's `scp -O`
// does, and returns the file's name and contents, or the server's error line.
func scpFetch(t *testing.T, addr string, m member, path string) (name, body string, err error) {
	t.Helper()
	c, err := dial(addr, gossh.PublicKeys(m.signer))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	in, _ := sess.StdinPipe()
	outPipe, _ := sess.StdoutPipe()
	var stderr strings.Builder
	sess.Stderr = &stderr
	if err := sess.Start("scp -f " + path); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewReader(outPipe)
	_, _ = in.Write([]byte{0})
	line, rerr := out.ReadString('\n')
	if strings.HasPrefix(line, "T") { // times first: acknowledged, then the file
		_, _ = in.Write([]byte{0})
		line, rerr = out.ReadString('\n')
	}
	if rerr != nil || !strings.HasPrefix(line, "C") {
		_ = sess.Wait()
		return "", "", fmt.Errorf("%s%s", strings.TrimSpace(strings.TrimLeft(line, "\x01\x02")), strings.TrimSpace(stderr.String()))
	}
	var mode string
	var size int
	if _, err := fmt.Sscanf(line, "C%s %d %s\n", &mode, &size, &name); err != nil {
		t.Fatalf("scp header %q: %v", line, err)
	}
	_, _ = in.Write([]byte{0})
	buf := make([]byte, size+1)
	if _, err := io.ReadFull(out, buf); err != nil {
		t.Fatal(err)
	}
	_, _ = in.Write([]byte{0})
	_ = in.Close()
	_ = sess.Wait()
	return name, string(buf[:size]), nil
}

func TestScpFetchesOnlyOnesOwnSavedFiles(t *testing.T) {
	bruno, carla := newMember(t, "Bruno"), newMember(t, "Carla")
	r := startRig(t, rigOptions{members: []member{bruno, carla}})
	dir := r.srv.downloadsDir("Bruno")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "factura.pdf"), []byte("%PDF bruno's"), 0o600); err != nil {
		t.Fatal(err)
	}

	name, body, err := scpFetch(t, r.addr, bruno, "factura.pdf")
	if err != nil || name != "factura.pdf" || body != "%PDF bruno's" {
		t.Fatalf("Bruno fetched %q %q (%v), want his factura.pdf", name, body, err)
	}
	if _, _, err := scpFetch(t, r.addr, carla, "factura.pdf"); err == nil || !strings.Contains(err.Error(), "no saved attachments yet") {
		t.Errorf("Carla fetching Bruno's file: %v, want a refusal saying she saved nothing", err)
	}
	for _, escape := range []string{"../../Bruno/downloads/factura.pdf", "/etc/passwd", "../../../team-state.json"} {
		if _, body, err := scpFetch(t, r.addr, bruno, escape); err == nil {
			t.Errorf("scp of %q left the downloads folder: got %q", escape, body)
		}
	}

	// A symbolic link out of the folder is not followed.
	if err := os.Symlink(filepath.Join(r.dataDir, "audit.jsonl"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if _, body, err := scpFetch(t, r.addr, bruno, "link.txt"); err == nil {
		t.Errorf("scp followed a link out of the downloads folder: got %q", body)
	}

	// Uploads are refused with a sentence.
	c, err := dial(r.addr, gossh.PublicKeys(bruno.signer))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := sess.StdinPipe()
	out := &uitest.Buffer{} // stdout and stderr are copied by two goroutines
	sess.Stdout, sess.Stderr = out, out
	if err := sess.Start("scp -t evil.sh"); err != nil {
		t.Fatal(err)
	}
	_, _ = fmt.Fprintf(in, "C0755 3 evil.sh\nabc\x00")
	_ = in.Close()
	_ = sess.Wait()
	if _, err := os.Stat(filepath.Join(dir, "evil.sh")); err == nil {
		t.Error("an upload was written")
	}
	if !strings.Contains(out.String(), "nothing can be uploaded") {
		t.Errorf("upload answer = %q, want the read-only sentence", out.String())
	}
}

func TestFetchHintNamesTheServer(t *testing.T) {
	hint := fetchHint(fakeAddr("127.0.0.1:21322"), "/srv/members/Bruno/downloads")
	if got := hint("/srv/members/Bruno/downloads/factura.pdf"); got != "Saved on the server: scp -O -P 21322 127.0.0.1:factura.pdf ." {
		t.Errorf("hint = %q", got)
	}
	if got := hint("/srv/members/Bruno/downloads/my photo.jpg"); !strings.HasSuffix(got, "'127.0.0.1:my photo.jpg' .") {
		t.Errorf("a name with a space is not quoted: %q", got)
	}
	if got := fetchHint(fakeAddr("10.0.0.5:22"), "/d")("/d/x.pdf"); got != "Saved on the server: scp -O 10.0.0.5:x.pdf ." {
		t.Errorf("port 22 hint = %q", got)
	}
}

type fakeAddr string

func (a fakeAddr) Network() string { return "tcp" }
func (a fakeAddr) String() string  { return string(a) }
