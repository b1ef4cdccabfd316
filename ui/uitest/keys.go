package uitest

import tea "github.com/charmbracelet/bubbletea"

// Key builds a key press from the name Bubble Tea gives it ("enter", "pgup", "shift+tab",
// "ctrl+s"); a single character, or any text that is no key's name, is typed as runes.
func Key(name string) tea.KeyMsg {
	if len([]rune(name)) > 1 {
		// KeyType's names are the only public table; special keys are negative, controls 0-127.
		for t := tea.KeyType(-128); t <= 127; t++ {
			if t != tea.KeyRunes && t.String() == name {
				return tea.KeyMsg{Type: t}
			}
		}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(name)}
}
