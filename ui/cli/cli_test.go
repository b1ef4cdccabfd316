package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/sandbox/sandboxtest"
)

// Demo packs the tests rely on (assets/demo/demo.json).
const (
	packActive  = "2000004512345671" // MLM, 4 messages, buyer unread
	packHostile = "2000004900001111" // MLB, a buyer message full of escape sequences
	packLong    = "2000004777000111" // MLC, 300+ generated messages
	packBlocked = "2000003999887766" // MLM, blocked_by_time
)

// harness runs postsale in-process against a sandbox behind httptest.
type harness struct {
	t   *testing.T
	sb  *sandbox.Server
	ts  *httptest.Server
	dir string
	env map[string]string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	ts, sb, dir, env := cliSandbox(t)
	return &harness{t: t, sb: sb, ts: ts, dir: dir, env: env}
}

// cliSandbox serves a sandbox and returns the environment a postsale process would run with
// against it: a home of its own and the sandbox's URL and token.
func cliSandbox(tb testing.TB) (*httptest.Server, *sandbox.Server, string, map[string]string) {
	tb.Helper()
	f := sandboxtest.New(tb)
	ts, sb := f.Server, f.Sandbox
	dir := tb.TempDir()
	return ts, sb, dir, map[string]string{
		"HOME":              dir,
		"XDG_CONFIG_HOME":   filepath.Join(dir, "config"),
		"XDG_STATE_HOME":    filepath.Join(dir, "state"),
		"XDG_CACHE_HOME":    filepath.Join(dir, "cache"),
		"MELI_API_URL":      ts.URL,
		"MELI_ACCESS_TOKEN": sb.Token(),
	}
}

func (h *harness) lookup(k string) (string, bool) { v, ok := h.env[k]; return v, ok }

func (h *harness) run(args ...string) (stdout, stderr string, code int) {
	h.t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, Err: &errb, Env: h.lookup})
	return out.String(), errb.String(), code
}

// mustRun fails the test unless the command succeeds with nothing on stderr.
func (h *harness) mustRun(args ...string) string {
	h.t.Helper()
	out, errs, code := h.run(args...)
	if code != ExitOK || errs != "" {
		h.t.Fatalf("postsale %s: exit %d, stderr %q", strings.Join(args, " "), code, errs)
	}
	return out
}

// oneLine asserts stderr is exactly one "postsale: ..." line and returns it without the newline.
func oneLine(t *testing.T, stderr string) string {
	t.Helper()
	if !strings.HasPrefix(stderr, "postsale: ") || !strings.HasSuffix(stderr, "\n") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("stderr is not one postsale line: %q", stderr)
	}
	return strings.TrimSuffix(stderr, "\n")
}

func (h *harness) client() *api.Client {
	h.t.Helper()
	c, err := api.New(api.StaticToken(h.sb.Token()), api.WithBaseURL(h.ts.URL))
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

func TestMessagesHuman(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("messages", packActive, "--limit", "3", "--offset", "1")
	for _, want := range []string{
		"Pack " + packActive + " · active\n",
		"Messages 2–4 of 4, newest first.\n",
		"── Buyer · Ana Lucía Pérez",
		"── You · ",
		"   translated:\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "── "); n != 3 {
		t.Errorf("%d messages printed, want 3:\n%s", n, out)
	}
	reqs := h.sb.Requests()
	last := reqs[len(reqs)-1]
	q, _ := url.ParseQuery(last.RawQuery)
	if last.Method != http.MethodGet || last.Path != "/marketplace/messages/packs/"+packActive || q.Get("limit") != "3" || q.Get("offset") != "1" {
		t.Errorf("request = %s %s?%s", last.Method, last.Path, last.RawQuery)
	}
	if got := last.Header.Get("Authorization"); got != "Bearer "+h.sb.Token() {
		t.Errorf("Authorization = %q", got)
	}
}

// An offset past the last message is answered plainly, not blamed on Mercado Libre's paging.
func TestMessagesOffsetPastTheEnd(t *testing.T) {
	h := newHarness(t)
	for _, offset := range []string{"4", "99"} {
		out := h.mustRun("messages", packActive, "--offset", offset)
		if want := "No messages at offset " + offset + " (4 in total).\n"; !strings.Contains(out, want) {
			t.Errorf("--offset %s printed:\n%s\nwant %q", offset, out, want)
		}
	}
}

func TestMessagesJSONIsTheAPIsJSON(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("messages", packActive, "--limit", "2", "--json")
	var got api.Conversation
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	want, err := h.client().PackMessages(context.Background(), packActive, api.PageOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if compact(t, out) != compact(t, string(want.Raw)) {
		t.Fatalf("JSON output is not the API's answer as served:\n%s\nwant\n%s", out, want.Raw)
	}
	if len(got.Messages) != 2 || got.Paging == nil || got.Paging.Total != 4 {
		t.Fatalf("unexpected page: %+v", got.Paging)
	}
}

func TestMessagesAllPagesThroughEverything(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("messages", packLong, "--all", "--json")
	var got api.Conversation
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	first, err := h.client().PackMessages(context.Background(), packLong, api.PageOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	total := first.Paging.Total
	if total < 300 || len(got.Messages) != total || got.Paging.Total != total {
		t.Fatalf("--all returned %d messages (paging %+v), the pack has %d", len(got.Messages), got.Paging, total)
	}
	seen := map[string]bool{}
	for _, m := range got.Messages {
		if seen[m.ID] {
			t.Fatalf("message %s twice", m.ID)
		}
		seen[m.ID] = true
	}
	if got.Messages[0].ID != first.Messages[0].ID {
		t.Fatalf("first message %s, want the newest %s", got.Messages[0].ID, first.Messages[0].ID)
	}
	pages := 0
	for _, r := range h.sb.Requests() {
		if r.Path == "/marketplace/messages/packs/"+packLong {
			pages++
		}
	}
	if want := (total+allPageSize-1)/allPageSize + 1; pages != want { // +1: the reference call above
		t.Fatalf("%d page requests, want %d", pages, want)
	}
	if _, errs, code := h.run("messages", packLong, "--all", "--limit", "5"); code != ExitUsage || !strings.Contains(oneLine(t, errs), "--all reads every page") {
		t.Fatalf("--all with --limit: exit %d, %q", code, errs)
	}
}

func TestHumanOutputHasNoEscapeSequences(t *testing.T) {
	h := newHarness(t)
	hostile := h.demoMessage(packHostile, "\x1b")
	for _, args := range [][]string{
		{"messages", packHostile},
		{"message", hostile.ID},
		{"messages", packHostile, "--json"},
	} {
		out := h.mustRun(args...)
		if strings.ContainsAny(out, "\x1b\x07\u009b") {
			t.Errorf("postsale %s printed a control byte:\n%q", strings.Join(args, " "), out)
		}
		if !strings.Contains(out, "recebi o produto") {
			t.Errorf("postsale %s lost the message text:\n%s", strings.Join(args, " "), out)
		}
	}
}

func TestUnread(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("unread")
	want, err := h.client().UnreadPacks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, r := range want.Results {
		total += r.Count
		if !strings.Contains(out, "pack "+r.PackID()+"\t") {
			t.Errorf("output lacks pack %s:\n%s", r.PackID(), out)
		}
	}
	if len(want.Results) == 0 || !strings.HasSuffix(out, "unread in "+itoa(len(want.Results))+" conversations.\n") || !strings.Contains(out, "\n"+itoa(total)+" unread") {
		t.Errorf("summary wrong (want %d in %d):\n%s", total, len(want.Results), out)
	}
	if got := h.mustRun("unread", "--json"); compact(t, got) != compact(t, string(want.Raw)) {
		t.Fatalf("unread --json = %s; want the API's %s", got, want.Raw)
	}
}

// compact is s as compact JSON, for comparing JSON texts.
func compact(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return buf.String()
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// pngFile writes a real PNG and returns its path and bytes.
func pngFile(t *testing.T, dir, name string) (string, []byte) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 7, 5))
	for x := 0; x < 7; x++ {
		img.Set(x, x%5, color.RGBA{R: uint8(40 * x), G: 99, B: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

func TestSendAttachmentRoundTrip(t *testing.T) {
	h := newHarness(t)
	path, content := pngFile(t, h.dir, "foto caja.png")

	// No --site and no MELI_SITE_ID: the site comes from the pack's own messages (MLB).
	out := h.mustRun("send", packHostile, "--text", "Here is a photo of the box", "--translated", "Aqui está uma foto da caixa", "--attach", path, "--json")
	var sent api.Message
	if err := json.Unmarshal([]byte(out), &sent); err != nil || sent.ID == "" {
		t.Fatalf("send --json = %q (%v)", out, err)
	}
	var upload *sandbox.RecordedRequest
	for _, r := range h.sb.Requests() {
		if r.Route == sandbox.RouteUpload {
			r := r
			upload = &r
		}
	}
	if upload == nil {
		t.Fatal("no upload reached the sandbox")
	}
	if q, _ := url.ParseQuery(upload.RawQuery); q.Get("site_id") != "MLB" {
		t.Fatalf("upload site_id = %q, want the pack's MLB", q.Get("site_id"))
	}
	if !bytes.Contains(upload.Body, []byte("Content-Type: image/png")) || !bytes.Contains(upload.Body, []byte(`filename="foto caja.png"`)) {
		t.Fatalf("upload part headers wrong:\n%q", upload.Body[:min(len(upload.Body), 300)])
	}

	// Read the message back: it carries the attachment.
	var conv api.Conversation
	if err := json.Unmarshal([]byte(h.mustRun("messages", packHostile, "--limit", "1", "--json")), &conv); err != nil {
		t.Fatal(err)
	}
	m := conv.Messages[0]
	if m.ID != sent.ID || m.Text != "Here is a photo of the box" || len(m.Attachments) != 1 {
		t.Fatalf("newest message = %+v, want the one sent (%s)", m, sent.ID)
	}
	att := m.Attachments[0]
	if att.OriginalFilename != "foto caja.png" || att.Size != int64(len(content)) {
		t.Fatalf("attachment = %+v", att)
	}

	// Download it and compare byte for byte.
	dest := filepath.Join(h.dir, "back.png")
	out = h.mustRun("attachment", att.Filename, "--site", "MLB", "-o", dest)
	if !strings.HasPrefix(out, "Saved ") || !strings.HasSuffix(out, " to "+dest+"\n") {
		t.Fatalf("attachment output = %q", out)
	}
	got, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, content) {
		t.Fatalf("downloaded %d bytes differ from the %d uploaded", len(got), len(content))
	}

	// An existing file is refused before any request, and kept intact.
	before := len(h.sb.Requests())
	_, errs, code := h.run("attachment", att.Filename, "--site", "MLB", "-o", dest)
	if line := oneLine(t, errs); code != ExitError || line != "postsale: The file "+dest+" already exists: choose another file with -o or add --force." {
		t.Fatalf("overwrite: exit %d, %q", code, line)
	}
	if len(h.sb.Requests()) != before {
		t.Fatal("a request was made although the file existed")
	}
	if err := os.WriteFile(dest, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.mustRun("attachment", att.Filename, "--site", "MLB", "-o", dest, "--force")
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, content) {
		t.Fatal("--force did not replace the file")
	}

	// -o - streams to stdout; --pack finds the site without --site.
	if out := h.mustRun("attachment", att.Filename, "--pack", packHostile, "-o", "-"); out != string(content) {
		t.Fatalf("stdout download differs (%d bytes)", len(out))
	}

	// Without -o the file lands in the downloads directory under its id, and a second download
	// never overwrites the first (api/attach's naming, shared with the inbox).
	h.mustRun("attachment", att.Filename, "--site", "MLB", "--downloads-dir", filepath.Join(h.dir, "dl"))
	if got, _ := os.ReadFile(filepath.Join(h.dir, "dl", att.Filename)); !bytes.Equal(got, content) {
		t.Fatal("download into the downloads directory differs")
	}
	out = h.mustRun("attachment", att.Filename, "--site", "MLB", "--downloads-dir", filepath.Join(h.dir, "dl"))
	stem := strings.TrimSuffix(att.Filename, filepath.Ext(att.Filename))
	second := filepath.Join(h.dir, "dl", stem+" (1)"+filepath.Ext(att.Filename))
	if got, _ := os.ReadFile(second); !bytes.Equal(got, content) || !strings.HasSuffix(out, " to "+second+"\n") {
		t.Fatalf("second download: %q", out)
	}
}

// packPhoto is the demo's MLB pack whose buyer sent a photo (caixa_quebrada.jpg).
const packPhoto = "2000004587654321"

// The refusal to replace a file named with -o shows the name exactly as typed: not its first
// letter upper-cased, not its first byte split out of a multi-byte letter.
func TestAttachmentExistsKeepsTheFileNameAsTyped(t *testing.T) {
	h := newHarness(t)
	id := h.conversation(packPhoto)[0].Attachments[0].Filename
	t.Chdir(h.dir) // a relative -o, as typed at a shell
	for _, name := range []string{"out.jpg", "ñandú.jpg"} {
		h.mustRun("attachment", id, "--site", "MLB", "-o", name)
		_, errs, code := h.run("attachment", id, "--site", "MLB", "-o", name)
		want := "postsale: The file " + name + " already exists: choose another file with -o or add --force."
		if line := oneLine(t, errs); code != ExitError || line != want {
			t.Errorf("second download to %s: exit %d, %q; want %q", name, code, line, want)
		}
	}
}

// -o into a folder that does not exist is refused with a sentence, and the folder is not made:
// a typo in a path must not leave folders behind.
func TestAttachmentIntoAMissingFolderIsRefused(t *testing.T) {
	h := newHarness(t)
	id := h.conversation(packPhoto)[0].Attachments[0].Filename
	missing := filepath.Join(h.dir, "nonexistent", "dir")
	for _, args := range [][]string{{}, {"--force"}, {"--json"}} {
		args = append([]string{"attachment", id, "--site", "MLB", "-o", filepath.Join(missing, "x.jpg")}, args...)
		out, errs, code := h.run(args...)
		want := "postsale: There is no folder " + missing + " to save x.jpg in: create it first, or choose another file with -o."
		if line := oneLine(t, errs); code != ExitError || line != want || out != "" {
			t.Errorf("postsale %q: exit %d, stdout %q, %q; want %q", args, code, out, line, want)
		}
	}
	if _, err := os.Lstat(filepath.Dir(missing)); !os.IsNotExist(err) {
		t.Fatalf("%s was created (%v)", filepath.Dir(missing), err)
	}
	for _, r := range h.sb.Requests() {
		if r.Route == sandbox.RouteDownload {
			t.Fatal("the attachment was downloaded for a folder that does not exist")
		}
	}
}

func TestAttachmentWithoutSiteIsOneClearLine(t *testing.T) {
	h := newHarness(t)
	_, errs, code := h.run("attachment", "123_x.png", "-o", filepath.Join(h.dir, "x.png"))
	if line := oneLine(t, errs); code != ExitError || line != "postsale: A site id is required (MLM, MLB, MCO or MLC): pass --site, or --pack PACK_ID to use the pack's site, or set MELI_SITE_ID." {
		t.Fatalf("exit %d, %q", code, line)
	}
	if _, err := os.Stat(filepath.Join(h.dir, "x.png")); err == nil {
		t.Fatal("a file was created")
	}
}

func TestSendRefusedBeforeAnyRequest(t *testing.T) {
	h := newHarness(t)
	gif := filepath.Join(h.dir, "Animation.gif")
	if err := os.WriteFile(gif, []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, png := pngFile(t, h.dir, "source.png")
	fakePDF := filepath.Join(h.dir, "factura.pdf")
	empty := filepath.Join(h.dir, "empty.txt")
	if err := os.WriteFile(fakePDF, png, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"too long", []string{"send", packActive, "--text", strings.Repeat("a", 351)}, "postsale: The text has 351 characters; Mercado Libre accepts at most 350."},
		{"translation too long", []string{"send", packActive, "--text", "hi", "--translated", strings.Repeat("b", 400)}, "postsale: The translation has 400 characters; Mercado Libre accepts at most 350."},
		{"gif", []string{"send", packActive, "--text", "hi", "--attach", gif}, "postsale: The file Animation.gif is a .gif file, a type Mercado Libre does not accept: send JPG, PNG, HEIC, PDF, TXT, XML, DOC or XLS."},
		{"missing file", []string{"send", packActive, "--text", "hi", "--attach", filepath.Join(h.dir, "nope.pdf")}, "postsale: The file " + filepath.Join(h.dir, "nope.pdf") + " does not exist: check the path."},
		{"png named pdf", []string{"send", packActive, "--text", "hi", "--attach", fakePDF}, "postsale: The file factura.pdf ends in .pdf but its content is a PNG image: rename it to .png if that is what it is."},
		// Every failing file gets its sentence, before any upload.
		{"two bad files", []string{"send", packActive, "--text", "hi", "--attach", gif, "--attach", empty}, "postsale: The file Animation.gif is a .gif file, a type Mercado Libre does not accept: send JPG, PNG, HEIC, PDF, TXT, XML, DOC or XLS. The file empty.txt is empty: choose a file with content."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(h.sb.Requests())
			_, errs, code := h.run(tc.args...)
			if line := oneLine(t, errs); code != ExitError || line != tc.want {
				t.Fatalf("exit %d, %q; want %q", code, line, tc.want)
			}
			if len(h.sb.Requests()) != before {
				t.Fatal("a request reached the sandbox")
			}
		})
	}
}

func TestSendToBlockedConversation(t *testing.T) {
	h := newHarness(t)
	_, errs, code := h.run("send", packBlocked, "--text", "Hello")
	if line := oneLine(t, errs); code != ExitError || line != "postsale: Pack "+packBlocked+" is blocked, nothing was sent: 30 days passed since the last message; it reopens only if the buyer writes." {
		t.Fatalf("exit %d, %q", code, line)
	}
	out := h.mustRun("messages", packBlocked, "--limit", "1")
	if !strings.HasPrefix(out, "Pack "+packBlocked+" · blocked: ") {
		t.Fatalf("blocked header missing:\n%s", out)
	}
}

func TestMissingTokenIsOneLine(t *testing.T) {
	h := newHarness(t)
	delete(h.env, "MELI_ACCESS_TOKEN")
	_, errs, code := h.run("unread")
	if line := oneLine(t, errs); code != ExitError || line != "postsale: No access token: log in with `postsale login` or set MELI_ACCESS_TOKEN." {
		t.Fatalf("exit %d, %q", code, line)
	}
	if n := len(h.sb.Requests()); n != 0 {
		t.Fatalf("%d requests made without a token", n)
	}
}

func TestWrongTokenIsOneLineWithoutTheToken(t *testing.T) {
	h := newHarness(t)
	h.env["MELI_ACCESS_TOKEN"] = "APP_USR-0000-not-the-sandbox-token"
	_, errs, code := h.run("messages", packActive)
	line := oneLine(t, errs)
	// The variable is the problem: logging in does not help while it is set.
	if code != ExitError || line != "postsale: Mercado Libre refused the access token in MELI_ACCESS_TOKEN: unset it (or set a valid one); `postsale login` does not help while it is set." {
		t.Fatalf("exit %d, %q", code, line)
	}
}

func TestUnreachableURLIsOneLine(t *testing.T) {
	h := newHarness(t)
	ts := httptest.NewServer(http.NotFoundHandler())
	dead := ts.URL
	ts.Close() // a port that was just listening and no longer is
	h.env["MELI_API_URL"] = dead
	_, errs, code := h.run("unread")
	line := oneLine(t, errs)
	if code != ExitError || !strings.HasPrefix(line, "postsale: Cannot reach Mercado Libre (") || !strings.HasSuffix(line, "check your connection or MELI_API_URL and try again.") {
		t.Fatalf("exit %d, %q", code, line)
	}
	if strings.Contains(line, h.sb.Token()) {
		t.Fatal("token in the error")
	}
}

func TestBadConfigIsOneLine(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(h.env["XDG_CONFIG_HOME"], "postsale", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	const fileToken = "APP_USR-9999-config-file-token"
	if err := os.WriteFile(path, []byte("access_token = \""+fileToken+"\"\nrefresh_interval = \"fast\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"unread"}, {}, {"config"}} {
		_, errs, code := h.run(args...)
		line := oneLine(t, errs)
		if code != ExitError || line != `postsale: config: `+path+`: key "refresh_interval": "fast" is not a duration` {
			t.Fatalf("postsale %v: exit %d, %q", args, code, line)
		}
		if strings.Contains(errs, fileToken) || strings.Contains(errs, h.sb.Token()) {
			t.Fatal("token in the error")
		}
	}
	if n := len(h.sb.Requests()); n != 0 {
		t.Fatalf("%d requests made with a bad config", n)
	}
	// A bad flag value is one line too.
	os.Remove(path)
	_, errs, code := h.run("--refresh", "soon")
	if line := oneLine(t, errs); code != ExitError || line != `postsale: config: flag --refresh: "soon" is not a duration` {
		t.Fatalf("exit %d, %q", code, line)
	}
}

// backfill_share is a percentage ("10%") or a fraction (0.1): over 100% is refused, never
// reread as a smaller share, and `postsale config` shows what was written.
// A [keys] table giving one key to two actions is refused by every command, as a setting of
// the config file (it was refused only when the inbox started, without naming the file).
func TestKeyConflictIsAConfigError(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(h.env["XDG_CONFIG_HOME"], "postsale", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("[keys]\n\"list.up\" = [\"q\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"config"}, {"unread"}} {
		_, errs, code := h.run(args...)
		want := `postsale: config: ` + path + `: key "keys": list.up gets "q", which global.quit already uses`
		if line := oneLine(t, errs); code != ExitError || !strings.HasPrefix(line, want) {
			t.Errorf("%v: exit %d, %q", args, code, line)
		}
	}
}

func TestBackfillShareOverAllIsRefused(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(h.env["XDG_CONFIG_HOME"], "postsale", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(value string) {
		if err := os.WriteFile(path, []byte("backfill_share = "+value+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, over := range []string{`"150%"`, `"101%"`, `"1000%"`, `1.5`, `20`, `-3`} {
		write(over)
		_, errs, code := h.run("config")
		want := `postsale: config: ` + path + `: key "backfill_share": must be more than 0 and at most 100%`
		if line := oneLine(t, errs); code != ExitError || !strings.HasPrefix(line, want) {
			t.Errorf("backfill_share = %s: exit %d, %q", over, code, line)
		}
	}
	for value, shown := range map[string]string{`"7%"`: "7%", `0.07`: "7%", `1`: "100%", `"100%"`: "100%", `0.25`: "25%"} {
		write(value)
		out := h.mustRun("config")
		if !regexp.MustCompile(`(?m)^backfill_share +` + regexp.QuoteMeta(shown) + ` +` + regexp.QuoteMeta(path) + `$`).MatchString(out) {
			t.Errorf("backfill_share = %s: want it shown as %s:\n%s", value, shown, out)
		}
	}
}

func TestTokenNeverPrinted(t *testing.T) {
	h := newHarness(t)
	tok := h.sb.Token()
	outputs := []string{}
	for _, args := range [][]string{{"--help"}, {"messages", "--help"}, {"send", "--help"}, {"config"}, {"config", "--json"}} {
		outputs = append(outputs, h.mustRun(args...))
	}
	for _, o := range outputs {
		if strings.Contains(o, tok) {
			t.Fatalf("token printed:\n%s", o)
		}
	}
	if !strings.Contains(outputs[3], "access_token      ******** (set)") || !strings.Contains(outputs[3], "$MELI_ACCESS_TOKEN") {
		t.Fatalf("config does not show the masked token and its source:\n%s", outputs[3])
	}
}

func TestDemoNeedsNoToken(t *testing.T) {
	h := newHarness(t)
	delete(h.env, "MELI_ACCESS_TOKEN")
	h.env["MELI_API_URL"] = "http://127.0.0.1:1" // --demo ignores it
	out := h.mustRun("unread", "--demo")
	if !strings.Contains(out, " unread in ") {
		t.Fatalf("--demo unread:\n%s", out)
	}
	out = h.mustRun("messages", "--demo", packActive, "--limit", "1")
	if !strings.Contains(out, "Messages 1–1 of 4") {
		t.Fatalf("--demo messages:\n%s", out)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{{"messages"}, {"messages", "a", "b"}, {"unread", "--nope"}, {"attachment"}} {
		_, errs, code := h.run(args...)
		oneLine(t, errs)
		if code != ExitUsage {
			t.Fatalf("postsale %v: exit %d, want %d", args, code, ExitUsage)
		}
	}
	if _, errs, code := h.run("frobnicate"); code != ExitUsage || !strings.Contains(oneLine(t, errs), `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: exit %d, %q", code, errs)
	}
}

// Missing, extra and malformed arguments are said in words, naming the command once: no
// "arg(s)", no "unknown command" for a command that takes no arguments, no Go parse error.
func TestArgumentMistakesAreSentences(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"search"}, "postsale: search: give the words to search for, as in: postsale search cargador (see postsale search --help)"},
		{[]string{"export", "extra"}, `postsale: export: takes no arguments, but was given "extra" (see postsale export --help)`},
		{[]string{"messages"}, "postsale: messages: give a pack id (see postsale messages --help)"},
		{[]string{"messages", "1", "2"}, "postsale: messages: takes only a pack id, but was given 2 arguments"},
		{[]string{"messages", "1", "--limit", "abc"}, `postsale: --limit takes a whole number, not "abc" (see postsale messages --help)`},
		{[]string{"search", "x", "--since", "2025-01-01", "--limit", "1.5"}, `postsale: --limit takes a whole number, not "1.5"`},
	} {
		_, errs, code := h.run(c.args...)
		if line := oneLine(t, errs); code != ExitUsage || !strings.HasPrefix(line, c.want) {
			t.Errorf("postsale %q: exit %d, %q; want exit %d, %q", c.args, code, line, ExitUsage, c.want)
		}
	}
	if n := len(h.sb.Requests()); n != 0 {
		t.Errorf("%d requests made for mistaken arguments", n)
	}
}

// An empty id (an unset shell variable) is a usage mistake like a missing one, for every
// command that takes a pack id, and for the message and attachment ids beside them: exit 2, one
// line, no request.
func TestEmptyIdsAreUsageErrors(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"messages", ""}, "postsale: messages: a pack id is required, not an empty argument (see postsale messages --help)"},
		{[]string{"messages", " ", "--all"}, "a pack id is required"},
		{[]string{"send", "", "--text", "hi"}, "postsale: send: a pack id is required, not an empty argument (see postsale send --help)"},
		{[]string{"contact", "", "--reason", "OTHER", "--text", "hi"}, "postsale: contact: a pack id is required"},
		{[]string{"message", ""}, "postsale: message: a message id is required"},
		{[]string{"attachment", "", "--site", "MLB"}, "postsale: attachment: an attachment id is required"},
		{[]string{"attachment", "123_x.png", "--pack", ""}, "postsale: --pack is empty: give a pack id, or leave --pack out (see postsale attachment --help)"},
		{[]string{"export", "--pack", ""}, "postsale: --pack is empty"},
		{[]string{"search", "hola", "--pack", " "}, "postsale: --pack is empty"},
	} {
		_, errs, code := h.run(c.args...)
		if line := oneLine(t, errs); code != ExitUsage || !strings.Contains(line, c.want) {
			t.Errorf("postsale %q: exit %d, %q; want exit %d, %q", c.args, code, line, ExitUsage, c.want)
		}
	}
	if n := len(h.sb.Requests()); n != 0 {
		t.Errorf("%d requests made for empty ids", n)
	}
}

func TestVersionAndCompletion(t *testing.T) {
	h := newHarness(t)
	if out := h.mustRun("version"); !strings.HasPrefix(out, "postsale "+api.Version+" (go") {
		t.Fatalf("version = %q", out)
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		if out := h.mustRun("completion", shell); !strings.Contains(out, "postsale") || len(out) < 200 {
			t.Fatalf("%s completion = %q", shell, out)
		}
	}
}

func TestSandboxCommandAnswersTheSeedCurls(t *testing.T) {
	h := newHarness(t)
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"sandbox", "--addr", "127.0.0.1:0"}, IO{Out: pw, Err: io.Discard, Env: h.lookup})
		pw.Close()
	}()
	var base, token string
	sc := bufio.NewScanner(pr)
	for sc.Scan() && (base == "" || token == "") {
		line := sc.Text()
		if u, ok := strings.CutPrefix(line, "postsale sandbox listening on "); ok {
			base = u
		}
		if tk, ok := strings.CutPrefix(line, "Token (the sandbox's own fake token, not a Mercado Libre one): "); ok {
			token = tk
		}
	}
	go io.Copy(io.Discard, pr) // drain the rest of the banner
	if base == "" || token == "" {
		t.Fatalf("banner incomplete: base %q token %q", base, token)
	}
	get := func(path string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	// The seed's example: GET /marketplace/messages/packs/{id}?limit=2&offset=1
	code, body := get("/marketplace/messages/packs/" + packActive + "?limit=2&offset=1")
	var conv api.Conversation
	if code != http.StatusOK || json.Unmarshal(body, &conv) != nil || len(conv.Messages) != 2 || conv.Paging.Offset != 1 {
		t.Fatalf("pack messages: %d %s", code, body)
	}
	code, body = get("/marketplace/messages/" + conv.Messages[0].ID)
	if code != http.StatusOK || !bytes.Contains(body, []byte(conv.Messages[0].ID)) {
		t.Fatalf("message: %d %s", code, body)
	}
	// Without the token: the seed's 400 body.
	resp, err := http.Get(base + "/marketplace/messages/unread?role=seller&tag=post_sale")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !bytes.Contains(b, []byte("Access token is required")) {
		t.Fatalf("no token: %d %s", resp.StatusCode, b)
	}
	// postsale itself works against the standalone sandbox.
	h.env["MELI_API_URL"], h.env["MELI_ACCESS_TOKEN"] = base, token
	if out := h.mustRun("unread"); !strings.Contains(out, " unread in ") {
		t.Fatalf("unread against the standalone sandbox:\n%s", out)
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Fatalf("sandbox exited %d after cancel", code)
	}
}

// The curl lines the sandbox prints work as pasted: their variables are exported with real demo
// ids, and every GET line answers 200 (the attachment line returns the file's bytes).
func TestSandboxBannerCurlLinesWorkAsPasted(t *testing.T) {
	h := newHarness(t)
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"sandbox", "--addr", "127.0.0.1:0"}, IO{Out: pw, Err: io.Discard, Env: h.lookup})
		pw.Close()
	}()
	vars := map[string]string{}
	var curls []string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "export "); ok {
			for _, kv := range strings.Fields(rest) {
				k, v, _ := strings.Cut(kv, "=")
				vars[k] = v
			}
		}
		if strings.HasPrefix(line, "curl ") && !strings.Contains(line, " -d ") && !strings.Contains(line, " -F ") {
			curls = append(curls, line)
		}
		if strings.HasPrefix(line, "Log in through") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if len(curls) < 4 || vars["PACK_ID"] == "" || vars["ATTACHMENT_ID"] == "ATTACHMENT_ID" {
		t.Fatalf("banner: %d curl lines, vars %v", len(curls), vars)
	}
	for _, line := range curls {
		// The URL is the last double-quoted argument; the shell would expand $VARS inside it.
		i := strings.LastIndex(line[:len(line)-1], `"`)
		raw := os.Expand(line[i+1:len(line)-1], func(k string) string { return vars[k] })
		req, _ := http.NewRequest(http.MethodGet, raw, nil)
		req.Header.Set("Authorization", "Bearer "+vars["ACCESS_TOKEN"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s → %d", raw, resp.StatusCode)
		}
	}
	cancel()
	<-done
}

func TestMessagesRefusesNonPositiveLimit(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{{"--limit", "0"}, {"--limit", "-3"}, {"--offset", "-1"}} {
		_, errs, code := h.run(append([]string{"messages", packActive}, args...)...)
		if code != ExitUsage || !strings.Contains(errs, "--limit must be greater than 0") {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
}

func TestHumanOutputRendersLinksAsText(t *testing.T) {
	h := newHarness(t)
	linked := h.demoMessage(packActive, "<a href")
	for _, args := range [][]string{{"messages", packActive}, {"message", linked.ID}} {
		out := h.mustRun(args...)
		for _, want := range []string{
			"tracking (https://www.mercadolibre.com.mx/envios/43210987651)",
			"seguimiento (https://www.mercadolibre.com.mx/envios/43210987651)", // the translation too
		} {
			if !strings.Contains(out, want) {
				t.Errorf("postsale %s lacks %q:\n%s", strings.Join(args, " "), want, out)
			}
		}
		if strings.Contains(out, "<a") || strings.Contains(out, "href=") {
			t.Errorf("postsale %s printed raw HTML:\n%s", strings.Join(args, " "), out)
		}
	}
	// JSON is data: the anchor stays as the API sent it.
	if out := h.mustRun("messages", packActive, "--json"); !strings.Contains(out, `<a href=\"https://www.mercadolibre.com.mx/envios/43210987651\">tracking</a>`) {
		t.Errorf("--json lost the raw text:\n%s", out)
	}
}

// demoMessage returns the message of pack whose text contains marker; the test fails when the
// demo data lost it, since the test would then prove nothing.
func (h *harness) demoMessage(pack, marker string) *api.Message {
	h.t.Helper()
	conv, err := h.client().PackMessages(context.Background(), pack, api.PageOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	for i := range conv.Messages {
		if strings.Contains(conv.Messages[i].Text, marker) {
			return &conv.Messages[i]
		}
	}
	h.t.Fatalf("no message of demo pack %s contains %q; this test would prove nothing", pack, marker)
	return nil
}
