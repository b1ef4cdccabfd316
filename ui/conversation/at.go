package conversation

import (
	tea "github.com/charmbracelet/bubbletea"
)

// OpenAt makes the view show messageID (a search result): once the message is loaded, older
// pages first if need be, the view scrolls to it and marks it "found". A message the API and
// the store no longer have leaves the view at the newest message. inTranslation says the
// search matched words of the message's translation its text does not hold: when the view's
// translation mode shows that message as written, it shows both (original and translation),
// so the seller sees what matched; the mode the session starts conversations in stays.
func (m *Model) OpenAt(messageID string, inTranslation bool) tea.Cmd {
	for _, e := range m.entries {
		e.found = false
		e.invalidate()
	}
	m.target, m.targetTranslation = messageID, inTranslation
	return m.seekTarget()
}

// Target is the message the view is still looking for ("" when none).
func (m *Model) Target() string { return m.target }

// seekTarget scrolls to the target when it is loaded, else asks for the older page.
func (m *Model) seekTarget() tea.Cmd {
	if m.target == "" || !m.loaded {
		return nil
	}
	for i, e := range m.entries {
		if e.msg.ID != m.target {
			continue
		}
		m.target = ""
		e.found = true
		e.invalidate()
		if m.targetTranslation && m.mode.For(e.seller) == ModeOriginal {
			m.mode = ModeBoth
		}
		m.targetTranslation = false
		if m.width < 1 {
			return nil
		}
		start, _ := m.span(i)
		m.follow = false
		m.top = max(0, start-1) // the line above shows the previous message's end
		m.clamp()
		if m.top >= m.maxTop() {
			m.follow = true
		}
		return nil
	}
	if m.loadingOlder {
		return nil // the page on its way may hold it
	}
	if !m.MoreOlder() {
		m.target, m.targetTranslation = "", false // not there any more: stay on the newest
		return nil
	}
	return m.load(loadOlder)
}
