package common

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
)

type stubTeam struct {
	assigned     string
	otherSession bool // the seller's own other session is on the pack and replying
}

func (s stubTeam) Me() string        { return "Bruno" }
func (s stubTeam) Members() []string { return []string{"Ana", "Bruno", "Carla"} }
func (s stubTeam) OnPack(string) ([]string, []string) {
	if s.otherSession {
		return []string{OtherSession, "Ana", "Carla"}, []string{OtherSession, "Carla"}
	}
	return []string{"Ana", "Carla"}, []string{"Carla"}
}
func (s stubTeam) Assignee(string) string       { return s.assigned }
func (s stubTeam) Assign(string, string) error  { return nil }
func (s stubTeam) Notes(string) []TeamNote      { return nil }
func (s stubTeam) AddNote(string, string) error { return nil }
func (s stubTeam) SentBy(string) string         { return "" }

func TestMemberPickerPutsMeFirstAndPicksByNumber(t *testing.T) {
	c := New(t.Context(), nil, nil)
	c.Renderer.SetColorProfile(termenv.Ascii)
	p := NewMemberPicker(stubTeam{}, "2000001")
	lines := strings.Join(p.Lines(c, 80), "\n")
	for _, want := range []string{"> 1. Bruno (you)", "  2. Ana", "  3. Carla", "  4. nobody (unassign)"} {
		if !strings.Contains(lines, want) {
			t.Errorf("picker lacks %q:\n%s", want, lines)
		}
	}
	if who, chosen, done := p.HandleKey(tea.KeyMsg{Type: tea.KeyEnter}); !chosen || !done || who != "Bruno" {
		t.Errorf("enter on an unassigned pack chose %q (%v %v), want me", who, chosen, done)
	}
	p = NewMemberPicker(stubTeam{assigned: "Carla"}, "2000001")
	if !strings.Contains(strings.Join(p.Lines(c, 80), "\n"), "> 3. Carla · assigned now") {
		t.Error("the current assignee is not selected")
	}
	if who, chosen, _ := p.HandleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("4")}); !chosen || who != "" {
		t.Errorf("4 chose %q, want nobody", who)
	}
	if _, chosen, done := p.HandleKey(tea.KeyMsg{Type: tea.KeyEsc}); chosen || !done {
		t.Error("esc did not cancel")
	}
}

func TestPresenceAndReplyingTexts(t *testing.T) {
	st := stubTeam{}
	if got := PresenceText(st, "p"); got != "Carla is replying… · Ana has it open" {
		t.Errorf("presence = %q", got)
	}
	if got := ReplyingText(st, "p", "r"); got != "Carla is replying to this buyer — r again to write anyway" {
		t.Errorf("warning = %q", got)
	}
	own := stubTeam{otherSession: true}
	if got := PresenceText(own, "p"); got != "Your other session and Carla are replying… · Ana has it open" {
		t.Errorf("presence with the seller's other session = %q", got)
	}
	if got := ReplyingText(own, "p", "r"); !strings.HasSuffix(got, "r again to write anyway (both sessions keep one draft: the later save wins)") {
		t.Errorf("warning with the seller's other session = %q", got)
	}
	if PresenceText(nil, "p") != "" || ReplyingText(nil, "p", "r") != "" || !KeepPack(nil, FilterMine, "p") {
		t.Error("without a team there is nothing to say and nothing filtered")
	}
	if KeepPack(stubTeam{assigned: "Ana"}, FilterMine, "p") || !KeepPack(stubTeam{assigned: "Bruno"}, FilterMine, "p") ||
		KeepPack(stubTeam{assigned: "Ana"}, FilterUnassigned, "p") || !KeepPack(stubTeam{}, FilterUnassigned, "p") {
		t.Error("KeepPack filters wrongly")
	}
	if got := Names([]string{"Ana", "Bruno\x1b[2J", "Carla"}); got != "Ana, Bruno and Carla" {
		t.Errorf("names = %q, want the escape sequence gone", got)
	}
}
