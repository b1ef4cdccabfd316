package compose

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	tpl "github.com/postsale/postsale/config/templates"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// waitAll waits until one stretch of output holds every want (teatest's output is read once).
func waitAll(t *testing.T, tm *teatest.TestModel, wants ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range wants {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func templateLayer(files map[string]string) []tpl.Layer {
	fsys := fstest.MapFS{}
	for k, v := range files {
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return []tpl.Layer{{Source: "personal", FS: fsys}}
}

func TestTemplateInsertedAtTheCursorAndStillEditable(t *testing.T) {
	e := newEnv(t)
	e.Common.Templates = templateLayer(map[string]string{
		"eta.txt":    "your order {{order_id}} ships today.",
		"eta.es.txt": "tu pedido {{order_id}} sale hoy.",
		"gift.txt":   "Your {{item_title}} is wrapped.",
	})
	m := New(e.Common, packOpen, "MLM")
	h := newHarness(m)
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(100, 30))
	tm.Send(focusMsg{})
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Hi Ana, ")})
	uitest.WaitFor(t, tm, "7/350")
	tm.Send(uitest.Key("ctrl+t"))
	waitAll(t, tm, "> eta", "your order 4512345671, 4512345672 ships today.", "tu pedido 4512345671, 4512345672 sale hoy.")
	tm.Send(uitest.Key("enter"))
	uitest.WaitFor(t, tm, "Hi Ana, your order 4512345671, 4512345672 ships today.")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(" Bye")}) // the seller goes on typing
	uitest.WaitFor(t, tm, "today. Bye")
	// A template whose variable has no value: inserted, marked, and not sendable until edited.
	tm.Send(uitest.Key("ctrl+t"))
	tm.Type("gift")
	waitAll(t, tm, "> gift", "{{item_title}} (no value)")
	tm.Send(uitest.Key("enter"))
	uitest.WaitFor(t, tm, "ByeYour {{item_title}} is wrapped.") // in the draft, not the picker's preview
	tm.Send(uitest.Key("ctrl+s"))
	uitest.WaitFor(t, tm, "Not sent: fix what is marked above first.")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	d := m.Draft()
	if d.Text != "Hi Ana, your order 4512345671, 4512345672 ships today. ByeYour {{item_title}} is wrapped." || d.TextTranslated != "tu pedido 4512345671, 4512345672 sale hoy." {
		t.Errorf("draft = %+v", d)
	}
	for _, msg := range h.Recorded() {
		if _, ok := msg.(common.SendStartedMsg); ok {
			t.Fatal("a draft with a {{variable}} left was sent")
		}
	}
	if n := len(posts(e.Sandbox)); n != 0 {
		t.Fatalf("%d sends reached the sandbox", n)
	}
}

// fakeEditor writes a shell script that records what it was given and rewrites the file:
// "draft" becomes "edited" and the translation gets a line.
func fakeEditor(t *testing.T) (script, seen string) {
	t.Helper()
	dir := t.TempDir()
	seen = filepath.Join(dir, "seen.txt")
	script = filepath.Join(dir, "editor.sh")
	body := "#!/bin/sh\n" +
		"cp \"$1\" " + seen + "\n" +
		"sed -e 's/draft/edited/' -e '$a\\\nadded in the editor' \"$1\" > \"$1.new\" && mv \"$1.new\" \"$1\"\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	return script, seen
}

func TestEditorRoundTrip(t *testing.T) {
	e := newEnv(t)
	store := withDrafts(t, e)
	e.Common.CacheDir = t.TempDir()
	script, seen := fakeEditor(t)
	t.Setenv("VISUAL", "")
	t.Setenv("EDITOR", script)
	m := New(e.Common, packOpen, "MLM")
	h := newHarness(m)
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(100, 30))
	tm.Send(focusMsg{})
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("my draft")})
	tm.Send(uitest.Key("tab"))
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("mi borrador")})
	uitest.WaitFor(t, tm, "11/350")
	tm.Send(uitest.Key("ctrl+e"))
	uitest.WaitFor(t, tm, "added in the editor")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	// What quitting writes (the root flushes drafts): the debounced save still waiting then has
	// nothing left to write, instead of writing into this test's folder after it was removed.
	if err := m.FlushDraft(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(seen)
	if err != nil {
		t.Fatal(err)
	}
	if want := "my draft\n" + EditorSeparator + "\nmi borrador\n"; string(got) != want {
		t.Errorf("the editor was given %q, want %q", got, want)
	}
	if d := m.Draft(); d.Text != "my edited" || d.TextTranslated != "mi borrador\nadded in the editor" {
		t.Errorf("draft after the editor = %+v", d)
	}
	// The draft was on disk before the editor ran (the editor's file is gone afterwards).
	saved, err := store.Load(packOpen)
	if err != nil || saved.Text == "" {
		t.Errorf("draft not saved: %+v %v", saved, err)
	}
	if left, _ := filepath.Glob(filepath.Join(e.Common.CacheDir, "postsale-reply-*")); len(left) != 0 {
		t.Errorf("editor files left behind: %v", left)
	}
}

func TestEditorFileWithoutSeparatorAndServedSessions(t *testing.T) {
	r := parseEditorFile("only the message\r\n\n")
	if r.text != "only the message" || r.separator {
		t.Errorf("parse = %+v", r)
	}
	r = parseEditorFile("a\n  " + EditorSeparator + "  \nb\n")
	if r.text != "a" || r.translation != "b" || !r.separator {
		t.Errorf("parse = %+v", r)
	}
	e := newEnv(t)
	e.Common.Served = true
	m := newCompose(t, e, packOpen)
	msgs := uitest.Press(m, "ctrl+e")
	st, ok := uitest.Find[common.StatusMsg](msgs)
	if !ok || !strings.Contains(st.Text, "not available in a served inbox") || m.editing {
		t.Errorf("served ctrl+e: %+v", msgs)
	}
}
