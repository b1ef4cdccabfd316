package logging

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
)

// Redacted replaces every secret the handler finds.
const Redacted = "[REDACTED]"

// tokenPattern is a secret's shape inside free text and what replaces it.
type tokenPattern struct {
	re   *regexp.Regexp
	repl string
}

// tokenPatterns match secrets inside free text: HTTP headers, Mercado Libre token formats,
// query strings, JSON and form bodies. Compiled on first use, not at every start: most runs
// log nothing that may hold a secret (maySecret).
var tokenPatterns = sync.OnceValue(func() []tokenPattern {
	return []tokenPattern{
		{regexp.MustCompile(`(?i)\b(bearer)(\s+|%20|\+)[A-Za-z0-9._~+/=\-]{8,}`), "${1}${2}" + Redacted},
		{regexp.MustCompile(`\b(APP_USR|TG|TEST)-[A-Za-z0-9_\-]{6,}`), "${1}-" + Redacted},
		{regexp.MustCompile(`(?i)\b([A-Za-z_]*(?:token|secret|password|verifier))(\s*[:=]\s*)([^\s,}&"'\[\]][^\s,}&"'\]]*)`), "${1}${2}" + Redacted},
		{regexp.MustCompile(`\b(code)=[^&\s"']+`), "${1}=" + Redacted},
		{regexp.MustCompile(`(?i)"(access_token|refresh_token|id_token|client_secret|code_verifier|password|token)"\s*:\s*"[^"]*"`), `"${1}":"` + Redacted + `"`},
	}
})

// RedactString scrubs token-like substrings from s.
func RedactString(s string) string {
	if !maySecret(s) {
		return s // most log text: skip the regular expressions
	}
	for _, p := range tokenPatterns() {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	return s
}

// maySecret is a cheap test that s could match one of tokenPatterns.
func maySecret(s string) bool {
	if strings.Contains(s, "APP_USR-") || strings.Contains(s, "TG-") || strings.Contains(s, "TEST-") || strings.Contains(s, "code=") {
		return true
	}
	for _, word := range []string{"bearer", "token", "secret", "password", "verifier"} {
		if containsFold(s, word) {
			return true
		}
	}
	return false
}

// containsFold is strings.Contains ignoring ASCII case, without allocating; word is lower case.
func containsFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		j := 0
		for ; j < len(word); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != word[j] {
				break
			}
		}
		if j == len(word) {
			return true
		}
	}
	return false
}

// secretKey reports attribute names whose values are secrets whatever they look like.
func secretKey(key string) bool {
	k := strings.ToLower(key)
	for _, s := range []string{"token", "secret", "password", "authorization", "cookie", "verifier", "credential"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// RedactingHandler wraps a slog.Handler and scrubs the message and every attribute.
type RedactingHandler struct{ next slog.Handler }

// NewRedactingHandler wraps next.
func NewRedactingHandler(next slog.Handler) *RedactingHandler { return &RedactingHandler{next: next} }

// Enabled defers to the wrapped handler.
func (h *RedactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// Handle scrubs r and passes it on.
func (h *RedactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, RedactString(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs scrubs attributes bound to a derived logger.
func (h *RedactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = redactAttr(a)
	}
	return &RedactingHandler{next: h.next.WithAttrs(clean)}
}

// WithGroup defers to the wrapped handler.
func (h *RedactingHandler) WithGroup(name string) slog.Handler {
	return &RedactingHandler{next: h.next.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	if secretKey(a.Key) && v.Kind() != slog.KindGroup {
		return slog.String(a.Key, Redacted)
	}
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, RedactString(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = redactAttr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		// Errors, structs and stringers print through fmt: scrub that text.
		var text string
		if err, ok := v.Any().(error); ok {
			text = err.Error()
		} else {
			text = fmt.Sprintf("%+v", v.Any())
		}
		if clean := RedactString(text); clean != text {
			return slog.String(a.Key, clean)
		}
		return slog.Attr{Key: a.Key, Value: v}
	default:
		return slog.Attr{Key: a.Key, Value: v}
	}
}
