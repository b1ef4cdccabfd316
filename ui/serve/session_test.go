package serve

import (
	"io"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// runeScribbler writes into the runes of each key it gets, as bubbles' text fields do when they
// sanitise what is typed.
type runeScribbler struct{}

func (runeScribbler) Init() tea.Cmd { return nil }
func (r runeScribbler) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && len(k.Runes) > 0 {
		k.Runes[0] = 'x'
	}
	return r, nil
}
func (runeScribbler) View() string { return "" }

// Bubble Tea's key parser gives every program one shared rune slice for a space: each session's
// inbox gets a copy of a key's runes, so sessions typing at once never write to one array (the
// race detector caught two people typing a space into a reply and the list's filter).
func TestEachSessionWritesOnlyItsOwnRunes(t *testing.T) {
	h, err := NewHub(HubOptions{})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := h.Join("Ana", "x")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Leave()
	m := newSessionModel(runeScribbler{}, conn, lipgloss.NewRenderer(io.Discard), 0, time.Now)
	shared := []rune{' '}
	m.Update(tea.KeyMsg{Type: tea.KeySpace, Runes: shared})
	if shared[0] != ' ' {
		t.Errorf("the session's inbox wrote into the key parser's runes: %q", string(shared))
	}
}
