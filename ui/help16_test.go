package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/ui/uitest"
)

// The global column of the ? help lists every global key.
func TestFullHelpListsEveryGlobalKey(t *testing.T) {
	k := newKeyMap()
	if gaps := uitest.HelpGaps(&k, k.fullHelp()); len(gaps) > 0 {
		t.Error(gaps)
	}
}

// A help overlay taller than the window scrolls and says so; at 40 columns the columns wrap
// onto rows instead of being cut, so no key is lost.
func TestHelpOverlayScrollsWhenItDoesNotFit(t *testing.T) {
	m := New(uitest.Offline(testNow, termenv.Ascii), Options{})
	m.Update(tea.WindowSizeMsg{Width: 40, Height: 12})
	m.Update(uitest.Key("?"))
	first := m.View()
	if !strings.Contains(first, "Keys · lines 1–") || !strings.Contains(first, "j/k scroll") {
		t.Fatalf("the overlay does not say it scrolls:\n%s", first)
	}
	all := strings.Join(m.helpBody(40), "\n")
	for _, want := range []string{"quit (anywhere)", "refresh now", "filter", "close help", "scroll help up"} {
		if !strings.Contains(all, want) {
			t.Errorf("the help at 40 columns lost %q:\n%s", want, all)
		}
	}
	seen := map[string]bool{}
	for i := 0; i < 40; i++ {
		for _, l := range strings.Split(m.View(), "\n") {
			seen[strings.TrimSpace(l)] = true
		}
		m.Update(uitest.Key("j"))
	}
	for _, l := range m.helpBody(40) {
		if l = strings.TrimSpace(l); l != "" && !seen[l] {
			t.Errorf("scrolling never showed %q", l)
		}
	}
	last := m.View()
	if last == first || !m.showHelp {
		t.Fatal("j did not scroll the help, or closed it")
	}
	m.Update(uitest.Key("pgup"))
	m.Update(uitest.Key("pgup"))
	m.Update(uitest.Key("pgup"))
	if m.View() != first {
		t.Fatalf("pgup did not go back to the top:\n%s", m.View())
	}
	// Tall enough: no scrolling, no note.
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 45})
	if v := m.View(); strings.Contains(v, "lines 1–") {
		t.Fatalf("the help fits yet says it scrolls:\n%s", v)
	}
}
