package conversation

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
	"github.com/postsale/postsale/ui/uitest"
)

const packFiles = "2000004411223300" // MCO: guia_rapida.txt, configuracion.png, broken error_pantalla.png

// fileEnv is env with folders and an opener whose launcher only records.
type fileEnv struct {
	*env
	launched []string
	term     bytes.Buffer
}

func newFileEnv(t *testing.T, vars map[string]string) *fileEnv {
	t.Helper()
	fe := &fileEnv{env: newEnv(t)}
	fe.Common.CacheDir = t.TempDir()
	fe.Common.DownloadsDir = t.TempDir()
	fe.Common.Opener = open.New(open.Auto, &fe.term,
		open.WithEnv(func(k string) string { return vars[k] }), open.WithGOOS("linux"),
		open.WithLauncher(func(u string) error { fe.launched = append(fe.launched, u); return nil }))
	return fe
}

// pump plays the root for everything the attachment flow produces: task results, confirmed
// starts, progress and opening results go back to m; every message is returned.
func pump(m *Model, cmd tea.Cmd) []tea.Msg {
	return uitest.Play(m, cmd, func(msg tea.Msg) bool {
		switch msg.(type) {
		case common.TaskFinishedMsg, common.OwnedMsg:
			return true
		}
		return false
	})
}

func hit(m *Model, k string) []tea.Msg {
	_, cmd := m.Update(uitest.Key(k))
	return pump(m, cmd)
}

func statusText(t *testing.T, msgs []tea.Msg) common.StatusMsg {
	t.Helper()
	var last common.StatusMsg
	found := false
	for _, msg := range msgs {
		if s, ok := msg.(common.StatusMsg); ok {
			last, found = s, true
		}
	}
	if !found {
		t.Fatalf("no status among %#v", msgs)
	}
	return last
}

func downloads(sb *sandbox.Server) int { return uitest.RouteCount(sb, sandbox.RouteDownload) }

func TestThreatNeedsConfirmationThenOpensOverSSH(t *testing.T) {
	fe := newFileEnv(t, map[string]string{"SSH_CONNECTION": "10.0.0.9 50000 10.0.0.1 22"})
	m := openPack(t, fe.env, packThreat, 100, 30)

	hit(m, "a")
	if !m.AttachmentsFocused() || !strings.Contains(m.View(), "▶ 📎 comprovante_pagamento.pdf") {
		t.Fatalf("a did not select the attachment:\n%s", m.View())
	}
	hit(m, "o")
	if !m.Typing() || !strings.Contains(m.View(), "potential security threat") || !strings.Contains(m.View(), "Open it anyway? [y/N]") {
		t.Fatalf("o on a flagged file did not ask:\n%s", m.View())
	}
	// Default no: enter declines; nothing is downloaded.
	if s := statusText(t, hit(m, "enter")); !strings.Contains(s.Text, "Cancelled") {
		t.Fatalf("enter: %q", s.Text)
	}
	if downloads(fe.Sandbox) != 0 || m.Typing() {
		t.Fatalf("declining downloaded %d times or left the question open", downloads(fe.Sandbox))
	}
	hit(m, "o")
	msgs := hit(m, "y")
	s := statusText(t, msgs)
	if downloads(fe.Sandbox) != 1 || len(fe.launched) != 0 {
		t.Fatalf("after y: %d downloads, launched %v (never over SSH)", downloads(fe.Sandbox), fe.launched)
	}
	path := filepath.Join(fe.Common.CacheDir, "attachments")
	if !strings.Contains(s.Text, path) || !strings.Contains(s.Text, "SSH") || s.Err != nil {
		t.Fatalf("status %q should give the cached path and say it is an SSH session", s.Text)
	}
	var want bytes.Buffer
	a := m.attachmentRefs()[0].att
	if _, err := fe.Common.Client.DownloadAttachment(context.Background(), "MLB", a.Filename, &want); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(strings.TrimSuffix(s.Text[strings.Index(s.Text, path):], "."))
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("cached copy: %v, %d bytes vs %d", err, len(got), want.Len())
	}
}

func TestSaveNeverOverwritesAndBrokenIsRetryable(t *testing.T) {
	fe := newFileEnv(t, map[string]string{"DISPLAY": ":0"})
	m := openPack(t, fe.env, packFiles, 100, 40)

	hit(m, "a") // the newest attachment: the broken screenshot
	if !strings.Contains(m.View(), "▶ 📎 error_pantalla.png") {
		t.Fatalf("a did not select the newest attachment:\n%s", m.View())
	}
	s := statusText(t, hit(m, "s"))
	if s.Err == nil || !strings.Contains(s.Text, "try again") || !strings.Contains(m.View(), "download failed: press o or s to retry") {
		t.Fatalf("broken download: %q\n%s", s.Text, m.View())
	}
	if entries, _ := os.ReadDir(fe.Common.DownloadsDir); len(entries) != 0 {
		t.Fatalf("a failed download left %d files", len(entries))
	}

	hit(m, "shift+tab")
	if !strings.Contains(m.View(), "▶ 📎 configuracion.png") {
		t.Fatalf("shift+tab did not go to the previous attachment:\n%s", m.View())
	}
	for _, want := range []string{"configuracion.png", "configuracion (1).png"} {
		s := statusText(t, hit(m, "s"))
		if s.Err != nil || s.Text != "Saved to "+filepath.Join(fe.Common.DownloadsDir, want)+"." {
			t.Fatalf("save: %q, want %s", s.Text, want)
		}
	}
	if len(fe.launched) != 0 {
		t.Fatalf("saving launched %v", fe.launched)
	}
	hit(m, "tab")
	hit(m, "tab") // cycles past the newest back to the oldest
	if !strings.Contains(m.View(), "▶ 📎 guia_rapida.txt") {
		t.Fatalf("tab did not cycle:\n%s", m.View())
	}
	// Open on a desktop launches the viewer with a file:// URL of the cached copy.
	hit(m, "o")
	if len(fe.launched) != 1 || !strings.HasPrefix(fe.launched[0], "file://"+filepath.ToSlash(fe.Common.CacheDir)) {
		t.Fatalf("open launched %v", fe.launched)
	}
	// esc leaves the attachments first, then goes back.
	if msgs := hit(m, "esc"); m.AttachmentsFocused() || len(msgs) != 0 {
		t.Fatalf("esc in attachments: focused %v, %#v", m.AttachmentsFocused(), msgs)
	}
	hit(m, "esc")
	if _, ok := uitest.Find[common.BackMsg](fe.Common.Nav.Take()); !ok {
		t.Fatal("esc outside attachments did not go back")
	}
}

func TestLinksMenuOpensTheChoice(t *testing.T) {
	fe := newFileEnv(t, map[string]string{"DISPLAY": ":0"})
	m := openPack(t, fe.env, packFiles, 120, 40)
	hit(m, "o")
	view := m.View()
	if !m.Typing() || !strings.Contains(view, "Open which link?") || !strings.Contains(view, "1. firmware update (https://northwind.example.com/c2/firmware)") {
		t.Fatalf("o did not offer the links:\n%s", view)
	}
	s := statusText(t, hit(m, "1"))
	if len(fe.launched) != 1 || fe.launched[0] != "https://northwind.example.com/c2/firmware" || !strings.Contains(s.Text, "Opened") {
		t.Fatalf("1 launched %v, status %q", fe.launched, s.Text)
	}
	if m.Typing() {
		t.Fatal("the menu stayed open")
	}
}

func TestLinksMenuOverSSHCopies(t *testing.T) {
	fe := newFileEnv(t, map[string]string{"SSH_TTY": "/dev/pts/4"})
	m := openPack(t, fe.env, packFiles, 120, 40)
	hit(m, "o")
	s := statusText(t, hit(m, "enter"))
	if len(fe.launched) != 0 || !strings.HasPrefix(fe.term.String(), "\x1b]52;c;") || !strings.Contains(s.Text, "https://northwind.example.com/c2/firmware") {
		t.Fatalf("over SSH: launched %v, terminal %q, status %q", fe.launched, fe.term.String(), s.Text)
	}
}

func TestNoAttachmentsSaysSo(t *testing.T) {
	fe := newFileEnv(t, nil)
	m := openPack(t, fe.env, packBlocked, 100, 30)
	if len(m.attachmentRefs()) != 0 {
		t.Fatal("the blocked demo pack has attachments: pick a pack without any")
	}
	s := statusText(t, hit(m, "a"))
	if m.AttachmentsFocused() || !strings.Contains(s.Text, "no attachments") {
		t.Fatalf("a without attachments: %q", s.Text)
	}
}
