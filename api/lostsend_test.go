package api

import (
	"testing"
	"time"
)

func TestFindSent(t *testing.T) {
	clock := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	at := func(min int) MessageDate {
		return MessageDate{Created: Time{Time: clock.Add(time.Duration(min) * time.Minute)}}
	}
	files := func(names ...string) []Attachment {
		var out []Attachment
		for _, n := range names {
			out = append(out, Attachment{Filename: n})
		}
		return out
	}
	req := SendRequest{Text: "Hello there"}
	msgs := []Message{
		{ID: "buyer", From: Party{UserID: "9"}, Text: "Hello there", MessageDate: at(1)},
		{ID: "old", From: Party{UserID: "1"}, Text: "Hello there", MessageDate: at(-10)},
		{ID: "other", From: Party{UserID: "1"}, Text: "Hello", MessageDate: at(1)},
		{ID: "files", From: Party{UserID: "1"}, Text: "Hello there", MessageDate: at(1), Attachments: files("a.pdf")},
		{ID: "it", From: Party{UserID: "1"}, Text: " Hello there ", MessageDate: at(0)},
	}
	since := clock.Add(-SendSkew)
	if got := FindSent(msgs, req, "1", since, nil); got == nil || got.ID != "it" {
		t.Fatalf("FindSent = %+v, want the seller's new copy", got)
	}
	if got := FindSent(msgs[:4], req, "1", since, nil); got != nil {
		t.Fatalf("FindSent = %+v, want nothing (buyer's, too old, different text, other files)", got)
	}
	if got := FindSent(msgs, req, "1", since, map[string]bool{"it": true}); got != nil {
		t.Fatalf("FindSent = %+v, want nothing: that copy is an earlier send", got)
	}
	withFiles := SendRequest{Text: "Hello there", Attachments: []string{"a.pdf"}}
	if got := FindSent(msgs, withFiles, "1", since, nil); got == nil || got.ID != "files" {
		t.Fatalf("FindSent = %+v, want the copy with the same file", got)
	}
	withFiles.Attachments = []string{"b.pdf"}
	if got := FindSent(msgs, withFiles, "1", since, nil); got != nil {
		t.Fatalf("FindSent = %+v, want nothing for another file", got)
	}
}
