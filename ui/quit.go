package ui

import tea "github.com/charmbracelet/bubbletea"

// draftFlusher is a compose view that keeps its draft on disk.
type draftFlusher interface{ FlushDraft() error }

// quit writes every draft still waiting for its debounce, then ends the program.
func (m *Model) quit() tea.Cmd {
	for _, cm := range m.composes {
		if f, ok := cm.(draftFlusher); ok {
			if err := f.FlushDraft(); err != nil {
				m.c.Logger.Error("draft not saved on quit", "err", err)
			}
		}
	}
	return tea.Quit
}
