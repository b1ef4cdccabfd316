package attach

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/sandbox/sandboxtest"
)

// Demo packs used below: an active MCO conversation with a text, a PNG and a broken attachment,
// and an MLB one whose PDF is flagged as a potential security threat.
const (
	demoPack       = "2000004411223300"
	demoSite       = "MCO"
	demoThreatPack = "2000004400998877"
)

func newSandbox(t *testing.T) (*sandbox.Server, *api.Client) {
	t.Helper()
	f := sandboxtest.New(t)
	return f.Sandbox, f.Client
}

// noisyPNG writes a real PNG of about size bytes (noise does not compress).
func noisyPNG(t *testing.T, dir, name string, side int) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	r := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			img.Set(x, y, color.NRGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func newestMessage(t *testing.T, c *api.Client, pack string) api.Message {
	t.Helper()
	conv, err := c.PackMessages(context.Background(), pack, api.PageOptions{Limit: 1})
	if err != nil {
		t.Fatalf("read pack %s: %v", pack, err)
	}
	if len(conv.Messages) == 0 {
		t.Fatalf("pack %s has no messages", pack)
	}
	return conv.Messages[0]
}

func findAttachment(t *testing.T, c *api.Client, pack, original string) api.Attachment {
	t.Helper()
	conv, err := c.PackMessages(context.Background(), pack, api.PageOptions{Limit: 50})
	if err != nil {
		t.Fatalf("read pack %s: %v", pack, err)
	}
	for _, m := range conv.Messages {
		for _, a := range m.Attachments {
			if a.OriginalFilename == original {
				return a
			}
		}
	}
	t.Fatalf("pack %s has no attachment %q", pack, original)
	return api.Attachment{}
}

func TestUploadSendDownloadRoundTrip(t *testing.T) {
	srv, c := newSandbox(t)
	ctx := context.Background()
	src := noisyPNG(t, t.TempDir(), "foto caja rota.png", 300) // ~270 KB, several progress steps
	want, _ := os.ReadFile(src)

	var steps []int64
	var total int64
	id, err := Upload(ctx, c, demoSite, src, func(done, all int64) { steps = append(steps, done); total = all })
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if total != int64(len(want)) || len(steps) < 2 || steps[len(steps)-1] != int64(len(want)) {
		t.Fatalf("upload progress: %d steps, last %v, total %d; want several steps ending at %d", len(steps), steps[len(steps)-1:], total, len(want))
	}
	for i := 1; i < len(steps); i++ {
		if steps[i] <= steps[i-1] {
			t.Fatalf("upload progress went backwards: %v", steps)
		}
	}
	var up *sandbox.RecordedRequest
	for _, r := range srv.Requests() {
		if r.Route == sandbox.RouteUpload {
			up = &r
		}
	}
	if up == nil || !strings.Contains(string(up.Body), `filename="foto caja rota.png"`) || !strings.Contains(string(up.Body), "Content-Type: image/png") {
		t.Fatalf("the upload did not carry the file's name and type: %+v", up)
	}

	if _, err := c.SendMessage(ctx, demoPack, api.SendRequest{Text: "Here is the photo.", Attachments: []string{id}}); err != nil {
		t.Fatalf("send: %v", err)
	}
	m := newestMessage(t, c, demoPack)
	if len(m.Attachments) != 1 {
		t.Fatalf("the sent message lists %d attachments, want 1: %+v", len(m.Attachments), m)
	}
	a := m.Attachments[0]
	if a.Filename != id || a.OriginalFilename != "foto caja rota.png" || a.Type != "image/png" || a.Size != int64(len(want)) {
		t.Fatalf("the listed attachment is %+v; want id %s, the original name, image/png, %d bytes", a, id, len(want))
	}

	dir := t.TempDir()
	var got []int64
	p, err := DownloadAttachment(ctx, c, demoSite, a, dir, func(done, all int64) { got = append(got, done) })
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	if p != filepath.Join(dir, "foto caja rota.png") {
		t.Fatalf("downloaded to %s, want the original name in %s", p, dir)
	}
	b, err := os.ReadFile(p)
	if err != nil || !bytes.Equal(b, want) {
		t.Fatalf("downloaded %d bytes (%v), want the %d uploaded bytes unchanged", len(b), err, len(want))
	}
	if len(got) == 0 || got[len(got)-1] != int64(len(want)) {
		t.Fatalf("download progress %v did not reach %d", got, len(want))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("the folder holds %d entries, want only the file (no temporary left)", len(entries))
	}

	// Again: never overwrite, the copy gets a suffix and the same bytes.
	p2, err := DownloadAttachment(ctx, c, demoSite, a, dir, nil)
	if err != nil || p2 != filepath.Join(dir, "foto caja rota (1).png") {
		t.Fatalf("second download = %s, %v; want a (1) copy", p2, err)
	}
	if b2, _ := os.ReadFile(p2); !bytes.Equal(b2, want) {
		t.Fatal("the second copy differs")
	}
	// By id only, the name comes from the id.
	p3, err := Download(ctx, c, demoSite, id, dir, nil)
	if err != nil || filepath.Base(p3) != SafeName(id) {
		t.Fatalf("Download by id = %s, %v; want %s", p3, err, SafeName(id))
	}
}

func TestUploadRefusedBeforeAnyRequest(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pngData, _ := os.ReadFile(noisyPNG(t, dir, "ok.png", 8))
	big := filepath.Join(dir, "huge.pdf")
	fh, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteString(pdfHead)
	fh.Truncate(api.MaxAttachmentSize + 1) // sparse: cheap to make
	fh.Close()
	if err := os.Mkdir(filepath.Join(dir, "folder.png"), 0o700); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ path, why string }{
		{write("empty.txt", nil), "empty"},
		{big, "25 MB"},
		{write(`back\slash.png`, pngData), `"/" or "\"`},
		{write(strings.Repeat("n", 197)+".png", pngData), "200 characters"},
		{write("setup.exe", []byte("MZ\x90\x00")), "does not accept"},
		{write("photo.pdf", pngData), "PNG image"},
		{write("bell\a.png", pngData), "control characters"},
		{filepath.Join(dir, "folder.png"), "not a regular file"},
		{filepath.Join(dir, "missing.png"), "does not exist"},
	}
	for _, tc := range cases {
		srv, c := newSandbox(t)
		_, err := Upload(context.Background(), c, demoSite, tc.path, nil)
		if err == nil {
			t.Errorf("Upload(%s) succeeded; want a refusal", filepath.Base(tc.path))
			continue
		}
		if s := api.Explain(err); !strings.Contains(s, tc.why) {
			t.Errorf("Upload(%s): %q should say %q", filepath.Base(tc.path), s, tc.why)
		}
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("Upload(%s) made %d requests; a refused file must make none", filepath.Base(tc.path), n)
		}
	}

	// A wrong site is refused before any request too.
	srv, c := newSandbox(t)
	if _, err := Upload(context.Background(), c, "CBT", filepath.Join(dir, "ok.png"), nil); err == nil || len(srv.Requests()) != 0 {
		t.Errorf("upload to CBT: %v, %d requests; want a refusal and none", err, len(srv.Requests()))
	}
}

func TestCheckAll(t *testing.T) {
	dir := t.TempDir()
	ok := noisyPNG(t, dir, "ok.png", 4)
	paths := []string{filepath.Join(dir, "missing.pdf")}
	for i := 0; i < api.MaxAttachmentsPerMsg; i++ {
		paths = append(paths, ok)
	}
	files, err := CheckAll(paths)
	var probs Problems
	if !errors.As(err, &probs) || len(probs) != 2 {
		t.Fatalf("CheckAll = %v; want two problems (count and missing file)", err)
	}
	s := probs.Sentences()
	if !strings.Contains(s[0], "at most 25") || !strings.Contains(s[1], "missing.pdf does not exist") {
		t.Fatalf("sentences %q", s)
	}
	if len(files) != api.MaxAttachmentsPerMsg || files[0].MIME != "image/png" || files[0].Name != "ok.png" || files[0].Size == 0 {
		t.Fatalf("files that passed: %d, first %+v", len(files), files[0])
	}
	if _, err := CheckAll([]string{ok}); err != nil {
		t.Fatalf("CheckAll(one good file) = %v", err)
	}
}

func TestUploadFileChangedSinceCheck(t *testing.T) {
	srv, c := newSandbox(t)
	p := noisyPNG(t, t.TempDir(), "a.png", 8)
	f, err := Check(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(mustRead(t, p), 0, 0, 0), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := UploadFile(context.Background(), c, demoSite, f, nil); err == nil || !strings.Contains(api.Explain(err), "changed") {
		t.Fatalf("UploadFile after a change = %v; want a refusal", err)
	}
	if len(srv.Requests()) != 0 {
		t.Fatal("a changed file was sent")
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDownloadRetryable(t *testing.T) {
	srv, c := newSandbox(t)
	ctx := context.Background()
	dir := t.TempDir()
	broken := findAttachment(t, c, demoPack, "error_pantalla.png")
	_, err := DownloadAttachment(ctx, c, demoSite, broken, dir, nil)
	if !errors.Is(err, ErrRetryable) {
		t.Fatalf("broken attachment: %v; want ErrRetryable", err)
	}
	if s := Explain(err); !strings.Contains(s, "cannot be downloaded right now") || !strings.Contains(s, "try again") {
		t.Fatalf("sentence %q", s)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a failed download left %d files behind", len(entries))
	}

	// A scripted 500 once, then the retry works.
	guide := findAttachment(t, c, demoPack, "guia_rapida.txt")
	srv.Fail(sandbox.RouteDownload, sandbox.FailServerError, 1)
	if _, err := DownloadAttachment(ctx, c, demoSite, guide, dir, nil); !errors.Is(err, ErrRetryable) {
		t.Fatalf("scripted 500: %v; want ErrRetryable", err)
	}
	p, err := DownloadAttachment(ctx, c, demoSite, guide, dir, nil)
	if err != nil || filepath.Base(p) != "guia_rapida.txt" || !strings.HasPrefix(string(mustRead(t, p)), "Camara Northwind") {
		t.Fatalf("retry = %s, %v", p, err)
	}

	// Unknown ids are not worth retrying.
	_, err = Download(ctx, c, demoSite, "nope_123.png", dir, nil)
	if err == nil || errors.Is(err, ErrRetryable) {
		t.Fatalf("unknown id: %v; want a non-retryable error", err)
	}
}

func TestDownloadStaysInsideWithPlantedLinks(t *testing.T) {
	parent, target, outside := sandboxDirs(t)
	_, c := newSandbox(t)
	guide := findAttachment(t, c, demoPack, "guia_rapida.txt")
	if err := os.Symlink(filepath.Join(outside, "keep.txt"), filepath.Join(target, "guia_rapida.txt")); err != nil {
		t.Fatal(err)
	}
	before := tree(t, parent, target)
	hostile := guide
	hostile.OriginalFilename = "../outside/keep.txt"
	for _, a := range []api.Attachment{guide, hostile} {
		p, err := DownloadAttachment(context.Background(), c, demoSite, a, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Dir(p) != target {
			t.Fatalf("downloaded %q to %s, outside the folder", a.OriginalFilename, p)
		}
	}
	assertOutsideUntouched(t, parent, target, before)
	if _, err := os.Stat(filepath.Join(target, "guia_rapida (1).txt")); err != nil {
		t.Fatalf("the planted link's name should have been skipped: %v", err)
	}
}

func TestThreatWarning(t *testing.T) {
	_, c := newSandbox(t)
	flagged := findAttachment(t, c, demoThreatPack, "comprovante_pagamento.pdf")
	if !NeedsConfirmation(flagged) {
		t.Fatal("the demo's flagged attachment does not need confirmation")
	}
	w := ThreatWarning(flagged)
	if !strings.Contains(w, "comprovante_pagamento.pdf") || !strings.Contains(w, "potential security threat") {
		t.Fatalf("warning %q should name the file and say why", w)
	}
	clean := findAttachment(t, c, demoPack, "guia_rapida.txt")
	if NeedsConfirmation(clean) || ThreatWarning(clean) != "" {
		t.Fatal("a clean attachment asks for confirmation")
	}
	hostile := api.Attachment{OriginalFilename: "x\x1b]52;c;AAAA\x07\x1b[2J.pdf", PotentialSecurityThreat: true}
	if w := ThreatWarning(hostile); strings.ContainsRune(w, 0x1b) || strings.ContainsRune(w, 0x07) {
		t.Fatalf("warning carries escape sequences: %q", w)
	}
}

// A file the seller names goes into a folder that exists: a missing one (or a file where the
// folder should be) is refused before any download, and nothing is created.
func TestDownloadToPathNeverCreatesAFolder(t *testing.T) {
	parent, target, _ := sandboxDirs(t)
	sb, c := newSandbox(t)
	ctx := context.Background()
	guide := findAttachment(t, c, demoPack, "guia_rapida.txt")
	before := len(sb.Requests())
	for _, path := range []string{
		filepath.Join(parent, "missing", "deeper", "guide.txt"),
		filepath.Join(target, "missing", "guide.txt"),
		filepath.Join(parent, "outside", "keep.txt", "guide.txt"), // keep.txt is a file
	} {
		if s, err := DownloadToPath(ctx, c, demoSite, guide.Filename, path, false, nil); !errors.Is(err, ErrNoFolder) {
			t.Errorf("%s: %+v, %v; want ErrNoFolder", path, s, err)
		}
		if _, err := DownloadToPath(ctx, c, demoSite, guide.Filename, path, true, nil); !errors.Is(err, ErrNoFolder) {
			t.Errorf("%s with overwrite: %v; want ErrNoFolder", path, err)
		}
	}
	for _, dir := range []string{filepath.Join(parent, "missing"), filepath.Join(target, "missing")} {
		if _, err := os.Lstat(dir); !os.IsNotExist(err) {
			t.Errorf("%s was created (%v)", dir, err)
		}
	}
	if n := len(sb.Requests()) - before; n != 0 {
		t.Errorf("%d download requests for folders that do not exist", n)
	}
	// The downloads folder is still made when missing: the seller asked for it by setting it.
	dl := filepath.Join(parent, "Downloads")
	if s, err := DownloadToDir(ctx, c, demoSite, guide.Filename, dl, nil); err != nil || filepath.Dir(s.Path) != dl {
		t.Fatalf("DownloadToDir into a new folder: %+v, %v", s, err)
	}
}

func TestDownloadToPath(t *testing.T) {
	parent, target, outside := sandboxDirs(t)
	_, c := newSandbox(t)
	ctx := context.Background()
	guide := findAttachment(t, c, demoPack, "guia_rapida.txt")
	before := tree(t, parent, target)

	chosen := filepath.Join(target, ".my guide.txt") // the seller's own name is kept as typed
	s, err := DownloadToPath(ctx, c, demoSite, guide.Filename, chosen, false, nil)
	if err != nil || s.Path != chosen || s.Bytes == 0 || !strings.HasPrefix(s.ContentType, "text/plain") {
		t.Fatalf("DownloadToPath = %+v, %v", s, err)
	}
	if err := os.WriteFile(chosen, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := DownloadToPath(ctx, c, demoSite, guide.Filename, chosen, false, nil); !errors.Is(err, ErrExists) {
		t.Fatalf("existing file without overwrite: %v; want ErrExists", err)
	}
	if string(mustRead(t, chosen)) != "mine" {
		t.Fatal("an existing file was replaced without overwrite")
	}
	if _, err := DownloadToPath(ctx, c, demoSite, guide.Filename, chosen, true, nil); err != nil || !strings.HasPrefix(string(mustRead(t, chosen)), "Camara") {
		t.Fatalf("overwrite: %v", err)
	}

	// A planted link is never followed: without overwrite it counts as existing, with overwrite
	// the link itself is replaced and its target left alone.
	link := filepath.Join(target, "link.txt")
	if err := os.Symlink(filepath.Join(outside, "keep.txt"), link); err != nil {
		t.Fatal(err)
	}
	if _, err := DownloadToPath(ctx, c, demoSite, guide.Filename, link, false, nil); !errors.Is(err, ErrExists) {
		t.Fatalf("planted link without overwrite: %v", err)
	}
	if _, err := DownloadToPath(ctx, c, demoSite, guide.Filename, link, true, nil); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink != 0 {
		t.Fatalf("the link was not replaced by a file: %v", err)
	}
	assertOutsideUntouched(t, parent, target, before)

	// A folder as the path: the file goes inside under a safe name.
	s, err = DownloadToPath(ctx, c, demoSite, guide.Filename, target, false, nil)
	if err != nil || filepath.Dir(s.Path) != target || filepath.Base(s.Path) != SafeName(guide.Filename) {
		t.Fatalf("folder path: %+v, %v", s, err)
	}
	entries, _ := os.ReadDir(target)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".part") {
			t.Fatalf("a temporary file was left: %s", e.Name())
		}
	}
}
