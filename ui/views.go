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
