package ui

import (
	"errors"
	"net/http"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/common"
)

// explainAccountError is the sentence for a failed /users/me. A token from an environment
// variable that Mercado Libre refuses is the variable's fault: logging in cannot help while it is
// set (it wins over the saved session), so the sentence says so instead of "log in again".
func (m *Model) explainAccountError(err error) string {
	return ExplainTokenError(err, m.tokenVar)
}

// ExplainTokenError is api.Explain, except that a refused token (401) which came from the
// environment variable tokenVar names the variable.
func ExplainTokenError(err error, tokenVar string) string {
	var e *api.Error
	if tokenVar != "" && errors.As(err, &e) && e.StatusCode == http.StatusUnauthorized {
		return "Mercado Libre refused the access token in " + tokenVar + ": unset it (or set a valid one); `postsale login` does not help while it is set."
	}
	return api.Explain(err)
}

// nextNeedingReply opens the conversation the list names after (or before) the open one.
func (m *Model) nextNeedingReply(msg common.NextNeedingReplyMsg) tea.Cmd {
	id, site := m.list.NextNeedingReply(msg.From, msg.Dir)
	if id == "" {
		m.errText, m.info = "", "No other conversation needs a reply."
		return nil
	}
	m.list.Follow(id)
	return m.openPack(common.OpenPackMsg{PackID: id, Site: site})
}

// leftConversation: the seller read the conversation they leave, so its "● new" marks go.
func (m *Model) leftConversation() {
	if s, ok := m.conv.(interface{ ClearNew() }); ok && m.conv != nil {
		s.ClearNew()
	}
}

// noteMessages hands the list a conversation page's messages for its filter.
func (m *Model) noteMessages(pack string, msg tea.Msg) {
	if fin, ok := msg.(common.TaskFinishedMsg); ok {
		if texts := pageTexts(fin.Msg); len(texts) > 0 {
			m.list.NoteMessages(pack, texts)
		}
	}
}
