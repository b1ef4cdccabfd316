package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Env looks up an environment variable; os.LookupEnv in production, a map in tests.
type Env func(key string) (string, bool)

// get returns the non-empty value of key, or "".
func (e Env) get(key string) string {
	if e == nil {
		e = os.LookupEnv
	}
	v, _ := e(key)
	return strings.TrimSpace(v)
}

// home is $HOME from env, falling back to the OS's idea of it.
func home(env Env) (string, error) {
	if h := env.get("HOME"); h != "" {
		return h, nil
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("config: cannot find your home directory: %w", err)
	}
	return h, nil
}

// xdg returns $name when it is an absolute path (the XDG spec ignores relative ones), else
// $HOME/fallback.
func xdg(env Env, name, fallback string) (string, error) {
	if d := env.get(name); filepath.IsAbs(d) {
		return d, nil
	}
	h, err := home(env)
	if err != nil {
		return "", err
	}
	return filepath.Join(h, fallback), nil
}

// ConfigDir is where config.toml lives: $XDG_CONFIG_HOME/postsale, else os.UserConfigDir.
func ConfigDir(env Env) (string, error) {
	if d := env.get("XDG_CONFIG_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "postsale"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("config: cannot find your config directory: %w", err)
	}
	return filepath.Join(d, "postsale"), nil
}

// StateDir holds what postsale keeps between runs (tokens, drafts): $XDG_STATE_HOME/postsale or
// ~/.local/state/postsale.
func StateDir(env Env) (string, error) {
	d, err := xdg(env, "XDG_STATE_HOME", filepath.Join(".local", "state"))
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "postsale"), nil
}

// CacheDir holds what can be thrown away: $XDG_CACHE_HOME/postsale, else os.UserCacheDir.
func CacheDir(env Env) (string, error) {
	if d := env.get("XDG_CACHE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "postsale"), nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("config: cannot find your cache directory: %w", err)
	}
	return filepath.Join(d, "postsale"), nil
}

// DefaultFile is the config file's path: ConfigDir/config.toml.
func DefaultFile(env Env) (string, error) {
	d, err := ConfigDir(env)
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "config.toml"), nil
}

// defaultDownloadsDir is ~/Downloads, where browsers put files too.
func defaultDownloadsDir(env Env) string {
	if d := env.get("XDG_DOWNLOAD_DIR"); filepath.IsAbs(d) {
		return d
	}
	h, err := home(env)
	if err != nil {
		return "."
	}
	return filepath.Join(h, "Downloads")
}

// expandHome turns a leading "~/" into the home directory.
func expandHome(env Env, p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p
	}
	h, err := home(env)
	if err != nil {
		return p
	}
	return filepath.Join(h, strings.TrimPrefix(p[1:], "/"))
}

// DataDir holds the seller's history, which is not a throwaway cache: $XDG_DATA_HOME/postsale or
// ~/.local/share/postsale.
func DataDir(env Env) (string, error) {
	d, err := xdg(env, "XDG_DATA_HOME", filepath.Join(".local", "share"))
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "postsale"), nil
}

// DefaultStoreAccount names the store used without a logged-in account (a token from the
// environment).
const DefaultStoreAccount = "default"

// StorePath is the local store of an account: DataDir/<account>/store.db. An empty account is
// DefaultStoreAccount; a name that is not a plain file name is refused.
func StorePath(env Env, account string) (string, error) {
	if account == "" {
		account = DefaultStoreAccount
	}
	if account == "." || account == ".." || strings.ContainsAny(account, `/\`) || strings.ContainsRune(account, 0) {
		return "", fmt.Errorf("config: %q cannot name a local store folder", account)
	}
	d, err := DataDir(env)
	if err != nil {
		return "", err
	}
	return filepath.Join(d, account, "store.db"), nil
}
