package cli

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/ui"
	"github.com/postsale/postsale/ui/uitest"
)

// The inbox the CLI starts is the real root model, built from the settings, talking to the
// configured API.
func TestInboxWiredFromSettings(t *testing.T) {
	h := newHarness(t)
	h.env["MELI_SITE_ID"] = "MLB"
	a := &app{io: IO{Out: io.Discard, Env: h.lookup}}
	cmd := &cobra.Command{}
	cmd.SetContext(context.Background())
	if err := a.loadSettings(); err != nil {
		t.Fatal(err)
	}
	a.settings.RefreshInterval = 45 * time.Second
	a.settings.Open = config.OpenPrint
	if err := a.setup(context.Background()); err != nil {
		t.Fatal(err)
	}
	c, err := a.inboxSession(cmd)
	if err != nil {
		t.Fatal(err)
	}
	c.Renderer = uitest.Renderer(termenv.Ascii)
	if c.Site != "MLB" || c.Opener == nil || string(c.Opener.Mode()) != "print" || c.DownloadsDir != filepath.Join(h.dir, "Downloads") || c.CacheDir != filepath.Join(h.env["XDG_CACHE_HOME"], "postsale") || c.Location != time.Local {
		t.Fatalf("session from settings: site %q opener %v downloads %q cache %q", c.Site, c.Opener, c.DownloadsDir, c.CacheDir)
	}
	m, err := ui.NewSession(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.RefreshInterval(); got != 45*time.Second {
		t.Fatalf("refresh interval = %s, want the setting's 45s", got)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	// A buyer from the demo data proves the list loaded through the configured client.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Ana Lucía Pérez")) }, teatest.WithDuration(30*time.Second))
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	var listed bool
	for _, req := range h.sb.Requests() {
		listed = listed || req.Path == "/marketplace/messages/unread"
	}
	if !listed {
		t.Fatal("the inbox never asked the sandbox for unread conversations")
	}
}
