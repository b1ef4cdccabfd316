package secrets

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/postsale/postsale/api/oauth"
)

func fileVault(t *testing.T, opts ...Option) (*Vault, string) {
	t.Helper()
	dir := t.TempDir()
	return New(dir, append([]Option{WithKeyring(nil)}, opts...)...), dir
}

func TestFileSecretIsOwnerOnly(t *testing.T) {
	v, _ := fileVault(t)
	if err := v.Set("work.token", []byte("s3cret")); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(v.Path("work.token"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("token file mode = %v, want 0600", info.Mode().Perm())
	}
	dinfo, err := os.Stat(filepath.Dir(v.Path("work.token")))
	if err != nil {
		t.Fatal(err)
	}
	if dinfo.Mode().Perm() != 0o700 {
		t.Errorf("secrets dir mode = %v, want 0700", dinfo.Mode().Perm())
	}
	got, err := v.Get("work.token")
	if err != nil || string(got) != "s3cret" {
		t.Fatalf("Get = %q, %v", got, err)
	}
}

func TestInterruptedWriteKeepsOldToken(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	old := &oauth.Token{Access: "APP_USR-old", Refresh: "TG-old", Expiry: time.Now().Add(time.Hour).UTC()}
	if err := (TokenStore{Vault: New(dir, WithKeyring(nil)), Account: "shop"}).Save(ctx, old); err != nil {
		t.Fatal(err)
	}
	crash := errors.New("power cut")
	var tmpSeen string
	crashing := New(dir, WithKeyring(nil), WithBeforeRename(func(tmp string) error {
		tmpSeen = tmp
		// The new content is complete on disk in the temp file when the crash hits.
		b, err := os.ReadFile(tmp)
		if err != nil || !strings.Contains(string(b), "TG-new") {
			t.Errorf("temp file before rename = %q, %v", b, err)
		}
		return crash
	}))
	err := TokenStore{Vault: crashing, Account: "shop"}.Save(ctx, &oauth.Token{Access: "APP_USR-new", Refresh: "TG-new"})
	if !errors.Is(err, crash) {
		t.Fatalf("Save with a crash before rename = %v, want the crash", err)
	}
	if tmpSeen == "" || filepath.Dir(tmpSeen) != filepath.Dir(crashing.Path("shop.token")) {
		t.Errorf("temp file %q is not next to the token file", tmpSeen)
	}
	got, err := TokenStore{Vault: New(dir, WithKeyring(nil)), Account: "shop"}.Load(ctx)
	if err != nil {
		t.Fatalf("old token unreadable after an interrupted write: %v", err)
	}
	if got.Refresh.Reveal() != "TG-old" || got.Access.Reveal() != "APP_USR-old" {
		t.Errorf("after an interrupted write the token is %q/%q, want the old pair", got.Access.Reveal(), got.Refresh.Reveal())
	}
}

func TestMissingTokenIsNoSession(t *testing.T) {
	v, _ := fileVault(t)
	_, err := TokenStore{Vault: v, Account: "nobody"}.Load(context.Background())
	if !errors.Is(err, oauth.ErrNoSession) {
		t.Fatalf("Load of a missing account = %v, want ErrNoSession", err)
	}
}

func TestBadKeysRefused(t *testing.T) {
	v, _ := fileVault(t)
	for _, k := range []string{"../escape", "", ".hidden", "a/b"} {
		if err := v.Set(k, []byte("x")); err == nil {
			t.Errorf("Set(%q) accepted a key that could leave the secrets dir", k)
		}
	}
	if err := (TokenStore{Vault: v, Account: "../x"}).Save(context.Background(), &oauth.Token{Access: "a"}); err == nil {
		t.Error("Save accepted an account name with a path in it")
	}
}

// mapKeyring is an in-memory keyring that can be switched to failing.
type mapKeyring struct {
	m    map[string]string
	fail error
}

func (k *mapKeyring) Set(s, u, p string) error {
	if k.fail != nil {
		return k.fail
	}
	k.m[s+"/"+u] = p
	return nil
}

func (k *mapKeyring) Get(s, u string) (string, error) {
	if k.fail != nil {
		return "", k.fail
	}
	p, ok := k.m[s+"/"+u]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return p, nil
}

func (k *mapKeyring) Delete(s, u string) error {
	if k.fail != nil {
		return k.fail
	}
	delete(k.m, s+"/"+u)
	return nil
}

func TestKeyringPreferredWhenItWorks(t *testing.T) {
	kr := &mapKeyring{m: map[string]string{}}
	v := New(t.TempDir(), WithKeyring(kr))
	if err := v.Set("a.token", []byte("v1")); err != nil {
		t.Fatal(err)
	}
	if kr.m[Service+"/a.token"] != "v1" {
		t.Fatalf("keyring holds %q, want v1", kr.m[Service+"/a.token"])
	}
	if _, err := os.Stat(v.Path("a.token")); !os.IsNotExist(err) {
		t.Errorf("a file was written although the keyring took the secret (stat: %v)", err)
	}
	if v.Where("a.token") != "the system keyring" {
		t.Errorf("Where = %q", v.Where("a.token"))
	}
	if err := v.Delete("a.token"); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Get("a.token"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}
}

func TestFallsBackToFileWhenKeyringFails(t *testing.T) {
	kr := &mapKeyring{m: map[string]string{Service + "/a.token": "stale"}, fail: errors.New("org.freedesktop.DBus.Error.ServiceUnknown")}
	dir := t.TempDir()
	v := New(dir, WithKeyring(kr))
	if err := v.Set("a.token", []byte("fresh")); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(v.Path("a.token"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("fallback file: %v, %v", info, err)
	}
	// The keyring comes back with the stale copy: the file, written later, must win.
	kr.fail = nil
	got, err := New(dir, WithKeyring(kr)).Get("a.token")
	if err != nil || string(got) != "fresh" {
		t.Fatalf("Get = %q, %v; want the newer file copy", got, err)
	}
	// A later successful keyring write removes the file so it cannot shadow the keyring.
	v2 := New(dir, WithKeyring(kr))
	if err := v2.Set("a.token", []byte("newest")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(v2.Path("a.token")); !os.IsNotExist(err) {
		t.Errorf("stale file survived a keyring write: %v", err)
	}
	if got, _ := v2.Get("a.token"); string(got) != "newest" {
		t.Errorf("Get = %q, want newest", got)
	}
}

func TestSystemKeyringThroughMock(t *testing.T) {
	keyring.MockInit()
	v := New(t.TempDir())
	if err := v.SaveClientSecret("shop", oauth.Secret("app-secret")); err != nil {
		t.Fatal(err)
	}
	got, err := v.ClientSecret("shop")
	if err != nil || got.Reveal() != "app-secret" {
		t.Fatalf("ClientSecret = %v, %v", got, err)
	}
	if _, err := os.Stat(v.Path("shop.client-secret")); !os.IsNotExist(err) {
		t.Errorf("client secret also written to a file: %v", err)
	}
	if err := v.Forget("shop"); err != nil {
		t.Fatal(err)
	}
	if _, err := v.ClientSecret("shop"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after Forget: %v", err)
	}
	keyring.MockInitWithError(errors.New("no session bus"))
	v = New(t.TempDir())
	if err := v.SaveClientSecret("shop", "s"); err != nil {
		t.Fatalf("fallback to file failed: %v", err)
	}
	if _, err := os.Stat(v.Path("shop.client-secret")); err != nil {
		t.Errorf("no fallback file: %v", err)
	}
}
