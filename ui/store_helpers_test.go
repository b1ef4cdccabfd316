package ui

import (
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

func commonNewMessages(n int, buyers ...string) common.NewMessagesMsg {
	return common.NewMessagesMsg{Count: n, Buyers: buyers}
}

func sanitizeLine(s string) string { return sanitize.Line(s) }
