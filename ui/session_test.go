package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api/sandbox/sandboxtest"
	"github.com/postsale/postsale/ui/uitest"
)

// Two sessions on one API client, as an SSH server builds them: each has its own renderer,
// time zone, size and drafts folder, and nothing of one shows in the other.
func TestNewSessionKeepsSessionsApart(t *testing.T) {
	f := sandboxtest.New(t)
	base := t.TempDir()
	sao, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip("no time zone database")
	}
	ana, err := NewSession(SessionOptions{Ctx: t.Context(), Data: f.Client, Renderer: uitest.Renderer(termenv.TrueColor),
		Width: 100, Height: 30, Location: sao, DraftsDir: base, Account: "northwind", Person: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	bruno, err := NewSession(SessionOptions{Ctx: t.Context(), Data: f.Client, Renderer: uitest.Renderer(termenv.Ascii),
		Width: 80, Height: 24, DraftsDir: base, Account: "northwind", Person: "bruno"})
	if err != nil {
		t.Fatal(err)
	}
	if ana.c == bruno.c || ana.c.Styles == bruno.c.Styles || ana.c.Renderer == bruno.c.Renderer {
		t.Fatal("two sessions share their common state, styles or renderer")
	}
	if ana.c.Location != sao || bruno.c.Location != time.UTC || ana.c.Opener != nil {
		t.Fatalf("time zones %v/%v, opener %v: want each session's own zone (UTC by default) and no opener", ana.c.Location, bruno.c.Location, ana.c.Opener)
	}
	if a, b := ana.c.Drafts.Dir(), bruno.c.Drafts.Dir(); a == b || !strings.HasPrefix(a, base) || filepath.Dir(a) != filepath.Dir(b) {
		t.Fatalf("drafts folders %q and %q: want one per person under the account", a, b)
	}
	if v := ana.View(); len(strings.Split(v, "\n")) != 30 || !strings.Contains(v, "\x1b[") {
		t.Fatalf("ana's first frame is not 100×30 in colour:\n%s", v)
	}
	if v := bruno.View(); len(strings.Split(v, "\n")) != 24 || strings.Contains(v, "\x1b[") {
		t.Fatalf("bruno's first frame is not 80×24 in plain text:\n%s", v)
	}
	tm := teatest.NewTestModel(t, bruno, teatest.WithInitialTermSize(80, 24))
	uitest.WaitFor(t, tm, "Ana Lucía Pérez")
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

func TestNewSessionNeedsData(t *testing.T) {
	if _, err := NewSession(SessionOptions{}); err == nil {
		t.Fatal("a session without an API client was built")
	}
}
