package attachments

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
	"github.com/postsale/postsale/ui/uitest"
)

func TestMeterKeepsLatestAndNeverBlocks(t *testing.T) {
	m := NewMeter(common.ListOwner(), "k")
	for i := int64(1); i <= 1000; i++ {
		m.Report(i, 1000) // nobody reads: must not block
	}
	m.Close()
	owned, _ := m.Wait()().(common.OwnedMsg)
	msg, ok := owned.Msg.(ProgressMsg)
	if owned.Owner != common.ListOwner() || !ok || msg.Done != 1000 || msg.Percent() != 100 || msg.Key != "k" {
		t.Fatalf("after 1000 reports the update is %+v", msg)
	}
	if next := msg.Next()(); next != nil {
		t.Fatalf("a closed meter delivered %#v", next)
	}
	m.Report(1, 2) // late reports from a transfer that already ended are dropped, not a panic
	m.Close()
	if s := (ProgressMsg{Done: 512, Total: 2048}).String(); s != "25% of 2.0 KB" {
		t.Fatalf("progress reads %q", s)
	}
	if s := (ProgressMsg{Done: 2048, Total: -1}).String(); s != "2.0 KB" {
		t.Fatalf("unknown total reads %q", s)
	}
}

func TestListAddRemoveAndCount(t *testing.T) {
	l := NewList()
	for i := 0; i < api.MaxAttachmentsPerMsg; i++ {
		if err := l.Add(attach.File{Path: "/f" + itoa(i), Name: "f.png", Size: 10, MIME: "image/png"}); err != nil {
			t.Fatalf("file %d refused: %v", i+1, err)
		}
	}
	if err := l.Add(attach.File{Path: "/x", Name: "x.png", Size: 1}); err == nil || !strings.Contains(api.Explain(err), "at most 25") {
		t.Fatalf("a 26th file: %v", err)
	}
	if !l.Focus() {
		t.Fatal("a list with files refused the focus")
	}
	handled, status := l.HandleKey(uitest.Key("x"))
	if !handled || l.Len() != 24 || !strings.Contains(status, "Removed f.png") {
		t.Fatalf("x removed nothing: %v %q, %d left", handled, status, l.Len())
	}
	l.HandleKey(uitest.Key("up"))
	l.HandleKey(uitest.Key("backspace"))
	if l.Len() != 23 {
		t.Fatalf("backspace did not remove: %d left", l.Len())
	}
	if handled, _ := l.HandleKey(uitest.Key("q")); handled {
		t.Fatal("the list swallowed an unrelated key")
	}
	l.HandleKey(uitest.Key("esc"))
	if l.Focused() {
		t.Fatal("esc did not leave the list")
	}
	if _, ok := l.IDs(); ok {
		t.Fatal("IDs reported complete before any upload")
	}
}

func TestListUploadsWithProgressAndKeepsFilesOnFailure(t *testing.T) {
	sb, c := newCommon(t)
	big := bytes.Repeat([]byte("Camara Northwind C2 guia\n"), 40000) // ~1 MB of text
	dir := uitest.Files(t, map[string]string{"guia.txt": string(big), "foto.png": uitest.PNG})
	pathBig, pathPNG := filepath.Join(dir, "guia.txt"), filepath.Join(dir, "foto.png")
	l := NewList()
	for _, p := range []string{pathBig, pathPNG} {
		f, err := attach.Check(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Add(f); err != nil {
			t.Fatal(err)
		}
	}

	// The first upload fails on the server: files stay, no id, a sentence says what to do.
	sb.Fail(sandbox.RouteUpload, sandbox.FailServerError, 1)
	msgs := drain(l.Upload(c, c.Client, common.ComposeOwner("p"), demoSite, l.NextToUpload()))
	fin := finished(t, msgs)
	sentence := l.Finish(fin.Msg.(UploadedMsg), fin.Err)
	if fin.Err == nil || !strings.Contains(sentence, "kept") || l.Len() != 2 || l.Busy() {
		t.Fatalf("failed upload: err %v, sentence %q, %d files, busy %v", fin.Err, sentence, l.Len(), l.Busy())
	}

	for i := l.NextToUpload(); i >= 0; i = l.NextToUpload() {
		cmd := l.Upload(c, c.Client, common.ComposeOwner("p"), demoSite, i)
		if !l.Busy() {
			t.Fatal("an upload in flight is not shown")
		}
		msgs := drain(cmd)
		var sawProgress bool
		for _, m := range msgs {
			if p, ok := m.(ProgressMsg); ok {
				l.SetProgress(p)
				sawProgress = sawProgress || p.Done > 0
			}
		}
		if !sawProgress {
			t.Fatalf("upload %d reported no progress", i)
		}
		fin := finished(t, msgs)
		if s := l.Finish(fin.Msg.(UploadedMsg), fin.Err); s != "" {
			t.Fatalf("upload %d: %s", i, s)
		}
	}
	ids, ok := l.IDs()
	if !ok || len(ids) != 2 {
		t.Fatalf("ids %v, complete %v", ids, ok)
	}
	if _, err := c.Client.SendMessage(c.Ctx, demoPack, api.SendRequest{Text: "Guide and photo attached.", Attachments: ids}); err != nil {
		t.Fatalf("send with the uploaded ids: %v", err)
	}
	lines := strings.Join(l.Lines(c, 80, 10), "\n")
	if !strings.Contains(lines, "guia.txt · 976.6 KB · text/plain · uploaded") || !strings.Contains(lines, "foto.png") {
		t.Fatalf("list reads:\n%s", lines)
	}
	if got := l.Lines(c, 80, 2); len(got) != 2 {
		t.Fatalf("Lines in 2 rows drew %d", len(got))
	}
	l.ForgetIDs()
	if l.NextToUpload() != 0 {
		t.Fatal("ForgetIDs kept an id")
	}
}

func TestConfirmDefaultsToNo(t *testing.T) {
	ran := false
	yes := func() tea.Msg { ran = true; return nil }
	for _, k := range []string{"enter", "n", "esc", "x", " "} {
		c := NewConfirm("flagged", "Open it?", yes)
		if cmd, ok := c.HandleKey(uitest.Key(k)); ok || cmd != nil {
			t.Fatalf("%q answered yes", k)
		}
	}
	c := NewConfirm("flagged", "Open it?", yes)
	cmd, ok := c.HandleKey(uitest.Key("y"))
	if !ok || cmd == nil {
		t.Fatal("y did not confirm")
	}
	cmd()
	if !ran {
		t.Fatal("the confirmed command did not run")
	}
	_, cm := newCommon(t)
	if got := strings.Join(c.Lines(cm, 60), "\n"); !strings.Contains(got, "flagged") || !strings.Contains(got, "[y/N]") {
		t.Fatalf("confirm reads %q", got)
	}
}

func TestLinkMenu(t *testing.T) {
	links := open.ParseLinks(`<a href="https://a.example">first</a> <a href="javascript:x()">evil</a> https://c.example`)
	m := NewLinkMenu(links)
	if l, chosen, done := m.HandleKey(uitest.Key("3")); !chosen || !done || l.URL != "https://c.example" {
		t.Fatalf("3 chose %+v %v %v", l, chosen, done)
	}
	m.HandleKey(uitest.Key("down"))
	if l, chosen, _ := m.HandleKey(uitest.Key("enter")); !chosen || l.URL != "javascript:x()" {
		t.Fatalf("down+enter chose %+v", l)
	}
	if _, chosen, done := m.HandleKey(uitest.Key("9")); chosen || done {
		t.Fatal("a number past the list chose something")
	}
	if _, chosen, done := m.HandleKey(uitest.Key("esc")); chosen || !done {
		t.Fatal("esc did not close the menu")
	}
	_, c := newCommon(t)
	got := strings.Join(m.Lines(c, 100), "\n")
	if !strings.Contains(got, "1. first (https://a.example)") || !strings.Contains(got, "2. evil (javascript:x())  (not opened") {
		t.Fatalf("menu reads:\n%s", got)
	}
}

func TestFetchSavesOpensAndRetries(t *testing.T) {
	sb, c := newCommon(t)
	cache, downloads := t.TempDir(), t.TempDir()
	guide := findAttachment(t, c, demoPack, "guia_rapida.txt")

	// Save: into downloads, never overwriting.
	for _, want := range []string{"guia_rapida.txt", "guia_rapida (1).txt"} {
		fin := finished(t, drain(Fetch(c, c.Client, common.ConversationOwner("p"), demoSite, guide, cache, downloads, true)))
		got := fin.Msg.(FetchedMsg)
		if fin.Err != nil || got.Path != filepath.Join(downloads, want) || !got.Save {
			t.Fatalf("save: %+v, %v; want %s", got, fin.Err, want)
		}
	}
	// Open: into the cache, and a second open reuses the copy without a request.
	fin := finished(t, drain(Fetch(c, c.Client, common.ConversationOwner("p"), demoSite, guide, cache, downloads, false)))
	p := fin.Msg.(FetchedMsg).Path
	if fin.Err != nil || !strings.HasPrefix(p, cache) || filepath.Base(p) != "guia_rapida.txt" {
		t.Fatalf("open fetch: %s, %v", p, fin.Err)
	}
	before := len(sb.Requests())
	fin = finished(t, drain(Fetch(c, c.Client, common.ConversationOwner("p"), demoSite, guide, cache, downloads, false)))
	if fin.Msg.(FetchedMsg).Path != p || len(sb.Requests()) != before {
		t.Fatalf("second open fetched again (%d requests) or moved: %s", len(sb.Requests())-before, fin.Msg.(FetchedMsg).Path)
	}

	// The broken demo attachment: a retryable sentence, nothing saved.
	broken := findAttachment(t, c, demoPack, "error_pantalla.png")
	fin = finished(t, drain(Fetch(c, c.Client, common.ConversationOwner("p"), demoSite, broken, cache, downloads, true)))
	if !errors.Is(fin.Err, attach.ErrRetryable) || !strings.Contains(FetchError(fin.Err), "retry") {
		t.Fatalf("broken: %v / %q", fin.Err, FetchError(fin.Err))
	}
	entries, _ := os.ReadDir(downloads)
	if len(entries) != 2 {
		t.Fatalf("downloads holds %d files after a failed download, want the 2 saved", len(entries))
	}
}

func TestOpenCommands(t *testing.T) {
	var out bytes.Buffer
	var launched []string
	o := open.New(open.Auto, &out, open.WithEnv(func(k string) string {
		if k == "SSH_CONNECTION" {
			return "1 2 3 4"
		}
		return ""
	}), open.WithLauncher(func(u string) error { launched = append(launched, u); return nil }))
	msg := OpenURL(o, "https://a.example/x")().(OpenedMsg)
	if msg.Err != nil || !msg.Result.Copied || len(launched) != 0 || !strings.Contains(msg.Sentence(), "https://a.example/x") {
		t.Fatalf("over SSH: %+v, launched %v", msg, launched)
	}
	msg = OpenURL(o, "javascript:alert(1)")().(OpenedMsg)
	if !errors.Is(msg.Err, open.ErrNotOpenable) || !strings.Contains(msg.Sentence(), "does not open") {
		t.Fatalf("javascript: %+v", msg)
	}
	msg = OpenFile(o, "/tmp/x.pdf")().(OpenedMsg)
	if msg.Result.Launched || !strings.Contains(msg.Sentence(), "/tmp/x.pdf") {
		t.Fatalf("file over SSH: %q", msg.Sentence())
	}
}
