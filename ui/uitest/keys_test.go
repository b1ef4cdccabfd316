package uitest

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func TestKeyNamesAndRunes(t *testing.T) {
	for name, want := range map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
		"backspace": tea.KeyBackspace, "ctrl+s": tea.KeyCtrlS, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
		"up": tea.KeyUp, "down": tea.KeyDown,
	} {
		if got := Key(name); got.Type != want || got.Runes != nil {
			t.Errorf("Key(%q) = %#v, want type %v", name, got, want)
		}
	}
	// Single characters (a space too) and text that names no key are typed.
	for _, text := range []string{"j", " ", "ñ", "😀", "Hola", "jjj", "runes"} {
		if got := Key(text); got.Type != tea.KeyRunes || string(got.Runes) != text {
			t.Errorf("Key(%q) = %#v, want the runes", text, got)
		}
	}
}

// Every name Bubble Tea prints for a key comes back as that key.
func TestKeyRoundTrip(t *testing.T) {
	n := 0
	for k := tea.KeyType(-128); k <= 127; k++ {
		name := k.String()
		if name == "" || k == tea.KeyRunes || len([]rune(name)) < 2 {
			continue
		}
		n++
		if got := Key(name); got.String() != name {
			t.Errorf("Key(%q).String() = %q", name, got.String())
		}
	}
	if n < 50 {
		t.Fatalf("only %d named keys found: the scan misses Bubble Tea's key range", n)
	}
}
