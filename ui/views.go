package ui

import (
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/compose"
	"github.com/postsale/postsale/ui/conversation"
)

// newConversation and newCompose are the root's only ties to the concrete views.
func newConversation(c *common.Common, packID, site string) conversationView {
	return conversation.New(c, packID, site)
}

func newCompose(c *common.Common, packID, site string) composeView {
	return compose.New(c, packID, site)
}

// newReasons is the composer of a conversation opened with a contact reason (domestic).
func newReasons(c *common.Common, packID string) composeView {
	return compose.NewReasons(c, packID)
}

// pageTexts is the message texts of a conversation page result (nil for anything else).
func pageTexts(msg any) []string {
	page, ok := msg.(conversation.PageMsg)
	if !ok || page.Conversation == nil {
		return nil
	}
	out := make([]string, 0, len(page.Conversation.Messages)*2)
	for _, m := range page.Conversation.Messages {
		out = append(out, m.Text)
		if m.TextTranslated != "" {
			out = append(out, m.TextTranslated)
		}
	}
	return out
}
