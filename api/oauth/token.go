package oauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Token is one Mercado Libre session: the access token, the single-use refresh token that
// replaces it, and when the access token expires.
type Token struct {
	Access  Secret
	Refresh Secret
	// Expiry is when Access stops working; zero means unknown (refreshed only on a 401).
	Expiry time.Time
	// Lifetime is the expires_in Mercado Libre gave; it sizes the refresh margin.
	Lifetime time.Duration
	UserID   string
	Scope    string
}

// maxMargin is how early a token is refreshed at most; short-lived tokens use a fifth of
// their lifetime so a 2-minute sandbox token is not refreshed on every request.
const maxMargin = 5 * time.Minute

// margin is how long before Expiry the token counts as expired.
func (t *Token) margin() time.Duration {
	if t.Lifetime > 0 && t.Lifetime/5 < maxMargin {
		return t.Lifetime / 5
	}
	return maxMargin
}

// Fresh reports whether Access can still be used at now without refreshing first.
func (t *Token) Fresh(now time.Time) bool {
	if t == nil || t.Access.IsZero() {
		return false
	}
	if t.Expiry.IsZero() {
		return true
	}
	return now.Before(t.Expiry.Add(-t.margin()))
}

// storedToken is the secret store's encoding: the only place the values are written out.
type storedToken struct {
	Version  int       `json:"version"`
	Access   string    `json:"access_token"`
	Refresh  string    `json:"refresh_token"`
	Expiry   time.Time `json:"expiry"`
	Lifetime int64     `json:"expires_in"`
	UserID   string    `json:"user_id,omitempty"`
	Scope    string    `json:"scope,omitempty"`
}

// EncodeToken serialises t for the secret store.
func EncodeToken(t *Token) ([]byte, error) {
	if t == nil || t.Refresh.IsZero() && t.Access.IsZero() {
		return nil, errors.New("encode token: empty token")
	}
	return json.Marshal(storedToken{
		Version:  1,
		Access:   t.Access.Reveal(),
		Refresh:  t.Refresh.Reveal(),
		Expiry:   t.Expiry.UTC(),
		Lifetime: int64(t.Lifetime / time.Second),
		UserID:   t.UserID,
		Scope:    t.Scope,
	})
}

// DecodeToken reads what EncodeToken wrote. Its errors never quote the input.
func DecodeToken(b []byte) (*Token, error) {
	var st storedToken
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, errors.New("decode token: the saved session is not valid JSON")
	}
	if st.Version != 1 {
		return nil, fmt.Errorf("decode token: unknown format version %d", st.Version)
	}
	if st.Access == "" && st.Refresh == "" {
		return nil, errors.New("decode token: the saved session is empty")
	}
	return &Token{
		Access:   Secret(st.Access),
		Refresh:  Secret(st.Refresh),
		Expiry:   st.Expiry,
		Lifetime: time.Duration(st.Lifetime) * time.Second,
		UserID:   st.UserID,
		Scope:    st.Scope,
	}, nil
}
