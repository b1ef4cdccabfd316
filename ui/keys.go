package ui

import "github.com/charmbracelet/bubbles/key"

// keyMap holds the global keys; every root model builds its own.
type keyMap struct {
	Help      key.Binding
	Quit      key.Binding
	ForceQuit key.Binding
	Refresh   key.Binding
	CloseHelp key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit (anywhere)")),
		Refresh:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "refresh now")),
		CloseHelp: key.NewBinding(key.WithKeys("?", "esc"), key.WithHelp("?/esc", "close help")),
	}
}

// shortHelp is the global part of the footer.
func (k keyMap) shortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Quit, k.Refresh} // R is the first to go on a narrow footer
}

// typingHelp is the global part of the footer while a text field has the keys: only ctrl+c
// quits there, said briefly so compose's footer fits in 100 columns (`?` says "anywhere").
func (k keyMap) typingHelp() []key.Binding {
	quit := k.ForceQuit
	quit.SetHelp(quit.Help().Key, "quit")
	return []key.Binding{quit}
}

// fullHelp is the global column of the `?` overlay.
func (k keyMap) fullHelp() []key.Binding {
	return []key.Binding{k.Help, k.Refresh, k.Quit, k.ForceQuit}
}
