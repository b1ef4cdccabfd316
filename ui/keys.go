package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/compose"
	"github.com/postsale/postsale/ui/conversation"
	"github.com/postsale/postsale/ui/packlist"
)

// keyMap holds the global keys; every root model builds its own.
type keyMap struct {
	Help      key.Binding
	Quit      key.Binding
	ForceQuit key.Binding
	Refresh   key.Binding
	CloseHelp key.Binding
	// HelpDown and HelpUp scroll the `?` overlay when it does not fit (helpview.go).
	HelpDown key.Binding
	HelpUp   key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit (anywhere)")),
		Refresh:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "refresh now")),
		CloseHelp: key.NewBinding(key.WithKeys("?", "esc"), key.WithHelp("?/esc", "close help")),
		HelpDown:  key.NewBinding(key.WithKeys("j", "down", "pgdown", " "), key.WithHelp("↓/j/pgdn/space", "scroll help")),
		HelpUp:    key.NewBinding(key.WithKeys("k", "up", "pgup"), key.WithHelp("↑/k/pgup", "scroll help up")),
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
	return []key.Binding{k.Help, k.Refresh, k.Quit, k.ForceQuit, k.CloseHelp, k.HelpDown, k.HelpUp}
}

// sessionKeyMap is the global keys with the session's [keys] applied.
func sessionKeyMap(c *common.Common) keyMap {
	k := newKeyMap()
	common.ApplyKeys("global", &k, c.Keys)
	return k
}

// defaultKeyMaps are every view's default keymap by [keys] view name, to check a remapping.
func defaultKeyMaps() map[string]any {
	g, conv, comp := newKeyMap(), conversation.DefaultKeyMap(), compose.DefaultKeyMap()
	return map[string]any{"global": &g, "list": packlist.DefaultKeyMap(), "conversation": &conv, "compose": &comp}
}

// CheckKeys refuses a [keys] table that gives one key to two actions of a view.
func CheckKeys(keys map[string][]string) error { return common.CheckKeys(keys, defaultKeyMaps()) }

// remapsAltKey reports whether the seller's [keys] table binds this alt key: then it is that
// key, not esc followed by a letter.
func (m *Model) remapsAltKey(msg tea.KeyMsg) bool {
	k := msg.String()
	for _, keys := range m.c.Keys {
		for _, v := range keys {
			if v == k {
				return true
			}
		}
	}
	return false
}
