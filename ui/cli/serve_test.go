package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeRefusesWithoutASession(t *testing.T) {
	h := newHarness(t)
	delete(h.env, "MELI_ACCESS_TOKEN")
	h.env[EnvKeyring] = "off"
	_, errs, code := h.run("serve", "--addr", "127.0.0.1:0")
	if code != ExitError || !strings.Contains(errs, "postsale login") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("serve without a session: exit %d, stderr %q; want one sentence pointing at postsale login", code, errs)
	}
}

func TestServeNamesABrokenTeamFile(t *testing.T) {
	h := newHarness(t)
	team := filepath.Join(h.dir, "team.toml")
	if err := os.WriteFile(team, []byte("[[member]]\nname = \"Ana\"\nkeys = [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code := h.run("serve", "--demo", "--addr", "127.0.0.1:0", "--team", team)
	if code != ExitError || !strings.Contains(errs, team) || !strings.Contains(errs, "line ") {
		t.Errorf("serve with a broken team file: exit %d, stderr %q; want the file and line", code, errs)
	}
}
