package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// RawConversation is a conversation page decoded as usual, with each message's JSON and the
// conversation status's JSON kept exactly as served (for a local store that must not lose
// fields this client does not model).
type RawConversation struct {
	Conversation
	Raw       []json.RawMessage // parallel to Messages
	StatusRaw json.RawMessage   // nil when the API sent null
}

// PackMessagesRaw is PackMessages keeping the served JSON beside the decoded messages.
func (c *Client) PackMessagesRaw(ctx context.Context, packID string, opts PageOptions) (*RawConversation, error) {
	if packID == "" {
		return nil, &ValidationError{Field: "pack", Problem: "a pack id is required"}
	}
	if opts.Limit < 0 || opts.Offset < 0 {
		return nil, &ValidationError{Field: "paging", Problem: "limit and offset must not be negative"}
	}
	q := url.Values{}
	if opts.Limit > 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	if opts.Offset > 0 {
		q.Set("offset", strconv.Itoa(opts.Offset))
	}
	q.Set("mark_as_read", "false")
	var env struct {
		Paging             *Paging           `json:"paging"`
		ConversationStatus json.RawMessage   `json:"conversation_status"`
		Messages           []json.RawMessage `json:"messages"`
	}
	path := "/marketplace/messages/packs/" + pathEscape(packID)
	if err := c.getJSON(ctx, path, q, &env); err != nil {
		return nil, err
	}
	out := &RawConversation{Conversation: Conversation{Paging: env.Paging, Messages: make([]Message, len(env.Messages))}, Raw: env.Messages}
	if len(env.ConversationStatus) > 0 && string(env.ConversationStatus) != "null" {
		var cs ConversationStatus
		if err := json.Unmarshal(env.ConversationStatus, &cs); err != nil {
			return nil, &DecodeError{Method: "GET", Path: path, Err: err, Body: snippet(env.ConversationStatus)}
		}
		out.ConversationStatus, out.StatusRaw = &cs, env.ConversationStatus
	}
	for i, raw := range env.Messages {
		if err := json.Unmarshal(raw, &out.Messages[i]); err != nil {
			return nil, &DecodeError{Method: "GET", Path: path, Err: fmt.Errorf("message %d: %w", i, err), Body: snippet(raw)}
		}
	}
	return out, nil
}
