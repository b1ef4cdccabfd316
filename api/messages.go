package api

import (
	"context"
	"encoding/json"
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
	// MarkRead lets the domestic API mark the buyer's messages read, as opening a conversation
	// in Mercado Libre's web inbox does. Off, the read passes mark_as_read=false. The
	// marketplace flavour never marks anything read by reading.
	MarkRead bool
}

// Paths of the messages resource, per flavour.

func packPath(a Account, packID string) string {
	if a.Flavor == FlavorDomestic {
		return "/messages/packs/" + pathEscape(packID) + "/sellers/" + pathEscape(a.SellerID)
	}
	return "/marketplace/messages/packs/" + pathEscape(packID)
}

func messagePath(a Account, messageID string) string {
	if a.Flavor == FlavorDomestic {
		return "/messages/" + pathEscape(messageID)
	}
	return "/marketplace/messages/" + pathEscape(messageID)
}

// tagged returns q with tag=post_sale on the domestic flavour, where every messaging call
// carries it.
func tagged(a Account, q url.Values) url.Values {
	if a.Flavor != FlavorDomestic {
		return q
	}
	if q == nil {
		q = url.Values{}
	}
	q.Set("tag", DefaultTag)
	return q
}

// PackMessages returns a window of the conversation of a pack (or of an order without pack),
// its messages sorted newest first by date whatever order the page came in. It marks nothing
// read unless opts.MarkRead.
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
	a, err := c.Account(ctx)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if opts.Limit > 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	if opts.Offset > 0 {
		q.Set("offset", strconv.Itoa(opts.Offset))
	}
	if a.Flavor == FlavorDomestic && !opts.MarkRead {
		q.Set("mark_as_read", "false")
	}
	var conv Conversation
	if err := c.getJSON(ctx, packPath(a, packID), tagged(a, q), &conv); err != nil {
		return nil, err
	}
	SortNewestFirst(conv.Messages)
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
	a, err := c.Account(ctx)
	if err != nil {
		return nil, err
	}
	var conv Conversation
	if err := c.getJSON(ctx, messagePath(a, messageID), tagged(a, nil), &conv); err != nil {
		return nil, err
	}
	if len(conv.Messages) == 0 {
		return nil, &Error{StatusCode: http.StatusNotFound, Message: fmt.Sprintf("The message with id: %s could not be retrieved from storage", messageID)}
	}
	return &conv.Messages[0], nil
}

// domesticSend is the body of a domestic send: from and to are required there.
type domesticSend struct {
	From        userRef  `json:"from"`
	To          userRef  `json:"to"`
	Text        string   `json:"text"`
	Attachments []string `json:"attachments,omitempty"`
}

type userRef struct {
	UserID any `json:"user_id"`
}

// jsonID writes a numeric id as a JSON number (as Mercado Libre's examples do), else a string.
func jsonID(id string) any {
	if _, err := strconv.ParseUint(id, 10, 64); err == nil {
		return json.Number(id)
	}
	return id
}

// SendMessage posts a message to the buyer of a pack. The request is validated first; attachments
// are ids returned by UploadAttachment. On the domestic flavour msg.To is the recipient; empty,
// it is chosen from the thread (the messaging agent on a thread it handles, else the buyer).
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
	a, err := c.Account(ctx)
	if err != nil {
		return nil, err
	}
	var body any = msg
	if a.Flavor == FlavorDomestic {
		if msg.TextTranslated != "" {
			// Never drop what the seller wrote: the domestic API has no translated text.
			return nil, &ValidationError{Field: "text_translated", Problem: "domestic conversations have no translation: leave the translation empty and write the message in the buyer's language"}
		}
		to := msg.To
		if to == "" {
			conv, err := c.PackMessages(ctx, packID, PageOptions{Limit: 10})
			if err != nil {
				return nil, err
			}
			if to = Recipient(conv, a.SellerID, a.SiteID); to == "" {
				return nil, &ValidationError{Field: "to", Problem: "the conversation has no message that names the buyer: answer from Mercado Libre's site"}
			}
		}
		body = domesticSend{From: userRef{jsonID(a.SellerID)}, To: userRef{jsonID(to)}, Text: msg.Text, Attachments: msg.Attachments}
	}
	path := packPath(a, packID)
	var raw json.RawMessage
	if err := c.postJSON(ctx, path, tagged(a, nil), body, &raw); err != nil {
		// A 5xx may come after the message was stored: not a failure to retry, but a send to
		// check by reading the conversation back (it matches transport.ErrAmbiguous).
		var e *Error
		if errors.As(err, &e) && e.StatusCode >= 500 {
			return nil, &UnconfirmedSendError{Method: http.MethodPost, Path: path,
				Reason: fmt.Sprintf("Mercado Libre answered %d", e.StatusCode), Err: err}
		}
		return nil, unreadSendAnswer(err, path)
	}
	return decodeSent(raw, msg, path)
}

// decodeSent reads a send's answer, whose shape is not documented: a message or the
// conversation envelope. Only the message just created counts as the answer, never any message
// of the conversation.
func decodeSent(body json.RawMessage, msg SendRequest, path string) (*Message, error) {
	// Two steps: Message decodes itself (it keeps its raw JSON), so embedding it in an envelope
	// would hide the envelope's "messages".
	var env struct {
		ID       ID        `json:"id"`
		Messages []Message `json:"messages"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, unreadSendAnswer(&DecodeError{Method: http.MethodPost, Path: path, Err: err, Body: snippet(body)}, path)
	}
	var candidates []*Message
	if env.ID != "" {
		var m Message
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, unreadSendAnswer(&DecodeError{Method: http.MethodPost, Path: path, Err: err, Body: snippet(body)}, path)
		}
		candidates = append(candidates, &m)
	} else {
		for i := range env.Messages {
			candidates = append(candidates, &env.Messages[i])
		}
	}
	var why error = &UnconfirmedSendError{Reason: "it names no message"}
	for _, m := range candidates {
		if why = CheckSendAnswer(m, msg, "", time.Time{}); why == nil {
			return m, nil
		}
	}
	if ue, ok := why.(*UnconfirmedSendError); ok {
		ue.Method, ue.Path = http.MethodPost, path
	}
	return nil, why
}
