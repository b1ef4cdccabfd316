package ui

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"
)

// draftFlusher is a compose view that keeps its draft on disk.
type draftFlusher interface{ FlushDraft() error }

// quit writes every draft still waiting for its debounce, then ends the program.
func (m *Model) quit() tea.Cmd {
	if err := m.FlushDrafts(); err != nil {
		m.c.Logger.Error("drafts not saved on quit", "err", err)
	}
	return tea.Quit
}

// FlushDrafts writes the drafts still waiting for their debounce. The CLI calls it again after
// the program ended some other way (a signal cancelled it); never while the program runs.
func (m *Model) FlushDrafts() error {
	var errs []error
	for _, cm := range m.composes {
		if f, ok := cm.(draftFlusher); ok {
			errs = append(errs, f.FlushDraft())
		}
	}
	return errors.Join(errs...)
}
