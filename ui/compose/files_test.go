package compose

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/attachments"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// pump plays the root for compose's attachment flow: task results, send messages and upload
// progress go back to m; every message is returned.
func pump(m tea.Model, cmd tea.Cmd) []tea.Msg { return uitest.Play(m, cmd, filesReturned) }

func filesReturned(msg tea.Msg) bool {
	switch msg.(type) {
	case attachments.ProgressMsg, attachments.PickedMsg, attachments.PickCancelledMsg:
		return true
	}
	return uitest.Returned(msg)
}

func hitKey(m tea.Model, k tea.KeyMsg) []tea.Msg { return uitest.Update(m, k, filesReturned) }

// filesDir holds a picture, an empty file, a program and a 500 KB text to pick from.
func filesDir(t *testing.T) string {
	t.Helper()
	return uitest.Files(t, map[string]string{
		"foto.png":  uitest.PNG,
		"empty.txt": "",
		"setup.exe": "MZ\x90\x00",
		"guia.txt":  strings.Repeat("Camara Northwind C2 guia\n", 20000),
	})
}

func newFilesCompose(t *testing.T) (*env, *Model) {
	t.Helper()
	e := newEnv(t)
	return e, newCompose(t, e, packOpen)
}

func TestPickChecksEachFile(t *testing.T) {
	_, m := newFilesCompose(t)
	dir := filesDir(t)
	pick := func(name string) []tea.Msg {
		return pump(m, func() tea.Msg { return attachments.PickedMsg{Path: filepath.Join(dir, name)} })
	}
	pick("foto.png")
	if len(m.Files()) != 1 || !strings.Contains(m.View(), "📎 foto.png · 33 B · image/png") {
		t.Fatalf("foto.png not listed:\n%s", m.View())
	}
	for name, why := range map[string]string{"empty.txt": "is empty", "setup.exe": "does not accept", "foto.png": "already attached"} {
		msgs := pick(name)
		st, ok := uitest.Find[common.StatusMsg](msgs)
		if !ok || st.Err == nil || !strings.Contains(st.Text, why) || !strings.Contains(m.Err(), why) {
			t.Errorf("%s: status %+v, compose says %q; want %q", name, st, m.Err(), why)
		}
	}
	if len(m.Files()) != 1 {
		t.Fatalf("refused files were listed: %d files", len(m.Files()))
	}
	if m.Empty() {
		t.Fatal("a reply with a file reports itself empty (the root would drop it)")
	}
}

func TestFailedUploadKeepsTextAndFilesThenSends(t *testing.T) {
	e, m := newFilesCompose(t)
	dir := filesDir(t)
	for _, name := range []string{"guia.txt", "foto.png"} {
		pump(m, func() tea.Msg { return attachments.PickedMsg{Path: filepath.Join(dir, name)} })
	}
	typeText(m, "Here are the guide and the photo.")

	e.Sandbox.Fail(sandbox.RouteUpload, sandbox.FailServerError, 1)
	msgs := hitKey(m, uitest.Key("ctrl+s"))
	if _, sent := uitest.Find[common.SendStartedMsg](msgs); sent || uitest.RouteCount(e.Sandbox, sandbox.RouteSend) != 0 {
		t.Fatal("the message was sent although an upload failed")
	}
	if !strings.Contains(m.Err(), "Upload failed") || !strings.Contains(m.Err(), "kept") {
		t.Fatalf("error after a failed upload: %q", m.Err())
	}
	if m.Draft().Text != "Here are the guide and the photo." || len(m.Files()) != 2 || m.Sending() {
		t.Fatalf("after a failed upload: text %q, %d files, sending %v", m.Draft().Text, len(m.Files()), m.Sending())
	}

	msgs = hitKey(m, uitest.Key("ctrl+s"))
	var progress int
	for _, msg := range msgs {
		if p, ok := msg.(attachments.ProgressMsg); ok && p.Done > 0 {
			progress++
		}
	}
	started, ok := uitest.Find[common.SendStartedMsg](msgs)
	if !ok || len(started.Request.Attachments) != 2 || progress == 0 {
		t.Fatalf("retry: started %v with %v, %d progress updates", ok, started.Request.Attachments, progress)
	}
	done, ok := uitest.Find[common.SendDoneMsg](msgs)
	if !ok || done.Err != nil {
		t.Fatalf("send: %+v", done)
	}
	if len(m.Files()) != 0 || m.Draft().Text != "" {
		t.Fatalf("after a successful send: %d files, text %q", len(m.Files()), m.Draft().Text)
	}
	conv, err := e.Common.Client.PackMessages(context.Background(), packOpen, api.PageOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	got := conv.Messages[0].Attachments
	if len(got) != 2 || got[0].OriginalFilename != "guia.txt" || got[1].OriginalFilename != "foto.png" {
		t.Fatalf("the sent message lists %+v", got)
	}
	var b bytes.Buffer
	if _, err := e.Common.Client.DownloadAttachment(context.Background(), "MLM", got[1].Filename, &b); err != nil || b.String() != uitest.PNG {
		t.Fatalf("downloaded photo differs: %v", err)
	}
}

func TestFailedSendKeepsUploadsAndFilesOnlyReply(t *testing.T) {
	e, m := newFilesCompose(t)
	dir := filesDir(t)
	pump(m, func() tea.Msg { return attachments.PickedMsg{Path: filepath.Join(dir, "foto.png")} })
	e.Sandbox.Fail(sandbox.RouteSend, sandbox.FailRateLimit, 1)
	msgs := hitKey(m, uitest.Key("ctrl+s")) // no text: a file alone is a message
	if done, ok := uitest.Find[common.SendDoneMsg](msgs); !ok || done.Err == nil {
		t.Fatalf("scripted send failure: %+v", done)
	}
	if len(m.Files()) != 1 || m.Files()[0].ID == "" || !strings.Contains(m.Err(), "kept") {
		t.Fatalf("after a failed send: %+v, %q", m.Files(), m.Err())
	}
	hitKey(m, uitest.Key("ctrl+s"))
	if n := uitest.RouteCount(e.Sandbox, sandbox.RouteUpload); n != 1 {
		t.Fatalf("the retry uploaded again: %d uploads", n)
	}
	if uitest.RouteCount(e.Sandbox, sandbox.RouteSend) != 2 || len(m.Files()) != 0 {
		t.Fatalf("retry: %d sends, %d files left", uitest.RouteCount(e.Sandbox, sandbox.RouteSend), len(m.Files()))
	}
}

func TestRemoveFileFromTheList(t *testing.T) {
	_, m := newFilesCompose(t)
	dir := filesDir(t)
	for _, name := range []string{"guia.txt", "foto.png"} {
		pump(m, func() tea.Msg { return attachments.PickedMsg{Path: filepath.Join(dir, name)} })
	}
	hitKey(m, uitest.Key("tab")) // translation
	hitKey(m, uitest.Key("tab")) // the files
	if !m.Typing() || !strings.Contains(m.View(), "> 📎 foto.png") {
		t.Fatalf("tab did not reach the files:\n%s", m.View())
	}
	msgs := hitKey(m, uitest.Key("x"))
	if st, _ := uitest.Find[common.StatusMsg](msgs); !strings.Contains(st.Text, "Removed foto.png") || len(m.Files()) != 1 {
		t.Fatalf("x: %q, %d files", st.Text, len(m.Files()))
	}
	hitKey(m, tea.KeyMsg{Type: tea.KeyBackspace})
	if len(m.Files()) != 0 || strings.Contains(m.View(), "Attachments (") {
		t.Fatalf("backspace left %d files:\n%s", len(m.Files()), m.View())
	}
	typeText(m, "ok")
	if m.Draft().Text != "ok" {
		t.Fatalf("the text field did not get the keyboard back: %q", m.Draft().Text)
	}
}

// composeHost is a minimal root for teatest: task results and everything else go to compose.
type composeHost struct{ m *Model }

func (h composeHost) Init() tea.Cmd { return h.m.Focus() }
func (h composeHost) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.WindowSizeMsg); ok {
		return h, nil
	}
	if o, ok := msg.(common.OwnedMsg); ok {
		msg = o.Msg
	}
	_, cmd := h.m.Update(msg)
	return h, cmd
}
func (h composeHost) View() string { return h.m.View() }

func TestCtrlAPickerInTheWorkingDirectory(t *testing.T) {
	e := newEnv(t)
	t.Chdir(filesDir(t))
	m := New(e.Common, packOpen, "MLM")
	staticCursor(m)
	m.SetSize(90, 24)
	tm := teatest.NewTestModel(t, composeHost{m}, teatest.WithInitialTermSize(90, 24))
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlA})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("setup.exe")) }, teatest.WithDuration(20*time.Second))
	// empty.txt, foto.png, guia.txt, setup.exe: down once and attach foto.png.
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("foto.png · 33 B · image/png")) }, teatest.WithDuration(20*time.Second))
	// A typed path is checked too: setup.exe is refused with a sentence and the picker stays.
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlA})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Attach a file")) }, teatest.WithDuration(20*time.Second))
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Type("setup.exe")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	// The typed path is judged by a command; its refusal and esc's close both arrive as messages
	// in either order, so wait for the refusal on screen before quitting (quitting first lost it).
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("does not accept")) }, teatest.WithDuration(20*time.Second))
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	tm.Quit()
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if len(m.Files()) != 1 || m.Files()[0].File.Name != "foto.png" {
		t.Fatalf("files after the picker: %+v", m.Files())
	}
	if !strings.Contains(m.Err(), "setup.exe") || !strings.Contains(m.Err(), "does not accept") {
		t.Fatalf("the typed .exe was not refused with a sentence: %q", m.Err())
	}
}
