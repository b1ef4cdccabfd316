package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"golang.org/x/oauth2"

	"github.com/postsale/postsale/api"
)

// ErrStateMismatch means the redirect did not come from the login this program started.
var ErrStateMismatch = errors.New("the pasted address belongs to another login attempt (its state does not match): run `postsale login` again and paste the newest address")

// LoginError is a login step that failed for a reason the seller can act on; Reason is the
// sentence to show.
type LoginError struct {
	Reason string
	Err    error
}

func (e *LoginError) Error() string {
	if e.Err == nil {
		return e.Reason
	}
	return e.Reason + " (" + e.Err.Error() + ")"
}

// Unwrap exposes the cause (an *api.Error, ErrStateMismatch, ...).
func (e *LoginError) Unwrap() error { return e.Err }

// tokenError turns a failure of the token endpoint into package api's errors; it never wraps
// oauth2's own error, whose text could carry the response body.
func tokenError(tokenURL string, err error) error {
	path := tokenURL
	if u, perr := url.Parse(tokenURL); perr == nil {
		path = u.Path
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		e := api.ParseError(status, re.Body)
		e.Method, e.Path = http.MethodPost, path
		if e.Code == "" {
			e.Code = re.ErrorCode
		}
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &api.NetworkError{Method: http.MethodPost, Path: path, Err: ue.Err}
	}
	return &api.DecodeError{Method: http.MethodPost, Path: path, Err: errors.New("the token answer could not be read")}
}

// isInvalidGrant reports whether Mercado Libre refused the code or refresh token itself.
func isInvalidGrant(err error) bool {
	var e *api.Error
	return errors.As(err, &e) && e.Code == "invalid_grant"
}

// loginRequired marks err as needing a new login, keeping the API's answer for the log.
func loginRequired(err error) error {
	return fmt.Errorf("%w: %w", api.ErrLoginRequired, err)
}
