package api

import (
	"context"
	"errors"
)

// ErrLoginRequired means the saved session can no longer be refreshed (Mercado Libre answered
// invalid_grant): only a new `postsale login` helps.
var ErrLoginRequired = errors.New("login required")

// Refresher is a TokenSource that can replace a token the API rejected. Client retries a request
// once after a 401 when its TokenSource implements it.
type Refresher interface {
	TokenSource
	// Refresh returns a token newer than rejected; when another caller already replaced
	// rejected it returns that newer token without a second refresh.
	Refresh(ctx context.Context, rejected string) (string, error)
}
