package serve

import (
	"bufio"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
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
	if got := hint("/srv/members/Bruno/downloads/factura.pdf"); got != "scp -O -P 21322 127.0.0.1:factura.pdf ." {
		t.Errorf("hint = %q", got)
	}
	if got := hint("/srv/members/Bruno/downloads/notafdp (1).txt"); got != `scp -O -P 21322 '127.0.0.1:notafdp\ \(1\).txt' .` {
		t.Errorf("a duplicate's name is not escaped for the server and quoted for the shell: %q", got)
	}
	if got := fetchHint(fakeAddr("10.0.0.5:22"), "/d")("/d/x.pdf"); got != "scp -O 10.0.0.5:x.pdf ." {
		t.Errorf("port 22 hint = %q", got)
	}
	if got := fetchHint(fakeAddr("[::1]:2222"), "/d")("/d/x.pdf"); got != "scp -O -P 2222 '[::1]:x.pdf' ." {
		t.Errorf("IPv6 hint = %q", got)
	}
}

// TestParseSCP reads the commands OpenSSH's scp -O sends (the remote path as typed after
// "host:", for the server's shell): the inbox's hint, the same name pasted in quotes without
// backslashes (the old hint: "[scp -f notafdp (1).txt]" in the server's log), and the broken.
func TestParseSCP(t *testing.T) {
	for _, c := range []struct {
		raw, path string
		op        byte
		recursive bool
		err       string
	}{
		{raw: `scp -f notafdp\ \(1\).txt`, path: "notafdp (1).txt", op: 'f'},
		{raw: `scp -f notafdp (1).txt`, path: "notafdp (1).txt", op: 'f'},
		{raw: `scp -f it\'s\ \$5\ \&\ \[1\].pdf`, path: "it's $5 & [1].pdf", op: 'f'},
		{raw: `scp -f 'João  (2).jpg'`, path: "João  (2).jpg", op: 'f'},
		{raw: `scp -f João  (2).jpg`, path: "João  (2).jpg", op: 'f'},
		{raw: `scp -v -r -p -f .`, path: ".", op: 'f', recursive: true},
		{raw: `scp -d -t evil.sh`, path: "evil.sh", op: 't'},
		{raw: `scp -f -- -t`, err: "no saved file matches"},
		{raw: `scp -f`, err: "only fetches your saved attachments"},
		{raw: `scp`, err: "only fetches your saved attachments"},
		{raw: `scp -x -f a`, err: "not an option"},
	} {
		req, isSCP, err := parseSCP(c.raw)
		switch {
		case !isSCP:
			t.Errorf("%q is not read as scp", c.raw)
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want one saying %q", c.raw, err, c.err)
			}
		case err != nil || req.path != c.path || byte(req.op) != c.op || req.recursive != c.recursive:
			t.Errorf("%q = %+v (%v), want path %q op %c recursive %v", c.raw, req, err, c.path, c.op, c.recursive)
		}
	}
	for _, raw := range []string{"", "ls /", "scpx -f a", "bash -c 'scp -f a'"} {
		if _, isSCP, _ := parseSCP(raw); isSCP {
			t.Errorf("%q is read as scp", raw)
		}
	}
}

// memberWithKeyFile is a test person whose private key is also in a file, for OpenSSH's clients.
func memberWithKeyFile(t *testing.T, name string) (member, string) {
	t.Helper()
	m := newMember(t, name)
	block, err := gossh.MarshalPrivateKey(m.key, "")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return m, file
}

// openSSH runs command (an scp or ssh command line as the inbox shows it) in a POSIX shell, as
// pasted, in a folder of its own, with the test's key and without known hosts: the options go
// right after the program's name. It returns the folder and what the command printed.
func openSSH(t *testing.T, key, command string) (dir, out string, err error) {
	t.Helper()
	prog, _, _ := strings.Cut(command, " ")
	if _, err := exec.LookPath(prog); err != nil {
		t.Skipf("no OpenSSH %s on this machine", prog)
	}
	dir = t.TempDir()
	opts := " -i " + key + " -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
	cmd := exec.Command("sh", "-c", prog+opts+strings.TrimPrefix(command, prog))
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	return dir, string(b), err
}

// The fetch command the inbox prints works as pasted with OpenSSH's own scp -O, for names a
// shell or a glob would read: spaces (every duplicate's "name (1).ext"), quotes, $, &,
// brackets, non-ASCII; the old hint's form ('host:name (1).txt') is accepted too.
func TestFetchHintWorksAsPastedWithOpenSSH(t *testing.T) {
	bruno, key := memberWithKeyFile(t, "Bruno")
	r := startRig(t, rigOptions{members: []member{bruno}})
	dir := r.srv.downloadsDir("Bruno")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	names := []string{"notafdp (1).txt", "it's $HOME & `x` [1] {a,b} ~!.pdf", "João  Ñandú 🧾 (2).jpg", "foto1.jpg", "foto[1].jpg"}
	for i, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(fmt.Sprint("file ", i)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	hint := fetchHint(fakeAddr(r.addr), dir)
	for i, n := range names {
		command := hint(filepath.Join(dir, n))
		got, out, err := openSSH(t, key, command)
		if err != nil {
			t.Errorf("%s: %v\n%s", command, err, out)
			continue
		}
		body, err := os.ReadFile(filepath.Join(got, n))
		if err != nil || string(body) != fmt.Sprint("file ", i) {
			t.Errorf("%s fetched %q (%v), want %q", command, body, err, fmt.Sprint("file ", i))
		}
	}
	old := "scp -O -P " + strings.TrimPrefix(r.addr, "127.0.0.1:") + " '127.0.0.1:notafdp (1).txt' ."
	if got, out, err := openSSH(t, key, old); err != nil {
		t.Errorf("the old hint %s: %v\n%s", old, err, out)
	} else if _, err := os.Stat(filepath.Join(got, "notafdp (1).txt")); err != nil {
		t.Errorf("the old hint %s fetched nothing: %v", old, err)
	}
}

// After s in a served conversation the status says the whole fetch command and puts it on the
// person's clipboard (OSC 52), since a long one is cut on screen; pasted, it fetches that copy.
func TestSavingAttachmentCopiesTheFetchCommand(t *testing.T) {
	ana, key := memberWithKeyFile(t, "Ana")
	r := startRig(t, rigOptions{members: []member{ana}})
	a := connect(t, r.addr, ana, nil)
	a.waitFor(demoBuyer)
	m := a.mark()
	openBuyer(a, "João Silva")
	a.waitFrom(m, "caixa_quebrada.jpg")
	m = a.mark()
	a.send("s")
	a.waitFrom(m, "Saved on the server")
	m = a.mark()
	a.send("s") // a second copy: "caixa_quebrada (1).jpg"
	a.waitFrom(m, "Saved on the server; copied to your clipboard: scp -O")
	raw := a.rawBytes()[m:]
	i := strings.Index(raw, "\x1b]52;c;")
	if i < 0 {
		t.Fatal("no OSC 52 in Ana's session after saving")
	}
	enc := raw[i+len("\x1b]52;c;"):]
	enc = enc[:strings.IndexAny(enc, "\x07\x1b")]
	b, err := base64.StdEncoding.DecodeString(enc)
	command := string(b)
	if err != nil || !strings.HasPrefix(command, "scp -O -P ") || !strings.Contains(command, `:caixa_quebrada\ \(1\).jpg'`) {
		t.Fatalf("the clipboard has %q (%v), want the command fetching the second copy", command, err)
	}
	got, out, err := openSSH(t, key, command)
	if err != nil {
		t.Fatalf("%s: %v\n%s", command, err, out)
	}
	want, _ := os.ReadFile(filepath.Join(r.srv.downloadsDir("Ana"), "caixa_quebrada (1).jpg"))
	if body, err := os.ReadFile(filepath.Join(got, "caixa_quebrada (1).jpg")); err != nil || len(want) == 0 || string(body) != string(want) {
		t.Errorf("%s fetched %d bytes (%v), want the %d saved", command, len(body), err, len(want))
	}
}

type fakeAddr string

func (a fakeAddr) Network() string { return "tcp" }
func (a fakeAddr) String() string  { return string(a) }

// A refusal reaches scp as a line of its own: in the protocol, which OpenSSH's scp prints
// (without "lost connection" after a refused upload), and plain scp, which asks for SFTP, is
// told to add -O instead of "subsystem request failed on channel 0".
func TestScpRefusalsAreLinesOfTheirOwn(t *testing.T) {
	bruno, key := memberWithKeyFile(t, "Bruno")
	r := startRig(t, rigOptions{members: []member{bruno}})
	if err := os.MkdirAll(r.srv.downloadsDir("Bruno"), 0o700); err != nil {
		t.Fatal(err)
	}
	port := strings.TrimPrefix(r.addr, "127.0.0.1:")

	// The bytes, as any client gets them.
	c, err := dial(r.addr, gossh.PublicKeys(bruno.signer))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	run := func(start func(*gossh.Session) error) (stdout, stderr string, code int) {
		t.Helper()
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		var o, e strings.Builder
		sess.Stdout, sess.Stderr = &o, &e
		if err := start(sess); err != nil {
			t.Fatal(err)
		}
		err = sess.Wait()
		var exit *gossh.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitStatus()
		}
		return o.String(), e.String(), code
	}
	const noMatch = `postsale: no saved file matches "nothing" (names are as the inbox said when saving)`
	if out, errs, code := run(func(s *gossh.Session) error { return s.Start("scp -f nothing") }); out != "\x01"+noMatch+"\n" || errs != "" || code != 1 {
		t.Errorf("scp -f nothing: stdout %q, stderr %q, exit %d; want the refusal as one \\x01 line, exit 1", out, errs, code)
	}
	sftp := "postsale: this server does not speak SFTP, which scp uses unless given -O: fetch your saved attachments with scp -O -P " + port + " 127.0.0.1:NAME . (the inbox shows the command when it saves one)\n"
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	errPipe, _ := sess.StderrPipe()
	if err := sess.RequestSubsystem("sftp"); err != nil {
		t.Fatalf("the sftp subsystem request failed (%v): OpenSSH says only that", err)
	}
	if errs, _ := io.ReadAll(errPipe); string(errs) != sftp {
		t.Errorf("sftp subsystem: stderr %q, want %q", errs, sftp)
	}
	sess.Close()

	// What OpenSSH's scp prints.
	upload := filepath.Join(t.TempDir(), "evil.sh")
	if err := os.WriteFile(upload, []byte("echo hi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for command, want := range map[string]string{
		"scp -O -P " + port + " 127.0.0.1:nothing .":        noMatch + "\n",
		"scp -O -P " + port + " " + upload + " 127.0.0.1:x": "postsale: scp here only fetches your saved attachments; nothing can be uploaded\n",
		"scp -P " + port + " 127.0.0.1:nothing .":           sftp + "scp: Connection closed\r\n",
	} {
		if _, out, err := openSSH(t, key, command); err == nil || out != want {
			t.Errorf("%s printed %q (%v), want %q and a failure", command, out, err, want)
		}
	}
}
