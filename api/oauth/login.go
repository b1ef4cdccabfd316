package oauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Login is one authorization attempt: its own random state and PKCE verifier.
type Login struct {
	app      App
	cfg      *oauth2.Config
	state    string
	verifier string
	now      func() time.Time
}

// Begin starts a login for app with a fresh state and PKCE verifier.
func (a App) Begin() (*Login, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	if cfg.Endpoint.AuthURL == "" {
		return nil, fmt.Errorf("choose the site to log in to (--site): one of %s", strings.Join(Sites(), ", "))
	}
	if strings.TrimSpace(a.RedirectURL) == "" {
		return nil, errors.New("the app's redirect URI is missing: set redirect_uri in the config or pass --redirect-uri (it must equal the one registered for the app)")
	}
	return &Login{app: a, cfg: cfg, state: rand.Text(), verifier: oauth2.GenerateVerifier(), now: time.Now}, nil
}

// URL is the authorization page the seller opens: it carries the state and the S256 challenge.
func (l *Login) URL() string {
	return l.cfg.AuthCodeURL(l.state, oauth2.S256ChallengeOption(l.verifier))
}

// ParseCallback accepts what the seller pasted: the bare code or the whole redirected address,
// whose state must be this login's.
func (l *Login) ParseCallback(input string) (string, error) {
	s := strings.Trim(strings.TrimSpace(input), `"'<>`)
	if s == "" {
		return "", &LoginError{Reason: "nothing was pasted: paste the code or the whole address the browser was sent to"}
	}
	if !strings.Contains(s, "://") && !strings.Contains(s, "=") {
		if strings.ContainsAny(s, " \t/?#&") || !strconv.CanBackquote(s) {
			return "", &LoginError{Reason: "that does not look like an authorization code: paste the code (TG-...) or the whole address"}
		}
		return s, nil
	}
	q, err := callbackQuery(s)
	if err != nil {
		return "", err
	}
	return l.codeFrom(q)
}

// callbackQuery reads the query of a pasted address (or of a pasted bare query string).
func callbackQuery(s string) (url.Values, error) {
	raw := s
	if i := strings.IndexByte(s, '?'); i >= 0 {
		raw = s[i+1:]
	} else if strings.Contains(s, "://") {
		return nil, &LoginError{Reason: "the pasted address has no code in it: paste the address the browser shows after you authorize"}
	}
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw = raw[:i]
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, &LoginError{Reason: "the pasted address is not readable: paste it again exactly as the browser shows it"}
	}
	return q, nil
}

// codeFrom checks the redirect's state and returns its code; a refusal becomes a sentence.
// The state is checked first, so a forged error redirect cannot end the login either.
func (l *Login) codeFrom(q url.Values) (string, error) {
	state := q.Get("state")
	if state == "" {
		return "", &LoginError{Reason: "the pasted address has no state, so postsale cannot tell it comes from this login: paste the whole address", Err: ErrStateMismatch}
	}
	if subtle.ConstantTimeCompare([]byte(state), []byte(l.state)) != 1 {
		return "", ErrStateMismatch
	}
	if e := q.Get("error"); e != "" {
		reason := "Mercado Libre did not authorize postsale (" + e
		if d := q.Get("error_description"); d != "" {
			reason += ": " + d
		}
		return "", &LoginError{Reason: reason + "); only the account's administrator can authorize it"}
	}
	code := q.Get("code")
	if code == "" {
		return "", &LoginError{Reason: "the pasted address has no code in it: paste the address the browser shows after you authorize"}
	}
	return code, nil
}

// Exchange trades the code for the first token pair, proving the verifier.
func (l *Login) Exchange(ctx context.Context, code string) (*Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, l.app.httpClient())
	t, err := l.cfg.Exchange(ctx, code, oauth2.VerifierOption(l.verifier))
	if err != nil {
		err = tokenError(l.cfg.Endpoint.TokenURL, err)
		if isInvalidGrant(err) {
			return nil, &LoginError{Reason: "Mercado Libre refused the authorization code (it works once, expires within minutes and must come from this login): run `postsale login` again", Err: err}
		}
		return nil, fmt.Errorf("exchange the authorization code: %w", err)
	}
	return fromOAuth2(t, l.now(), nil), nil
}

// fromOAuth2 converts oauth2's token, timing the expiry with our clock; prev supplies the
// refresh token when an answer omits it.
func fromOAuth2(t *oauth2.Token, now time.Time, prev *Token) *Token {
	out := &Token{
		Access:  Secret(t.AccessToken),
		Refresh: Secret(t.RefreshToken),
		Expiry:  t.Expiry,
	}
	if t.ExpiresIn > 0 {
		out.Lifetime = time.Duration(t.ExpiresIn) * time.Second
		out.Expiry = now.Add(out.Lifetime)
	}
	out.UserID = extraString(t.Extra("user_id"))
	out.Scope = extraString(t.Extra("scope"))
	if prev != nil {
		if out.Refresh.IsZero() {
			out.Refresh = prev.Refresh
		}
		if out.UserID == "" {
			out.UserID = prev.UserID
		}
	}
	return out
}

// extraString reads a field Mercado Libre sends as a number or a string.
func extraString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return ""
	default:
		return fmt.Sprint(x)
	}
}
