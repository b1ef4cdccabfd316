package conversation

// whose names this conversation in a task label by its buyer once a message said who that is,
// so the status bar (offline most of all) speaks of people, not pack ids.
func (m *Model) whose() string {
	if b := m.buyerName(); b != "" {
		return "the conversation with " + b
	}
	return "conversation " + m.packID
}
