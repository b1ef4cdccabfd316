package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/postsale/postsale/api/transport"
)

// answerSkew is how far the server's clock may lag ours when a send's answer is dated.
const answerSkew = 2 * time.Minute

// UnconfirmedSendError is a send whose answer is not the message just created (another text,
// other attachments, an older date, another sender, or no message at all). The server may or may
// not have stored the message, so it matches transport.ErrAmbiguous: callers read the
// conversation back before saying anything, as after a lost answer.
type UnconfirmedSendError struct {
	Method, Path string
	Reason       string
	Err          error // the 5xx answer, or the 2xx one that could not be read, when that is why
}

// unreadSendAnswer turns a 2xx answer to a send whose body could not be read (empty, not JSON,
// another shape, too large) into an UnconfirmedSendError: Mercado Libre took the message and
// most likely stored it, so it is read back rather than sent again.
func unreadSendAnswer(err error, path string) error {
	var de *DecodeError
	if errors.As(err, &de) {
		return &UnconfirmedSendError{Method: http.MethodPost, Path: path, Reason: "its body could not be read", Err: err}
	}
	return err
}

// Unwrap exposes the 5xx answer, if any.
func (e *UnconfirmedSendError) Unwrap() error { return e.Err }

func (e *UnconfirmedSendError) Error() string {
	return e.Method + " " + e.Path + ": the answer is not the message just sent (" + e.Reason + ")"
}

// Is makes errors.Is(err, transport.ErrAmbiguous) true.
func (e *UnconfirmedSendError) Is(target error) bool { return target == transport.ErrAmbiguous }

// CheckSendAnswer reports why got is not req as just sent by seller (empty: any sender, but
// one must be named) at or after since (zero: not checked; the client has no clock of its own,
// callers that know when they sent pass it), or nil when it is.
func CheckSendAnswer(got *Message, req SendRequest, seller string, since time.Time) error {
	problem := func(why string) error { return &UnconfirmedSendError{Method: "POST", Reason: why} }
	switch {
	case got == nil || got.ID == "":
		return problem("it names no message")
	case strings.TrimSpace(got.Text) != strings.TrimSpace(req.Text):
		return problem("its text differs")
	case !sameAttachmentIDs(got.Attachments, req.Attachments):
		return problem("its attachments differ")
	case got.From.UserID == "":
		return problem("it names no sender")
	case seller != "" && string(got.From.UserID) != seller:
		return problem("it is from someone else")
	}
	if d := got.Date(); !since.IsZero() && !d.IsZero() && d.Before(since.Add(-answerSkew)) {
		return problem("it is older than the send")
	}
	return nil
}

// sameAttachmentIDs reports whether the message carries exactly the uploaded files ids names.
func sameAttachmentIDs(got []Attachment, ids []string) bool {
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
