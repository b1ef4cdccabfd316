package cli

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// postsale without arguments is the inbox: Prepare starts opening its store before the command
// line is parsed, and it is the store setup would open: the access token's account, else the
// logged-in default. With arguments, or settings setup refuses, Prepare opens nothing and says
// nothing; Run reports the problem once, as before.
func TestPrepareOpensTheInboxStoreEarly(t *testing.T) {
	prepare := func(h *harness, args ...string) (*Prepared, *bytes.Buffer) {
		t.Helper()
		var errb bytes.Buffer
		p := Prepare(args, IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &errb, Env: h.lookup})
		t.Cleanup(p.a.close)
		return p, &errb
	}
	opened := func(p *Prepared) string {
		t.Helper()
		if p.a.ahead == nil {
			return ""
		}
		st, err := p.a.openStoreQuiet(context.Background())
		if err != nil {
			t.Fatalf("the early store: %v", err)
		}
		return st.Path()
	}
	storeOf := func(h *harness, account string) string {
		return filepath.Join(h.env["XDG_DATA_HOME"], "postsale", account, "store.db")
	}

	t.Run("access token", func(t *testing.T) {
		h := newHarness(t)
		h.env["XDG_DATA_HOME"] = t.TempDir()
		p, errb := prepare(h)
		if got, want := opened(p), storeOf(h, "default"); got != want {
			t.Errorf("Prepare opened %q, want %q", got, want)
		}
		if errb.Len() != 0 {
			t.Errorf("Prepare wrote %q", errb)
		}
		if p, _ := prepare(h, "unread"); p.a.ahead != nil {
			t.Error("Prepare opened the store for `postsale unread`")
		}
	})

	t.Run("logged-in default", func(t *testing.T) {
		h := loginHarness(t)
		h.env["XDG_DATA_HOME"] = t.TempDir()
		bare := func(loc string) string { u, _ := url.Parse(loc); return u.Query().Get("code") }
		for _, args := range [][]string{{"--account", "mx"}, {"--account", "br", "--default"}} {
			if _, errs, code := h.login(bare, args...); code != ExitOK {
				t.Fatalf("login %v: %s", args, errs)
			}
		}
		p, _ := prepare(h)
		if got, want := opened(p), storeOf(h, "br"); got != want {
			t.Errorf("Prepare opened %q, want the default account's %q", got, want)
		}
		if _, err := os.Stat(storeOf(h, "mx")); err == nil {
			t.Error("Prepare also opened mx's store")
		}
	})

	t.Run("settings setup refuses", func(t *testing.T) {
		h := newHarness(t)
		h.env["XDG_DATA_HOME"] = t.TempDir()
		path := filepath.Join(h.env["XDG_CONFIG_HOME"], "postsale", "config.toml")
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("theme = \n"), 0o600); err != nil {
			t.Fatal(err)
		}
		p, errb := prepare(h)
		if p.a.ahead != nil || errb.Len() != 0 {
			t.Fatalf("Prepare with a broken config file: store opening %v, wrote %q", p.a.ahead != nil, errb)
		}
		if code := p.Run(context.Background()); code == ExitOK || !strings.Contains(oneLine(t, errb.String()), "config.toml") {
			t.Errorf("Run: exit %d, %q", code, errb)
		}
	})
}
