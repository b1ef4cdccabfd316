package common

import "github.com/charmbracelet/bubbles/key"

// Relabel changes what help says a binding does, keeping the keys it shows: those may have
// been remapped in the config ([keys]), so code never writes a key's name twice.
func Relabel(b *key.Binding, desc string) {
	b.SetHelp(b.Help().Key, desc)
}
