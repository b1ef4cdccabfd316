package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// PageOptions selects a window of a conversation. Zero Limit lets the API choose.
type PageOptions struct {
	Limit  int
	Offset int
}

// PackMessages returns a window of the conversation of a pack (or of an order without pack).
// It never marks messages as read.
func (c *Client) PackMessages(ctx context.Context, packID string, opts PageOptions) (*Conversation, error) {
	if packID == "" {
		return nil, &ValidationError{Field: "pack", Problem: "a pack id is required"}
	}
	if err := checkSegment("pack", packID); err != nil {
		return nil, err
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
	// The domestic API marks messages read when it serves them; ask it not to, harmless here.
	q.Set("mark_as_read", "false")
	var conv Conversation
	if err := c.getJSON(ctx, "/marketplace/messages/packs/"+pathEscape(packID), q, &conv); err != nil {
		return nil, err
	}
	return &conv, nil
}

// Message returns one message by id.
func (c *Client) Message(ctx context.Context, messageID string) (*Message, error) {
	if messageID == "" {
		return nil, &ValidationError{Field: "message", Problem: "a message id is required"}
	}
	if err := checkSegment("message", messageID); err != nil {
		return nil, err
	}
	var conv Conversation
	if err := c.getJSON(ctx, "/marketplace/messages/"+pathEscape(messageID), nil, &conv); err != nil {
		return nil, err
	}
	if len(conv.Messages) == 0 {
		return nil, &Error{StatusCode: http.StatusNotFound, Message: fmt.Sprintf("The message with id: %s could not be retrieved from storage", messageID)}
	}
	return &conv.Messages[0], nil
}

// SendMessage posts a message to the buyer of a pack. The request is validated first; attachments
// are ids returned by UploadAttachment.
func (c *Client) SendMessage(ctx context.Context, packID string, msg SendRequest) (*Message, error) {
	if packID == "" {
		return nil, &ValidationError{Field: "pack", Problem: "a pack id is required"}
	}
	if err := checkSegment("pack", packID); err != nil {
		return nil, err
	}
	if err := ValidateSend(msg); err != nil {
		return nil, err
	}
	if len(msg.Attachments) == 0 {
		msg.Attachments = nil
	}
	// The answer's shape is not documented: accept a message or the conversation envelope, but
	// only the message just created counts as the answer, never any message of the conversation.
	var raw struct {
		Message
		Messages []Message `json:"messages"`
	}
	path := "/marketplace/messages/packs/" + pathEscape(packID)
	if err := c.postJSON(ctx, path, nil, msg, &raw); err != nil {
		// A 5xx may come after the message was stored: not a failure to retry, but a send to
		// check by reading the conversation back (it matches transport.ErrAmbiguous).
		var e *Error
		if errors.As(err, &e) && e.StatusCode >= 500 {
			return nil, &UnconfirmedSendError{Method: http.MethodPost, Path: "/marketplace/messages/packs/" + packID,
				Reason: fmt.Sprintf("Mercado Libre answered %d", e.StatusCode), Err: err}
		}
		return nil, err
	}
	candidates := []*Message{&raw.Message}
	if raw.ID == "" {
		candidates = candidates[:0]
		for i := range raw.Messages {
			candidates = append(candidates, &raw.Messages[i])
		}
	}
	var why error = &UnconfirmedSendError{Reason: "it names no message"}
	for _, m := range candidates {
		if why = CheckSendAnswer(m, msg, "", time.Time{}); why == nil {
			return m, nil
		}
	}
	if ue, ok := why.(*UnconfirmedSendError); ok {
		ue.Method, ue.Path = http.MethodPost, "/marketplace/messages/packs/"+packID
	}
	return nil, why
}
