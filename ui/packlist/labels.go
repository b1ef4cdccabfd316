package packlist

// whose names a conversation in a task label by its buyer once the row knows them ("the
// conversation with Beatriz Souza"): the status bar, offline most of all, speaks of people,
// not pack ids.
func (m *Model) whose(packID string) string {
	if r := m.byID[packID]; r != nil && r.Buyer != "" {
		return "the conversation with " + r.Buyer
	}
	return "conversation " + packID
}
