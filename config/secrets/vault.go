// Package secrets keeps postsale's tokens and the accounts they belong to: in the system keyring
// when one answers, otherwise in files only the user can read (0600) under postsale's config
// directory, always written atomically because a lost refresh token means logging in again.
package secrets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/postsale/postsale/api/atomicfile"
	"github.com/postsale/postsale/config/plainname"
)

// Service is the keyring service name postsale's entries are filed under.
const Service = "postsale"

// ErrNotFound means no secret is stored under the key.
var ErrNotFound = errors.New("secret not found")

// errKeyringOff means the keyring is disabled or was given up on.
var errKeyringOff = errors.New("keyring not in use")

// Keyring is the part of a system keyring postsale uses (zalando/go-keyring's functions).
type Keyring interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

// SystemKeyring is the OS keyring through zalando/go-keyring (keyring.MockInit swaps it in tests).
type SystemKeyring struct{}

func (SystemKeyring) Set(service, user, password string) error {
	return keyring.Set(service, user, password)
}
func (SystemKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (SystemKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }

// keyringTimeout bounds a keyring call: a Secret Service that never answers (headless machine,
// locked collection waiting for a prompt) must not hang postsale.
const keyringTimeout = 5 * time.Second

// validKey: a secret's key is part of a file name and a keyring entry.
func validKey(key string) bool { return plainname.Valid(key, 128, "._-", false) }

// Vault stores named secrets in the keyring, or in files under dir when the keyring fails.
type Vault struct {
	dir     string
	keyring Keyring
	// beforeRename runs between writing a secret file and renaming it into place (tests).
	beforeRename func(tmp string) error

	mu          sync.Mutex
	unavailable error // why the keyring was given up on, once it failed
}

// Option configures a Vault.
type Option func(*Vault)

// WithKeyring sets the keyring; nil disables it (files only).
func WithKeyring(k Keyring) Option { return func(v *Vault) { v.keyring = k } }

// WithBeforeRename injects a hook between writing a file and renaming it (crash tests).
func WithBeforeRename(f func(tmp string) error) Option {
	return func(v *Vault) { v.beforeRename = f }
}

// New returns a Vault whose files live under dir/secrets (dir is postsale's config dir); it
// uses the system keyring unless an option says otherwise.
func New(dir string, opts ...Option) *Vault {
	v := &Vault{dir: filepath.Join(dir, "secrets"), keyring: SystemKeyring{}}
	for _, opt := range opts {
		opt(v)
	}
	return v
}

// Path is the file that holds key when the keyring is not used.
func (v *Vault) Path(key string) string { return filepath.Join(v.dir, key) }

// Where says where key is kept, for messages ("the system keyring" or the file's path).
func (v *Vault) Where(key string) string {
	if _, err := os.Stat(v.Path(key)); err == nil || v.ring() == nil {
		return v.Path(key)
	}
	return "the system keyring"
}

func checkKey(key string) error {
	if !validKey(key) {
		return fmt.Errorf("secret name %q must be letters, digits, '.', '_' or '-'", key)
	}
	return nil
}

// ring returns the keyring while it is still believed to work.
func (v *Vault) ring() Keyring {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.unavailable != nil {
		return nil
	}
	return v.keyring
}

// giveUp stops using the keyring for the rest of this Vault's life.
func (v *Vault) giveUp(err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.unavailable == nil {
		v.unavailable = err
	}
}

// callKeyring runs f with a timeout; a keyring that fails or hangs is given up on.
func (v *Vault) callKeyring(f func(Keyring) error) error {
	k := v.ring()
	if k == nil {
		return errKeyringOff
	}
	done := make(chan error, 1)
	go func() { done <- f(k) }()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, keyring.ErrNotFound) {
			v.giveUp(err)
		}
		return err
	case <-time.After(keyringTimeout):
		err := errors.New("the system keyring did not answer")
		v.giveUp(err)
		return err
	}
}

// Get returns the secret under key, or an error wrapping ErrNotFound. A file wins over the
// keyring: it exists only when a keyring write failed, so it is the newer copy.
func (v *Vault) Get(key string) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(v.Path(key))
	if err == nil {
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", v.Path(key), err)
	}
	var val string
	kerr := v.callKeyring(func(k Keyring) error {
		var err error
		val, err = k.Get(Service, key)
		return err
	})
	if kerr == nil {
		return []byte(val), nil
	}
	if !errors.Is(kerr, keyring.ErrNotFound) && !errors.Is(kerr, errKeyringOff) {
		return nil, fmt.Errorf("%s: %w (the system keyring failed: %v)", key, ErrNotFound, kerr)
	}
	return nil, fmt.Errorf("%s: %w", key, ErrNotFound)
}

// Set stores val under key: in the keyring when it accepts it (then any older file copy is
// removed), else atomically in a 0600 file.
func (v *Vault) Set(key string, val []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}
	kerr := v.callKeyring(func(k Keyring) error { return k.Set(Service, key, string(val)) })
	if kerr == nil {
		err := os.Remove(v.Path(key))
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		// A stale file would shadow the keyring: overwrite it with the new value instead.
	}
	return atomicfile.WriteFile(v.Path(key), val, 0o600, v.beforeRename)
}

// SetReserved is Set whose file, when one is written, goes into room taken earlier (see
// atomicfile.Reserve); room is given back when the keyring takes the value.
func (v *Vault) SetReserved(key string, val []byte, room *atomicfile.Reservation) error {
	if err := checkKey(key); err != nil {
		room.Abort()
		return err
	}
	kerr := v.callKeyring(func(k Keyring) error { return k.Set(Service, key, string(val)) })
	if kerr == nil {
		err := os.Remove(v.Path(key))
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			room.Abort()
			return nil
		}
	}
	if v.beforeRename != nil {
		if err := v.beforeRename(""); err != nil {
			room.Abort()
			return err
		}
	}
	if len(val) > tokenRoom {
		room.Abort()
		return atomicfile.WriteFile(v.Path(key), val, 0o600, v.beforeRename)
	}
	return room.Commit(val)
}

// Delete removes key from the keyring and the files; a missing key is not an error.
func (v *Vault) Delete(key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	kerr := v.callKeyring(func(k Keyring) error { return k.Delete(Service, key) })
	if err := os.Remove(v.Path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", v.Path(key), err)
	}
	if kerr != nil && !errors.Is(kerr, keyring.ErrNotFound) && v.ring() != nil {
		return fmt.Errorf("delete %s from the system keyring: %w", key, kerr)
	}
	return nil
}
