package logging

import (
	"context"
	"errors"
	"log/slog"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/transport"
)

// ErrorAttrs describes err for the log without anything a seller typed: the HTTP status, the
// API's code and request id for API answers, a kind for everything else. Message text never
// appears (validation errors, which can quote it, are named only by field).
func ErrorAttrs(err error) []any {
	if err == nil {
		return nil
	}
	var ve *api.ValidationError
	if errors.As(err, &ve) {
		return []any{"kind", "refused", "field", ve.Field}
	}
	var ae *api.Error
	if errors.As(err, &ae) {
		kind := "api"
		if ae.StatusCode == 429 {
			kind = "rate_limited"
		}
		attrs := []any{"kind", kind, "status", ae.StatusCode, "method", ae.Method, "path", ae.Path}
		if ae.Code != "" {
			attrs = append(attrs, "code", ae.Code)
		}
		if ae.RequestID != "" {
			attrs = append(attrs, "request_id", ae.RequestID)
		}
		return attrs
	}
	kind := "error"
	var ne *api.NetworkError
	var de *api.DecodeError
	switch {
	case errors.Is(err, transport.ErrAmbiguous):
		kind = "no_answer"
	case errors.Is(err, context.Canceled):
		kind = "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		kind = "timeout"
	case errors.As(err, &ne):
		kind = "network"
	case errors.As(err, &de):
		kind = "undecodable"
	case errors.Is(err, api.ErrLoginRequired), errors.Is(err, api.ErrNoToken):
		kind = "session"
	}
	return []any{"kind", kind, "err", err.Error()}
}

// LogFailure writes one Info line for a failed operation (a task, a command).
func LogFailure(l *slog.Logger, msg string, err error, attrs ...any) {
	if l == nil || err == nil {
		return
	}
	l.Info(msg, append(attrs, ErrorAttrs(err)...)...)
}
