package config

import (
	"path/filepath"
	"testing"
)

func TestStorePath(t *testing.T) {
	env := func(m map[string]string) Env {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	got, err := StorePath(env(map[string]string{"XDG_DATA_HOME": "/data", "HOME": "/home/x"}), "tienda")
	if err != nil || got != filepath.Join("/data", "postsale", "tienda", "store.db") {
		t.Errorf("StorePath = %q, %v", got, err)
	}
	got, err = StorePath(env(map[string]string{"XDG_DATA_HOME": "relative", "HOME": "/home/x"}), "")
	if err != nil || got != filepath.Join("/home/x", ".local", "share", "postsale", DefaultStoreAccount, "store.db") {
		t.Errorf("StorePath fallback = %q, %v", got, err)
	}
	for _, bad := range []string{"..", "a/b", `a\b`, "."} {
		if _, err := StorePath(env(map[string]string{"HOME": "/home/x"}), bad); err == nil {
			t.Errorf("StorePath(%q) accepted", bad)
		}
	}
}
