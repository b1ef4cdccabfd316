package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/postsale/postsale/api/transport"
)

// Sentinels that *Error matches with errors.Is, by HTTP status.
var (
	ErrRateLimited  = errors.New("rate limited")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrNotFound     = errors.New("not found")
)

// Error is every non-2xx answer of the API, whatever shape its body had.
type Error struct {
	StatusCode int    // HTTP status
	Code       string // "bad_request", "forbidden", "invalid_grant", ...
	Message    string // the API's message or error_description
	Causes     []string
	RequestID  string
	Method     string
	Path       string // never includes the query
	Body       string // a snippet of a body that was not JSON
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Method != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	}
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	} else if e.Body != "" {
		fmt.Fprintf(&b, ": %s", e.Body)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request %s)", e.RequestID)
	}
	return b.String()
}

// Is matches the sentinels by status, so callers write errors.Is(err, api.ErrRateLimited).
func (e *Error) Is(target error) bool {
	switch target {
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	}
	return false
}

// Temporary reports whether the same request may succeed later (5xx, 429).
func (e *Error) Temporary() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// RateLimitError is the 429 answer: the 500 requests per minute are used up.
type RateLimitError struct{ Err *Error }

// Unwrap exposes the underlying *Error.
func (e *RateLimitError) Unwrap() error { return e.Err }

func (e *RateLimitError) Error() string { return "rate limited: " + e.Err.Error() }

// NetworkError is a request that got no HTTP answer (unreachable host, reset, timeout).
type NetworkError struct {
	Method, Path string
	Err          error
}

func (e *NetworkError) Error() string { return fmt.Sprintf("%s %s: %v", e.Method, e.Path, e.Err) }

// Unwrap exposes the transport error.
func (e *NetworkError) Unwrap() error { return e.Err }

// DecodeError is a 2xx answer whose body could not be decoded.
type DecodeError struct {
	Method, Path string
	Err          error
	Body         string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s %s: unexpected answer: %v", e.Method, e.Path, e.Err)
}

// Unwrap exposes the JSON error.
func (e *DecodeError) Unwrap() error { return e.Err }

// errorBody is the union of every error body shape the API is known to send.
type errorBody struct {
	Message          string          `json:"message"`
	Error            *string         `json:"error"`
	ErrorDescription string          `json:"error_description"`
	Status           json.RawMessage `json:"status"`
	StatusCode       json.RawMessage `json:"status_code"`
	Code             json.RawMessage `json:"code"`
	Cause            json.RawMessage `json:"cause"`
}

// decodeError turns a non-2xx response into *Error (or *RateLimitError for 429).
func decodeError(req *http.Request, resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	e := ParseError(resp.StatusCode, body)
	e.Method = req.Method
	e.Path = req.URL.Path
	e.RequestID = firstHeader(resp.Header, "X-Request-Id", "X-Request-ID", "x-request-id")
	if e.StatusCode == http.StatusTooManyRequests {
		return &RateLimitError{Err: e}
	}
	return e
}

// ParseError decodes an error body of any known shape; status is the HTTP status.
func ParseError(status int, body []byte) *Error {
	e := &Error{StatusCode: status}
	trimmed := bytes.TrimSpace(body)
	var eb errorBody
	if len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &eb) != nil {
		e.Body = snippet(trimmed)
		return e
	}
	e.Message = eb.Message
	if e.Message == "" {
		e.Message = eb.ErrorDescription
	}
	if eb.Error != nil {
		e.Code = *eb.Error
	}
	if code := rawString(eb.Code); code != "" {
		if e.Code == "" {
			e.Code = code
		}
	}
	e.Causes = decodeCauses(eb.Cause)
	return e
}

// rawString returns a JSON string or number as text.
func rawString(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// decodeCauses accepts [], ["..."], [{"code":..,"message":..}], "..." or an object.
func decodeCauses(raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var list []json.RawMessage
	if raw[0] != '[' {
		list = []json.RawMessage{raw}
	} else if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	var out []string
	for _, item := range list {
		if s := rawString(item); s != "" {
			out = append(out, s)
			continue
		}
		var obj struct {
			Code        json.RawMessage `json:"code"`
			Message     string          `json:"message"`
			Description string          `json:"description"`
		}
		if json.Unmarshal(item, &obj) == nil {
			switch {
			case obj.Message != "":
				out = append(out, obj.Message)
			case obj.Description != "":
				out = append(out, obj.Description)
			case rawString(obj.Code) != "":
				out = append(out, rawString(obj.Code))
			}
		}
	}
	return out
}

func firstHeader(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// Explain turns any error from this package into one sentence that tells the seller what happened
// and what to do. It never includes a token; it may quote the API's message, so sanitise it
// before drawing it.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Sentence()
	}
	if errors.Is(err, ErrLoginRequired) {
		return "Your Mercado Libre session has ended: log in again with `postsale login`."
	}
	if errors.Is(err, ErrNoToken) {
		return "No access token: log in with `postsale login` or set MELI_ACCESS_TOKEN."
	}
	if errors.Is(err, context.Canceled) {
		return "Cancelled."
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "Mercado Libre did not answer in time; check your connection and try again."
	}
	var re *transport.RedirectError
	if errors.As(err, &re) {
		if re.Method != http.MethodGet && re.Method != http.MethodHead {
			return fmt.Sprintf("The server answered %s with a redirect, which postsale never follows for a send or an upload: nothing was confirmed; check the conversation before trying again, and check MELI_API_URL.", re.Path)
		}
		return "The server redirected a request to another address (" + re.To + "), which postsale does not follow: check MELI_API_URL."
	}
	var ue *UnconfirmedSendError
	if errors.As(err, &ue) {
		if se := (*Error)(nil); errors.As(ue.Err, &se) {
			return fmt.Sprintf("Mercado Libre had a problem (%d) while taking the send and may have stored it: check the conversation before sending again.", se.StatusCode)
		}
		return "Mercado Libre's answer to the send is not the message just sent, so it is not confirmed: check the conversation before sending again."
	}
	var ne *NetworkError
	if errors.As(err, &ne) {
		return "Cannot reach Mercado Libre (" + ne.Err.Error() + "); check your connection or MELI_API_URL and try again."
	}
	var tl *tooLarge
	if errors.As(err, &tl) {
		return "Mercado Libre sent an answer larger than postsale accepts (" + tl.why + "), so it was not read: try again later, and report it if it persists."
	}
	var de *DecodeError
	if errors.As(err, &de) {
		return "Mercado Libre sent an answer postsale does not understand; try again, and report it if it persists."
	}
	var e *Error
	if errors.As(err, &e) {
		return explainAPIError(e)
	}
	return err.Error()
}

// explainAPIError maps each row of the seed's error table (and the statuses around it) to a
// sentence. Matching is on the message text the API sends, lower-cased.
func explainAPIError(e *Error) string {
	msg := strings.ToLower(e.Message + " " + strings.Join(e.Causes, " "))
	has := func(s string) bool { return strings.Contains(msg, s) }
	switch {
	case e.StatusCode == http.StatusTooManyRequests:
		return "Mercado Libre's rate limit (500 requests a minute) is used up: wait a minute, then try again."
	case e.Code == "invalid_operator_user_id" || has("invalid_operator_user_id"):
		return "Only the account's administrator can authorize postsale: log in with the administrator's Mercado Libre account, not an operator's."
	case e.Code == "invalid_grant":
		return "Your Mercado Libre session has ended: log in again with `postsale login`."
	case has("access token is required"):
		return "No access token was sent: log in with `postsale login` or set MELI_ACCESS_TOKEN."
	case e.StatusCode == http.StatusUnauthorized || has("invalid access token") || has("invalid_token"):
		return "Your access token is invalid or expired: log in again with `postsale login`."
	case has("attachment empty or null") || has("attached is empty"):
		return "The attachment is empty: choose a valid, non-empty file."
	case has("file name cannot include"):
		return `The file name contains "/" or "\": rename the file and attach it again.`
	case has("file size exceeds") || has("bigger than 25"):
		return "The file is larger than 25 MB: reduce it or split it, then attach it again."
	case has("original_filename exceeded"):
		return "The file's name is longer than 200 characters: rename the file and attach it again."
	case has("allowed number of attachments"):
		return "A message can carry at most 25 attachments: remove some and send again."
	case has("not allowed to execute the option"):
		return "You have already used this option the maximum number of times for this order."
	case has("not allowed to use") || has("messaging service"):
		return "Mercado Libre does not allow this account to use post-sale messages: check the account's standing with Mercado Libre; postsale cannot read or answer its messages."
	case has("locking this operation") || e.StatusCode == http.StatusConflict:
		return "Another request is already sending a contact reason for this order: wait a moment and try again."
	case e.Code == "limit_exceeded" || has("limit_exceeded"):
		return "The text is longer than this contact reason allows: shorten it and send again."
	case has("one message at a time"):
		return "Mercado Libre's assistant takes one message at a time: wait for its answer before writing again."
	case has("to_user_id") && has("does not belong"):
		return "Mercado Libre's assistant does not handle this conversation: write to the buyer instead."
	case has("receiver does not belong") || has("invalid 'to' user id"):
		return "The recipient does not belong to this order: reload the conversation and reply from it."
	case has("'to.user_id' is required") || has("'from.user_id' is required"):
		return "Mercado Libre needs to know who writes to whom: reload the conversation and send again."
	case has("sender and received must not be equals"):
		return "A message cannot be addressed to yourself: reload the conversation and reply from it."
	case has("mediation is in process"):
		return "A mediation is in process: you cannot send messages until it ends."
	case has("has not been yet delivered") || has("not been delivered"):
		return "Full sale not delivered yet: messaging opens once the package is delivered."
	case has("blocked_by_excepted_case"):
		return "Mercado Libre does not offer contact reasons for this order."
	case has("delivery date is before"):
		return "The delivery date is in the past: choose a later date."
	case has("invalid option"):
		return "Mercado Libre does not offer that contact reason for this order: reload the reasons and choose another."
	case has("invalid template_id"):
		return "That template is not offered for this contact reason: reload the reasons and choose another."
	case has("the var ") && (has("must be a number") || has("is required")):
		return "A value of the template is missing or is not a whole number: fill every field (numbers without decimals) and send again."
	case has("can not send messages in this conversation now"):
		return "Mercado Libre does not let you write in this conversation now (its message limit is 0)."
	case has("queryparam 'site_id' is required"):
		return "The site id is missing: pass --site (MLA, MLB, MLM, …) or set MELI_SITE_ID."
	case has("messages id empty or invalid"):
		return "The message id is empty or invalid: check it and try again."
	case has("does not exists") || has("does not exist"):
		return "That message id does not exist: check the id and try again."
	case has("multiple orders"):
		return "Those messages belong to different orders: act on one order at a time."
	case has("exceeds the maximum length"):
		if n := firstNumber(msg); n > 0 {
			return fmt.Sprintf("The text is longer than Mercado Libre accepts in this conversation (%d characters): shorten it.", n)
		}
		return fmt.Sprintf("The text is longer than Mercado Libre accepts (%d characters): shorten it.", MaxTextLength)
	case has("limit param must be greater than 0"):
		return "The page size must be greater than 0."
	case has("invalid offset or limit"):
		return "The page offset or size is invalid: use a non-negative offset and a positive size."
	case has("mime") || has("file type"):
		return "That file type is not accepted: send JPG, PNG, HEIC, PDF, TXT, XML, DOC or XLS."
	case has("text has character"), has("not supported"):
		return "The text has characters Mercado Libre does not accept: use Latin letters, accents and common emoji only."
	case has("attachment key is invalid"):
		return "An attachment expired or is unknown (uploads last 48 hours): attach the file again."
	case has("blocked_conversation") || has("blocked conversation"):
		return "This conversation is blocked: Mercado Libre does not allow sending messages in it."
	case e.StatusCode == http.StatusForbidden && has("token"):
		return "Your access token is not valid for this pack: check you are logged in with the seller account that made the sale."
	case e.StatusCode == http.StatusForbidden && isSend(e):
		// What a 403 on a send usually means, when its words say nothing.
		return "Mercado Libre did not take the message (403): usually you already answered and must wait for the buyer to write, or a limit of this conversation is used."
	case e.StatusCode == http.StatusForbidden:
		return "Mercado Libre refused access (403): check you are logged in with the seller account that made the sale (Global Selling sellers of model 6 cannot use messages at all)."
	case e.StatusCode == http.StatusNotFound && has("could not be retrieved"):
		return "The message was not found: check its id; if it was sent just now, wait a few seconds and try again."
	case e.StatusCode == http.StatusNotFound:
		return "Not found: check the pack, message or attachment id."
	case has("can not be accessed") || has("could not be obtained"):
		return "The file cannot be downloaded right now: try again later."
	case has("can not be saved"):
		return "Mercado Libre could not save the file: try the upload again later."
	case e.StatusCode >= 500:
		return fmt.Sprintf("Mercado Libre had a problem (%d): try again in a moment.", e.StatusCode)
	case e.Message != "":
		return fmt.Sprintf("Mercado Libre refused the request (%d): %s.", e.StatusCode, strings.TrimRight(e.Message, "."))
	default:
		return fmt.Sprintf("Mercado Libre refused the request (%d).", e.StatusCode)
	}
}

// isSend reports an answer to a message's send (either flavour) or a contact reason's.
func isSend(e *Error) bool {
	return e.Method == http.MethodPost && !strings.Contains(e.Path, "/attachments") &&
		(strings.Contains(e.Path, "/messages/packs/") || strings.HasSuffix(e.Path, "/option"))
}

// firstNumber returns the first decimal number in s, 0 when none.
func firstNumber(s string) int {
	n, in := 0, false
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n, in = n*10+int(r-'0'), true
			if n > 1<<20 {
				return 0
			}
			continue
		}
		if in {
			return n
		}
	}
	return n
}
