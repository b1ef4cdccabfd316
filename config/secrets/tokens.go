package secrets

import (
	"context"
	"errors"
	"fmt"

	"github.com/postsale/postsale/api/atomicfile"
	"github.com/postsale/postsale/api/filelock"
	"github.com/postsale/postsale/api/oauth"
)

// tokenKey and clientSecretKey name an account's entries in the Vault.
func tokenKey(account string) string        { return account + ".token" }
func clientSecretKey(account string) string { return account + ".client-secret" }

// TokenStore is one account's token pair in a Vault; it implements oauth.Store.
type TokenStore struct {
	Vault   *Vault
	Account string
}

var (
	_ oauth.Store    = TokenStore{}
	_ oauth.Locker   = TokenStore{}
	_ oauth.Reserver = TokenStore{}
)

// tokenRoom is the room reserved for a token pair: an encoded pair is well under 2 KB.
const tokenRoom = 8 << 10

// Reserve takes the room for the next saved pair in the vault's folder before a refresh spends
// the single-use refresh token: on a full disk it fails here, and the current session is kept.
func (s TokenStore) Reserve(context.Context) (oauth.Reservation, error) {
	if err := ValidName(s.Account); err != nil {
		return nil, err
	}
	r, err := atomicfile.Reserve(s.Vault.Path(tokenKey(s.Account)), tokenRoom, 0o600)
	if err != nil {
		return nil, err
	}
	return &tokenReservation{store: s, room: r}, nil
}

type tokenReservation struct {
	store TokenStore
	room  *atomicfile.Reservation
}

// Commit saves the pair: to the system keyring when there is one (the room is given back), or
// into the reserved file.
func (r *tokenReservation) Commit(_ context.Context, t *oauth.Token) error {
	b, err := oauth.EncodeToken(t)
	if err != nil {
		return err
	}
	if err := r.store.Vault.SetReserved(tokenKey(r.store.Account), b, r.room); err != nil {
		return fmt.Errorf("save the session of %s: %w", r.store.Account, err)
	}
	return nil
}

func (r *tokenReservation) Abort() { r.room.Abort() }

// Lock holds the account's refresh lock across processes (the inbox and a CLI command may both
// find the token expiring): the refresh token is single-use, so only one may spend it.
func (s TokenStore) Lock(ctx context.Context) (func(), error) {
	if err := ValidName(s.Account); err != nil {
		return nil, err
	}
	return filelock.Lock(ctx, s.Vault.Path(s.Account+".lock"))
}

// Load returns the saved pair, or an error wrapping oauth.ErrNoSession.
func (s TokenStore) Load(context.Context) (*oauth.Token, error) {
	if err := ValidName(s.Account); err != nil {
		return nil, err
	}
	b, err := s.Vault.Get(tokenKey(s.Account))
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("account %s: %w: %w", s.Account, oauth.ErrNoSession, err)
	}
	if err != nil {
		return nil, err
	}
	t, err := oauth.DecodeToken(b)
	if err != nil {
		return nil, fmt.Errorf("account %s: %w", s.Account, err)
	}
	return t, nil
}

// Save replaces the saved pair atomically.
func (s TokenStore) Save(_ context.Context, t *oauth.Token) error {
	if err := ValidName(s.Account); err != nil {
		return err
	}
	b, err := oauth.EncodeToken(t)
	if err != nil {
		return err
	}
	if err := s.Vault.Set(tokenKey(s.Account), b); err != nil {
		return fmt.Errorf("save the session of %s: %w", s.Account, err)
	}
	return nil
}

// SaveClientSecret keeps the app's client secret with the account, so refreshing works for
// months without it in the config file.
func (v *Vault) SaveClientSecret(account string, secret oauth.Secret) error {
	if err := ValidName(account); err != nil {
		return err
	}
	return v.Set(clientSecretKey(account), []byte(secret.Reveal()))
}

// ClientSecret returns the client secret saved with the account.
func (v *Vault) ClientSecret(account string) (oauth.Secret, error) {
	if err := ValidName(account); err != nil {
		return "", err
	}
	b, err := v.Get(clientSecretKey(account))
	if err != nil {
		return "", err
	}
	return oauth.Secret(b), nil
}

// Forget deletes everything the Vault holds for the account.
func (v *Vault) Forget(account string) error {
	if err := ValidName(account); err != nil {
		return err
	}
	return errors.Join(v.Delete(tokenKey(account)), v.Delete(clientSecretKey(account)))
}
