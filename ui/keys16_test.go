package ui

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
	"github.com/postsale/postsale/ui/uitest"
)

// Every [keys] action config accepts is a binding of a view, and every binding can be remapped.
func TestKeyActionsAreTheViewsBindings(t *testing.T) {
	var ours []string
	for view, km := range defaultKeyMaps() {
		ours = append(ours, common.KeyActions(view, km)...)
	}
	var theirs []string
	for _, a := range config.KeyActions() {
		theirs = append(theirs, a.Name)
	}
	slices.Sort(ours)
	slices.Sort(theirs)
	if !slices.Equal(ours, theirs) {
		t.Fatalf("keymap bindings and config.KeyActions differ:\n bindings: %v\n config:   %v", ours, theirs)
	}
}

// config spells key names without importing Bubble Tea: every name Bubble Tea gives a key must
// be accepted as itself, alone and with alt.
func TestConfigAcceptsBubbleTeasKeyNames(t *testing.T) {
	for typ := tea.KeyType(-200); typ <= 127; typ++ {
		name := tea.Key{Type: typ}.String()
		if name == "" || strings.HasPrefix(name, "unknown") || typ == tea.KeyRunes {
			continue
		}
		for _, k := range []string{name, tea.Key{Type: typ, Alt: true}.String()} {
			got, err := config.NormalizeKey(k)
			if err != nil || got != k {
				t.Errorf("key %q (type %d): config reads %q, %v", k, typ, got, err)
			}
		}
	}
	for _, k := range []string{"a", "G", "?", "alt+a", "ñ"} {
		if got, err := config.NormalizeKey(k); err != nil || got != k {
			t.Errorf("key %q: %q, %v", k, got, err)
		}
	}
}

// A remapped key replaces the default in its view and in help; a key given to two actions at
// once is refused when the session is built.
func TestRemappedKeysWorkAndShowInHelp(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	e.Common.Keys = map[string][]string{"conversation.reply": {"e"}, "global.refresh": {"f5"}}
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	a.openPack(packTopUnread)
	a.keys("r") // no longer reply
	a.keys("?")
	view := a.settleOn("Keys", "e   reply")
	if strings.Contains(view, "r   reply") || !strings.Contains(view, "f5") {
		t.Fatalf("help does not show the remapped keys:\n%s", view)
	}
	a.keys("?")
	a.keys("e")
	a.settleOn("Reply to") // compose is open
	if _, err := NewSession(SessionOptions{Data: e.Client, Keys: map[string][]string{"conversation.save": {"o"}}}); err == nil ||
		!strings.Contains(err.Error(), "conversation.save") || !strings.Contains(err.Error(), "conversation.open") {
		t.Fatalf("a key given to two actions: %v", err)
	}
	if _, err := NewSession(SessionOptions{Data: e.Client, Keys: map[string][]string{"list.open": {"enter", "o"}}}); err != nil {
		t.Fatalf("enter shared by design (open, keep filter) was refused: %v", err)
	}
}

// ctrl+o attaches too: ctrl+a is the prefix key of screen and many tmux setups.
func TestCtrlOAttachesBesideCtrlA(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.openPack(packTopUnread)
	a.keys("r")
	view := a.settleOn("ctrl+o attach")
	if strings.Contains(view, "ctrl+a attach") {
		t.Fatalf("help still offers ctrl+a:\n%s", view)
	}
	a.keys("ctrl+o")
	a.settleOn("Attach a file")
	a.keys("esc")
	a.settle("picker closed", func(v string) bool { return !strings.Contains(v, "Attach a file") })
	a.keys("ctrl+a")
	a.settleOn("Attach a file")
}

// osc52 is the clipboard text in the last OSC 52 sequence written (tmux-wrapped or not).
func osc52(t *testing.T, out string) string {
	t.Helper()
	i := strings.LastIndex(out, "]52;c;")
	if i < 0 {
		t.Fatalf("no OSC 52 in %q", out)
	}
	rest := out[i+len("]52;c;"):]
	end := strings.IndexAny(rest, "\a\x1b")
	b, err := base64.StdEncoding.DecodeString(rest[:end])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// y then p or b copies the selected row's pack id or buyer through OSC 52 on the session's
// terminal, wrapped for tmux when the session runs inside it.
func TestCopyFromTheList(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	var term uitest.Buffer
	env := map[string]string{"TMUX": "/tmp/tmux-0/default,1,0"}
	e.Common.Opener = open.New(open.Auto, &term, open.WithEnv(func(k string) string { return env[k] }))
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	a.settleOn("Beatriz Souza")
	a.keys("y")
	a.settleOn("Copy to the clipboard", "p  pack id: "+packTopUnread, "b  buyer's name: Beatriz Souza")
	a.keys("q") // any other key closes the menu; q does not quit while it is open
	a.settle("menu closed", func(v string) bool { return !strings.Contains(v, "Copy to the clipboard") })
	a.keys("y", "b")
	a.settleOn("Copied the buyer's name (Beatriz Souza)")
	if !strings.HasPrefix(term.String(), "\x1bPtmux;") || osc52(t, term.String()) != "Beatriz Souza" {
		t.Fatalf("terminal got %q", term.String())
	}
	a.keys("y", "p")
	a.settleOn("Copied the pack id")
	if got := osc52(t, term.String()); got != packTopUnread {
		t.Fatalf("copied %q, want the pack id", got)
	}
}

// An alt key the seller bound in [keys] is that key, not esc then a letter (which would leave
// compose).
func TestRemappedAltKeyIsNotSplitIntoEsc(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	e.Common.Keys = map[string][]string{"compose.attach": {"alt+a"}}
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	a.openPack(packTopUnread)
	a.keys("r")
	a.settleOn("alt+a attach")
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'a'}, Alt: true})
	a.settleOn("Attach a file")
}
