package api

import (
	"context"
	"encoding/json"
)

// RawConversation is a conversation page decoded as usual, with each message's JSON and the
// conversation status's JSON kept exactly as served (for a local store that must not lose
// fields this client does not model).
type RawConversation struct {
	Conversation
	Raw       []json.RawMessage // parallel to Messages
	StatusRaw json.RawMessage   // nil when the API sent null
}

// PackMessagesRaw is PackMessages keeping the served JSON beside the decoded messages. It reads
// each flavour's path as PackMessages does (and, on the domestic flavour, never marks anything
// read unless opts.MarkRead).
func (c *Client) PackMessagesRaw(ctx context.Context, packID string, opts PageOptions) (*RawConversation, error) {
	conv, err := c.PackMessages(ctx, packID, opts)
	if err != nil {
		return nil, err
	}
	out := &RawConversation{Conversation: *conv, Raw: make([]json.RawMessage, len(conv.Messages))}
	for i := range conv.Messages {
		out.Raw[i] = conv.Messages[i].Raw
	}
	if len(conv.Raw) > 0 {
		var env struct {
			ConversationStatus json.RawMessage `json:"conversation_status"`
		}
		if err := json.Unmarshal(conv.Raw, &env); err == nil && len(env.ConversationStatus) > 0 && string(env.ConversationStatus) != "null" {
			out.StatusRaw = env.ConversationStatus
		}
	}
	return out, nil
}
