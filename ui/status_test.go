package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/ui/uitest"
)

// A notice longer than the status bar (a saved file's path over SSH) is shown whole, wrapped over
// the bottom of the view, and the frame keeps its exact size.
func TestLongNoticeIsShownWhole(t *testing.T) {
	m := New(uitest.Offline(testNow, termenv.Ascii), Options{})
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	path := "/home/seller/.cache/postsale/attachments/c76b6c0ecd30/comprovante_pagamento_março.pdf"
	m.info = "Not opened (this is an SSH session); the file is at " + path

	view := m.View()
	lines := strings.Split(view, "\n")
	if len(lines) != 20 {
		t.Fatalf("frame has %d lines, want 20", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != 60 {
			t.Fatalf("line %d is %d cells wide, want 60: %q", i, w, l)
		}
	}
	var joined strings.Builder
	for _, l := range lines[len(lines)-5 : len(lines)-1] {
		joined.WriteString(strings.TrimSpace(l))
	}
	if !strings.Contains(joined.String(), strings.ReplaceAll(m.info, " ", "")) &&
		!strings.Contains(strings.ReplaceAll(joined.String(), " ", ""), strings.ReplaceAll(m.info, " ", "")) {
		t.Fatalf("the notice is not shown whole:\n%s", view)
	}
	if strings.Contains(strings.Join(lines[len(lines)-5:len(lines)-1], "\n"), "…") {
		t.Fatalf("the notice was truncated:\n%s", view)
	}
}
