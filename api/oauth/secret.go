// Package oauth logs a seller in to Mercado Libre (authorization code with PKCE) and keeps the
// session alive: a TokenSource that refreshes the single-use refresh token once, saves the new
// pair before using it, and turns invalid_grant into api.ErrLoginRequired.
package oauth

import (
	"fmt"
	"log/slog"
)

// redacted is what a Secret shows wherever it could be printed.
const redacted = "[redacted]"

// Secret is a token or client secret. Every way of printing it (fmt verbs, %#v, JSON, slog)
// shows "[redacted]"; only Reveal gives the value, for the one header or form field that needs it.
type Secret string

// Reveal returns the secret itself. Call it only where the value leaves for Mercado Libre or
// the secret store.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

func (s Secret) String() string   { return redacted }
func (s Secret) GoString() string { return redacted }

// Format keeps every fmt verb (%s, %q, %x, %v, %+v) from reaching the value.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue redacts the secret in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON redacts the secret in --json output; the secret store uses its own encoding.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText redacts the secret for text encoders (TOML, YAML, map keys).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
