package ui

import "github.com/postsale/postsale/ui/common"

// Context while replying: the root hands what the list knows of a sale to its conversation, and
// what the conversation knows of the buyer to the pack's composer.

// givePackInfo tells the open conversation what the order search knows of its pack.
func (m *Model) givePackInfo() {
	if c, ok := m.conv.(interface{ SetPackInfo(common.PackInfo) }); ok {
		c.SetPackInfo(m.list.PackInfo(m.conv.PackID()))
	}
}

// giveReplyContext hands the conversation's view of pack to the pack's composer, if both exist.
func (m *Model) giveReplyContext(pack string) {
	if m.conv == nil || m.conv.PackID() != pack {
		return
	}
	cm := m.composes[pack]
	src, ok := m.conv.(interface{ ReplyContext() common.ReplyContext })
	if cm == nil || !ok {
		return
	}
	if dst, ok := cm.(interface{ SetReplyContext(common.ReplyContext) }); ok {
		dst.SetReplyContext(src.ReplyContext())
	}
}
