package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/postsale/postsale/api/atomicfile"
	"github.com/postsale/postsale/config/plainname"
)

// Account is one logged-in seller: who they are and which app logged them in. Its secrets (token
// pair, client secret) live in the Vault, never here.
type Account struct {
	Name        string `json:"name"`
	UserID      string `json:"user_id"`
	Nickname    string `json:"nickname"`
	Site        string `json:"site"`
	ClientID    string `json:"client_id"`
	RedirectURL string `json:"redirect_uri,omitempty"`
	// TokenURL and APIURL are set when the account lives somewhere other than Mercado Libre
	// (the sandbox), so refreshing and requests go to the same place it logged in to.
	TokenURL string `json:"token_url,omitempty"`
	APIURL   string `json:"api_url,omitempty"`
}

// Registry is the list of accounts and which one postsale uses by default.
type Registry struct {
	Default  string    `json:"default"`
	Accounts []Account `json:"accounts"`
}

// ErrNoAccount means the registry has no account of that name (or none at all).
var ErrNoAccount = errors.New("no such account")

// ValidName checks an account name: it becomes part of file and keyring entry names.
func ValidName(name string) error {
	if !plainname.Valid(name, 64, "._-", false) {
		return fmt.Errorf("account name %q must start with a letter or digit and use only letters, digits, '.', '_' or '-' (at most 64)", name)
	}
	return nil
}

// NameFor turns a nickname into an account name ("JUAN PEREZ" -> "juan-perez").
func NameFor(nickname string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(nickname) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	name := strings.TrimLeft(b.String(), "._-")
	if len(name) > 64 {
		name = name[:64]
	}
	if name == "" {
		return "default"
	}
	return name
}

// RegistryPath is where the registry lives under postsale's config dir.
func RegistryPath(dir string) string { return filepath.Join(dir, "accounts.json") }

// LoadRegistry reads the registry under dir; a missing file is an empty registry.
func LoadRegistry(dir string) (*Registry, error) {
	path := RegistryPath(dir)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Registry{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var r Registry
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON (%v): fix or delete it and log in again", path, err)
	}
	return &r, nil
}

// Save writes the registry under dir atomically, readable by the user only.
func (r *Registry) Save(dir string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode accounts: %w", err)
	}
	return atomicfile.WriteFile(RegistryPath(dir), append(b, '\n'), 0o600, nil)
}

// Find returns the account called name.
func (r *Registry) Find(name string) (*Account, bool) {
	for i := range r.Accounts {
		if r.Accounts[i].Name == name {
			return &r.Accounts[i], true
		}
	}
	return nil, false
}

// Put adds or replaces the account with a's name; the first account becomes the default.
func (r *Registry) Put(a Account) {
	if cur, ok := r.Find(a.Name); ok {
		*cur = a
	} else {
		r.Accounts = append(r.Accounts, a)
		sort.Slice(r.Accounts, func(i, j int) bool { return r.Accounts[i].Name < r.Accounts[j].Name })
	}
	if r.Default == "" {
		r.Default = a.Name
	}
}

// Remove deletes the account called name; when it was the default, the first remaining one
// becomes the default.
func (r *Registry) Remove(name string) bool {
	for i := range r.Accounts {
		if r.Accounts[i].Name == name {
			r.Accounts = append(r.Accounts[:i], r.Accounts[i+1:]...)
			if r.Default == name {
				r.Default = ""
				if len(r.Accounts) > 0 {
					r.Default = r.Accounts[0].Name
				}
			}
			return true
		}
	}
	return false
}

// Resolve returns the account called name, or the default when name is empty.
func (r *Registry) Resolve(name string) (*Account, error) {
	if name == "" {
		name = r.Default
	}
	if name == "" {
		return nil, fmt.Errorf("%w: no account is logged in; run `postsale login`", ErrNoAccount)
	}
	a, ok := r.Find(name)
	if !ok {
		names := make([]string, 0, len(r.Accounts))
		for _, a := range r.Accounts {
			names = append(names, a.Name)
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("%w: no account %q; run `postsale login --account %s`", ErrNoAccount, name, name)
		}
		return nil, fmt.Errorf("%w: no account %q (known: %s); run `postsale login --account %s`", ErrNoAccount, name, strings.Join(names, ", "), name)
	}
	return a, nil
}
