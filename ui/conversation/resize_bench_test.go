package conversation

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// BenchmarkSetSizeTenThousandMessages is one resize of a 10,000-message conversation, widths
// alternating as in a resize storm, with the frame drawn after it (budget: well under 5 ms).
func BenchmarkSetSizeTenThousandMessages(b *testing.B) {
	for _, scrolled := range []bool{false, true} {
		name := "following"
		if scrolled {
			name = "scrolled"
		}
		b.Run(name, func(b *testing.B) {
			m := loadedModel(b, 10_000, 100, 30)
			_ = m.View()
			if scrolled {
				// Half way up the history: the anchor is a message in the middle.
				for range 5_000 {
					m.scroll(-12)
				}
				_ = m.View()
			}
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				m.SetSize(80+i%2*20, 30)
				_ = m.View()
				i++
			}
		})
	}
}

// BenchmarkTranslateTenThousandMessages is one press of `t` (the next translation mode) on a
// 10,000-message conversation, with the frame drawn after it.
func BenchmarkTranslateTenThousandMessages(b *testing.B) {
	m := loadedModel(b, 10_000, 100, 30)
	_ = m.View()
	t := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t")}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.Update(t)
		_ = m.View()
	}
}
