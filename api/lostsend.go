package api

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/postsale/postsale/api/transport"
)

// The lost-send search: a send whose answer never came back (a cut connection, a timeout) may
// still have reached the buyer, so before offering to send again the caller re-reads the newest
// messages and looks for it. The inbox's compose and `postsale send` use the same search.

// LostSendReadLimit is how many of the newest messages are searched for a send whose answer was
// lost.
const LostSendReadLimit = 20

// SendSkew tolerates a clock difference between this machine and Mercado Libre when deciding
// whether a message in the conversation is newer than the send.
const SendSkew = 2 * time.Minute

// LostSendDelays are the waits before each re-read of the conversation after a send got no
// answer: a lost send may land, or clear moderation, a moment after its answer was lost.
func LostSendDelays() []time.Duration { return []time.Duration{2 * time.Second, 5 * time.Second} }

// Sleep waits d or until ctx ends (nil: real time).
type Sleep func(ctx context.Context, d time.Duration) error

// PackReader reads a pack's messages; *Client is one.
type PackReader interface {
	PackMessages(ctx context.Context, packID string, opts PageOptions) (*Conversation, error)
}

// FindLostSend re-reads the newest messages of packID after each delay until it finds req sent
// by seller at or after since (message ids in skip are earlier sends of the same text). It
// returns the message, or nil when the last read worked and it is not there, or the last
// read's error.
func FindLostSend(ctx context.Context, client PackReader, packID string, req SendRequest, seller string,
	since time.Time, skip map[string]bool, delays []time.Duration, sleep Sleep) (*Message, error) {
	if sleep == nil {
		sleep = transport.Sleep
	}
	if len(delays) == 0 {
		delays = []time.Duration{0}
	}
	var err error
	for _, d := range delays {
		if serr := sleep(ctx, d); serr != nil {
			return nil, fmt.Errorf("check whether the reply to pack %s was sent: %w", packID, serr)
		}
		var conv *Conversation
		conv, err = client.PackMessages(ctx, packID, PageOptions{Limit: LostSendReadLimit})
		if err != nil {
			err = fmt.Errorf("check whether the reply to pack %s was sent: %w", packID, err)
			continue
		}
		if found := FindSent(conv.Messages, req, seller, since, skip); found != nil {
			return found, nil
		}
	}
	return nil, err
}

// FindSent returns the message in msgs that is req sent by seller at or after since: the same
// text and the same attachments, and not one of the ids in skip.
func FindSent(msgs []Message, req SendRequest, seller string, since time.Time, skip map[string]bool) *Message {
	want := strings.TrimSpace(req.Text)
	for i := range msgs {
		msg := &msgs[i]
		if seller != "" && string(msg.From.UserID) != seller {
			continue
		}
		if msg.ID != "" && skip[msg.ID] {
			continue
		}
		if strings.TrimSpace(msg.Text) != want || !sameAttachments(msg.Attachments, req.Attachments) {
			continue
		}
		if d := msg.Date(); !d.IsZero() && d.Before(since) {
			continue
		}
		return msg
	}
	return nil
}

// sameAttachments reports whether the message carries exactly the uploaded files the send named.
func sameAttachments(got []Attachment, ids []string) bool {
	if len(got) != len(ids) {
		return false
	}
	names := make(map[string]int, len(got))
	for _, a := range got {
		names[a.Filename]++
	}
	for _, id := range ids {
		if names[id] == 0 {
			return false
		}
		names[id]--
	}
	return true
}
