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
