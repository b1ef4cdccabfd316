package secrets

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestRegistryRoundTripAndDefault(t *testing.T) {
	dir := t.TempDir()
	r, err := LoadRegistry(dir)
	if err != nil || len(r.Accounts) != 0 {
		t.Fatalf("empty registry: %+v, %v", r, err)
	}
	if _, err := r.Resolve(""); !errors.Is(err, ErrNoAccount) || !strings.Contains(err.Error(), "postsale login") {
		t.Errorf("Resolve on empty = %v", err)
	}
	r.Put(Account{Name: "mx-shop", UserID: "123", Nickname: "TIENDA", Site: "MLM", ClientID: "app"})
	r.Put(Account{Name: "br-shop", UserID: "456", Nickname: "LOJA", Site: "MLB", ClientID: "app"})
	if r.Default != "mx-shop" {
		t.Errorf("default = %q, want the first account", r.Default)
	}
	if err := r.Save(dir); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(RegistryPath(dir))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("registry file: %v, %v", info, err)
	}
	r2, err := LoadRegistry(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := r2.Resolve("")
	if err != nil || a.UserID != "123" {
		t.Fatalf("Resolve default = %+v, %v", a, err)
	}
	if a, err := r2.Resolve("br-shop"); err != nil || a.Site != "MLB" {
		t.Fatalf("Resolve br-shop = %+v, %v", a, err)
	}
	_, err = r2.Resolve("ar-shop")
	if !errors.Is(err, ErrNoAccount) || !strings.Contains(err.Error(), "br-shop, mx-shop") {
		t.Errorf("Resolve unknown = %v, want the known names", err)
	}
	if !r2.Remove("mx-shop") || r2.Default != "br-shop" {
		t.Errorf("after removing the default, default = %q", r2.Default)
	}
}

func TestNameFor(t *testing.T) {
	for in, want := range map[string]string{"TIENDA MX": "tienda-mx", "..x": "x", "日本": "default", "Loja_01": "loja_01"} {
		if got := NameFor(in); got != want || ValidName(got) != nil {
			t.Errorf("NameFor(%q) = %q (valid: %v), want %q", in, got, ValidName(got), want)
		}
	}
}

func TestCorruptRegistryNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(RegistryPath(dir), []byte("{nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadRegistry(dir)
	if err == nil || !strings.Contains(err.Error(), RegistryPath(dir)) {
		t.Errorf("LoadRegistry of a corrupt file = %v", err)
	}
}
