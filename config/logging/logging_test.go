package logging

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postsale/postsale/config"
)

const (
	access  = "APP_USR-1234567890123456-112233-abcdefabcdefabcdefabcdefabcdef12-987654321"
	refresh = "TG-5f3c0ffee0ddba11deadbeef-987654321"
	opaque  = "s3cr3t-opaque-value-without-prefix"
)

func TestRedactString(t *testing.T) {
	cases := []struct{ in, mustKeep string }{
		{"Authorization: Bearer " + access, "Authorization: Bearer"},
		{"authorization: bearer " + opaque, "authorization: bearer"},
		{"GET /x?access_token=" + opaque + "&limit=10", "limit=10"},
		{"refresh_token=" + opaque, "refresh_token="},
		{"grant_type=refresh_token&refresh_token=" + opaque + "&client_secret=" + opaque, "grant_type=refresh_token"},
		{`{"access_token":"` + opaque + `","token_type":"bearer","expires_in":21600}`, `"expires_in":21600`},
		{`{"refresh_token": "` + opaque + `"}`, "refresh_token"},
		{"token is " + access + " and more", "and more"},
		{"rotated " + refresh, "rotated"},
		{fmt.Sprintf("%+v", struct{ AccessToken, Nick string }{opaque, "TESTUSER"}), "Nick:TESTUSER"},
		{"callback?code=" + opaque + "&state=xyz", "state=xyz"},
		{"code_verifier=" + opaque, "code_verifier="},
	}
	for _, c := range cases {
		got := RedactString(c.in)
		for _, secret := range []string{access, refresh, opaque} {
			if strings.Contains(got, secret) || strings.Contains(got, secret[8:]) {
				t.Errorf("RedactString(%q) = %q still holds a secret", c.in, got)
			}
		}
		if !strings.Contains(got, c.mustKeep) || !strings.Contains(got, Redacted) {
			t.Errorf("RedactString(%q) = %q, want %q kept and %s added", c.in, got, c.mustKeep, Redacted)
		}
	}
}

func TestRedactStringLeavesOrdinaryTextAlone(t *testing.T) {
	for _, s := range []string{
		"GET /marketplace/messages/packs/2000001 status=200",
		"status_code=403 code: forbidden",
		"the buyer asked about the bearer of the package",
		"token_type bearer",
		"Olá, o pacote chegou? 📦",
	} {
		if got := RedactString(s); got != s {
			t.Errorf("RedactString(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestHandlerRedactsAttrsGroupsErrorsAndMessage(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, true)
	log = log.With("token", opaque, slog.Group("oauth", "refresh_token", opaque))
	log.Info("sending Bearer "+access,
		"access_token", opaque,
		"Authorization", "Bearer "+opaque,
		"url", "https://api.example/x?access_token="+opaque,
		"err", errors.New("refresh failed for "+refresh),
		slog.Group("req", "header", "Bearer "+access, "password", opaque),
		"resp", struct{ AccessToken string }{opaque},
		"pack", "2000001",
	)
	out := buf.String()
	for _, secret := range []string{access, refresh, opaque} {
		if strings.Contains(out, secret) {
			t.Fatalf("log line leaks %q:\n%s", secret, out)
		}
	}
	for _, keep := range []string{"pack=2000001", "level=INFO", "oauth.refresh_token=" + Redacted, "req.password=" + Redacted, "access_token=" + Redacted} {
		if !strings.Contains(out, keep) {
			t.Fatalf("log line lacks %q:\n%s", keep, out)
		}
	}
}

func TestLevels(t *testing.T) {
	var info, debug bytes.Buffer
	New(&info, false).Debug("hidden")
	New(&info, false).Info("shown")
	New(&debug, true).Debug("detail")
	if strings.Contains(info.String(), "hidden") || !strings.Contains(info.String(), "shown") {
		t.Fatalf("Info logger wrote %q", info.String())
	}
	if !strings.Contains(debug.String(), "detail") {
		t.Fatalf("--debug logger wrote %q", debug.String())
	}
}

func TestOpenWritesToStateDirOnly(t *testing.T) {
	state := t.TempDir()
	env := config.Env(func(k string) (string, bool) {
		if k == "XDG_STATE_HOME" {
			return state, true
		}
		return "", false
	})
	// Any byte on the terminal would corrupt the UI: point stdout and stderr at files and check.
	stdout, stderr := captureStd(t)
	log, closer, err := Open(env, Options{})
	if err != nil {
		t.Fatal(err)
	}
	log.Info("started", "access_token", opaque)
	log.Error("boom", "err", errors.New("Bearer "+access))
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(state, "postsale", FileName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "msg=started") || !strings.Contains(string(data), "msg=boom") {
		t.Fatalf("log file holds %q", data)
	}
	if strings.Contains(string(data), opaque) || strings.Contains(string(data), access) {
		t.Fatalf("log file leaks a token: %q", data)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("log mode %v, want 0600", fi.Mode().Perm())
	}
	for name, f := range map[string]string{"stdout": stdout(), "stderr": stderr()} {
		if f != "" {
			t.Fatalf("logging wrote to %s: %q", name, f)
		}
	}
}

func TestFileRotatesAtCap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log", FileName)
	f, err := OpenFile(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line := strings.Repeat("x", 39) + "\n"
	for range 7 { // 280 bytes through a 100-byte cap
		if _, err := f.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	cur, _ := os.ReadFile(path)
	old, _ := os.ReadFile(path + ".1")
	if len(cur) > 100 || len(old) > 100 || len(old) == 0 {
		t.Fatalf("sizes current=%d old=%d, want both within the 100-byte cap", len(cur), len(old))
	}
	if len(cur)+len(old) != 3*len(line) {
		t.Fatalf("kept %d bytes, want the last lines", len(cur)+len(old))
	}
	// Reopening appends rather than truncating.
	f2, err := OpenFile(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	f2.Write([]byte("y\n"))
	f2.Close()
	if again, _ := os.ReadFile(path); !bytes.HasPrefix(again, cur) {
		t.Fatalf("reopen lost earlier lines: %q", again)
	}
}

// captureStd points os.Stdout and os.Stderr at temp files for the test and returns readers.
func captureStd(t *testing.T) (stdout, stderr func() string) {
	t.Helper()
	grab := func(target **os.File) func() string {
		f, err := os.CreateTemp(t.TempDir(), "std")
		if err != nil {
			t.Fatal(err)
		}
		orig := *target
		*target = f
		t.Cleanup(func() { *target = orig; f.Close() })
		return func() string {
			data, _ := os.ReadFile(f.Name())
			return string(data)
		}
	}
	return grab(&os.Stdout), grab(&os.Stderr)
}
