package config

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
)

const fileToken = "APP_USR-1111-file-secret-token"
const envToken = "APP_USR-2222-env-secret-token"

// mapEnv is an Env from a map, with XDG_CONFIG_HOME under dir.
func mapEnv(dir string, kv ...string) Env {
	m := map[string]string{"XDG_CONFIG_HOME": dir, "HOME": dir}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	path := filepath.Join(dir, "postsale", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDefaultsWithoutFile(t *testing.T) {
	dir := t.TempDir()
	s, err := Load(Options{Env: mapEnv(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if s.APIURL != "https://api.mercadolibre.com" || s.RefreshInterval != 60*time.Second || s.Open != "auto" || s.OSC8 || s.AccessToken != "" {
		t.Fatalf("defaults: %+v", s)
	}
	if want := filepath.Join(dir, "postsale", "config.toml"); s.File != want {
		t.Fatalf("File = %q, want %q", s.File, want)
	}
	if s.DownloadsDir != filepath.Join(dir, "Downloads") {
		t.Fatalf("DownloadsDir = %q", s.DownloadsDir)
	}
}

func TestPrecedenceFileEnvFlags(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, `
api_url = "http://file.example"
site_id = "mlb"
access_token = "`+fileToken+`"
refresh_interval = "2m"
open = "print"
downloads_dir = "~/dl"
osc8 = true
account = "file-account"
`)
	// File only.
	s, err := Load(Options{Env: mapEnv(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if s.APIURL != "http://file.example" || s.SiteID != "MLB" || s.AccessToken.Reveal() != fileToken ||
		s.RefreshInterval != 2*time.Minute || s.Open != "print" || !s.OSC8 || s.Account != "file-account" {
		t.Fatalf("file values: %+v", s)
	}
	if got := s.ExpandedDownloadsDir(mapEnv(dir)); got != filepath.Join(dir, "dl") {
		t.Fatalf("downloads dir = %q", got)
	}
	if s.Sources[KeySiteID] != s.File {
		t.Fatalf("source of site_id = %q", s.Sources[KeySiteID])
	}

	// Environment beats the file.
	env := mapEnv(dir, EnvAPIURL, "http://env.example/", EnvSiteID, "MCO", EnvAccessToken, envToken)
	s, err = Load(Options{Env: env})
	if err != nil {
		t.Fatal(err)
	}
	if s.APIURL != "http://env.example" || s.SiteID != "MCO" || s.AccessToken.Reveal() != envToken {
		t.Fatalf("env values: %+v", s)
	}
	if s.Sources[KeyAPIURL] != "$MELI_API_URL" || s.Sources[KeyOpen] != s.File {
		t.Fatalf("sources: %v", s.Sources)
	}

	// Flags beat the environment.
	s, err = Load(Options{Env: env, Flags: map[string]string{
		KeyAPIURL: "http://flag.example", KeySiteID: "MLC", KeyRefreshInterval: "30s",
		KeyOpen: "browser", KeyOSC8: "false", KeyAccount: "flag-account",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if s.APIURL != "http://flag.example" || s.SiteID != "MLC" || s.RefreshInterval != 30*time.Second ||
		s.Open != "browser" || s.OSC8 || s.Account != "flag-account" || s.AccessToken.Reveal() != envToken {
		t.Fatalf("flag values: %+v", s)
	}
	if s.Sources[KeySiteID] != "--site" {
		t.Fatalf("source of site_id = %q", s.Sources[KeySiteID])
	}
}

func TestRefreshIntervalClamped(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, `refresh_interval = "3s"`)
	s, err := Load(Options{Env: mapEnv(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if s.RefreshInterval != MinRefreshInterval {
		t.Fatalf("interval = %s, want %s", s.RefreshInterval, MinRefreshInterval)
	}
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "below the 10s minimum") {
		t.Fatalf("notes = %q", s.Notes)
	}
	// A bare number is seconds.
	writeConfig(t, dir, `refresh_interval = 90`)
	if s, err = Load(Options{Env: mapEnv(dir)}); err != nil || s.RefreshInterval != 90*time.Second {
		t.Fatalf("interval = %v, %v", s, err)
	}
}

func TestBadValuesAreOneLine(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"duration", `refresh_interval = "fast"`, `key "refresh_interval": "fast" is not a duration`},
		{"negative", `refresh_interval = "-5s"`, `key "refresh_interval": -5s must be positive (at least 10s)`},
		{"open", `open = "sometimes"`, `key "open": "sometimes" is not one of auto, browser, print`},
		{"theme", `theme = "neon"`, `key "theme": "neon" is not one of default, high-contrast, mono`},
		{"translation", `translation = "spanish"`, `key "translation": "spanish" is not one of original, buyer-translated, translated, both`},
		{"osc8", `osc8 = "yes"`, `key "osc8": "yes" is not true or false`},
		{"site", `site_id = "XX"`, `key "site_id": "XX" is not a Mercado Libre site id (MLM, MLB, MCO, MLC, ...)`},
		{"cbt", `site_id = "CBT"`, `key "site_id": "CBT" is the cross-border umbrella, not a site: use MLM, MLB, MCO or MLC`},
		{"url", `api_url = "ftp://x"`, `key "api_url": "ftp://x" is not an http(s) URL`},
		{"number as string", `account = 42`, `key "account": 42 is not a string (put it in quotes)`},
		{"unknown key", "site_id = \"MLM\"\ncolour = \"red\"", `key "colour" is not a postsale setting (known: api_url, site_id, access_token, refresh_interval, open, downloads_dir, osc8, account, client_id, client_secret, redirect_uri, flavor, theme, translation, notify, backfill_share)`},
		{"unknown table", "[server]\nport = 1", `key "server" is not a postsale setting (known: api_url, site_id, access_token, refresh_interval, open, downloads_dir, osc8, account, client_id, client_secret, redirect_uri, flavor, theme, translation, notify, backfill_share)`},
		{"token not string", `access_token = 12345678`, `key "access_token": must be a string`},
		{"share over 100%", `backfill_share = "150%"`, `key "backfill_share": must be more than 0 and at most 100%`},
		{"share over 1", `backfill_share = 1.5`, `key "backfill_share": must be more than 0 and at most 100%: a number without % is a fraction, so write 0.015 or "1.5%"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeConfig(t, dir, tc.body)
			_, err := Load(Options{Env: mapEnv(dir)})
			if err == nil {
				t.Fatal("no error")
			}
			want := "config: " + path + ": " + tc.want
			if err.Error() != want {
				t.Fatalf("error:\n got %s\nwant %s", err, want)
			}
		})
	}
}

func TestSyntaxErrorNeverQuotesToken(t *testing.T) {
	dir := t.TempDir()
	// An unterminated string after the token, on the token's own line.
	path := writeConfig(t, dir, "site_id = \"MLM\"\naccess_token = \""+fileToken+"\nopen = \"auto\"\n")
	_, err := Load(Options{Env: mapEnv(dir)})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "config: "+path+": line 2") || strings.Contains(msg, "\n") {
		t.Fatalf("error = %q", msg)
	}
	if strings.Contains(msg, fileToken) || strings.Contains(msg, "1111-file") {
		t.Fatalf("token leaked: %q", msg)
	}
}

// A syntax error is reported on the line that has it, not on the next one where the parser
// noticed it.
func TestSyntaxErrorNamesTheLineWithTheMistake(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, "site_id = \"MLM\"\n[keys\nquit = \"x\"\n")
	_, err := Load(Options{Env: mapEnv(dir)})
	if err == nil || !strings.HasPrefix(err.Error(), "config: "+path+": line 2:") {
		t.Fatalf("error = %v, want it on line 2", err)
	}
}

func TestEnvAndFlagErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(Options{Env: mapEnv(dir, EnvAPIURL, "not a url", EnvAccessToken, envToken)})
	if want := `config: environment variable MELI_API_URL: "not a url" is not an http(s) URL`; err == nil || err.Error() != want {
		t.Fatalf("env error = %v, want %s", err, want)
	}
	_, err = Load(Options{Env: mapEnv(dir, EnvAccessToken, envToken), Flags: map[string]string{KeyRefreshInterval: "soon"}})
	if want := `config: flag --refresh: "soon" is not a duration`; err == nil || err.Error() != want {
		t.Fatalf("flag error = %v, want %s", err, want)
	}
	// A token pasted into the wrong variable is still never quoted.
	_, err = Load(Options{Env: mapEnv(dir, EnvAccessToken, envToken, EnvSiteID, envToken)})
	if err == nil || strings.Contains(err.Error(), envToken) {
		t.Fatalf("error = %v", err)
	}
	if !strings.HasPrefix(err.Error(), "config: environment variable MELI_SITE_ID: ") {
		t.Fatalf("error = %v", err)
	}
}

func TestExplicitFileMustExist(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.toml")
	_, err := Load(Options{Env: mapEnv(dir), File: missing})
	if want := "config: " + missing + ": cannot read the file: no such file or directory"; err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, `access_token = "`+fileToken+`"`)
	s, err := Load(Options{Env: mapEnv(dir)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(s)
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), string(b), s.AccessToken.String()} {
		if strings.Contains(out, fileToken) {
			t.Fatalf("token printed: %s", out)
		}
	}
	if s.AccessToken.Reveal() != fileToken {
		t.Fatal("Reveal lost the token")
	}
}

func TestLooseFileModeNoted(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, `access_token = "`+fileToken+`"`)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(Options{Env: mapEnv(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "chmod 600") {
		t.Fatalf("notes = %q", s.Notes)
	}
	// The app's client secret is as worth hiding as a token.
	path = writeConfig(t, dir, `client_secret = "`+fileToken+`"`)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err = Load(Options{Env: mapEnv(dir)}); err != nil {
		t.Fatal(err)
	}
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "chmod 600") {
		t.Fatalf("client_secret notes = %q", s.Notes)
	}
}

func TestDirs(t *testing.T) {
	env := mapEnv("/x/config", "HOME", "/home/u", "XDG_STATE_HOME", "relative/ignored", "XDG_CACHE_HOME", "/x/cache")
	if d, _ := ConfigDir(env); d != "/x/config/postsale" {
		t.Errorf("ConfigDir = %q", d)
	}
	if d, _ := StateDir(env); d != "/home/u/.local/state/postsale" {
		t.Errorf("StateDir = %q", d)
	}
	if d, _ := CacheDir(env); d != "/x/cache/postsale" {
		t.Errorf("CacheDir = %q", d)
	}
}

func TestFlavorSetting(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want api.Flavor
	}{{"", api.FlavorAuto}, {"domestic", api.FlavorDomestic}, {"Marketplace", api.FlavorMarketplace}} {
		s, err := Load(Options{Env: mapEnv(t.TempDir(), EnvFlavor, tc.env)})
		if err != nil {
			t.Fatal(err)
		}
		if s.Flavor != tc.want {
			t.Errorf("MELI_FLAVOR=%q: flavor %q, want %q", tc.env, s.Flavor, tc.want)
		}
	}
	if _, err := Load(Options{Env: mapEnv(t.TempDir()), Flags: map[string]string{KeyFlavor: "sideways"}}); err == nil || !strings.Contains(err.Error(), "auto, marketplace or domestic") {
		t.Errorf("bad flavor flag: %v", err)
	}
}

func TestTranslationSetting(t *testing.T) {
	dir := t.TempDir()
	s, err := Load(Options{Env: mapEnv(dir)})
	if err != nil || s.Translation != TranslationOriginal {
		t.Fatalf("default translation = %q, %v", s.Translation, err)
	}
	writeConfig(t, dir, `translation = "Buyer-Translated"`)
	if s, err = Load(Options{Env: mapEnv(dir)}); err != nil || s.Translation != TranslationBuyer || s.Sources[KeyTranslation] == "default" {
		t.Fatalf("translation = %q (%s), %v", s.Translation, s.Sources[KeyTranslation], err)
	}
}

func TestNotifyAndBackfillShare(t *testing.T) {
	s := Defaults(nil)
	if !s.Notify || s.BackfillShare != DefaultBackfillShare {
		t.Fatalf("defaults: notify %v share %v", s.Notify, s.BackfillShare)
	}
	// A percentage has "%"; a number without it is a fraction of the budget.
	for in, want := range map[any]float64{"10%": 0.10, "100%": 1, "0.5%": 0.005, "0.25": 0.25, 0.05: 0.05, 1.0: 1, int64(1): 1, "1": 1} {
		if err := s.set(KeyBackfillShare, in, "test"); err != nil || s.BackfillShare != want {
			t.Errorf("%v: share %v, err %v; want %v", in, s.BackfillShare, err, want)
		}
	}
	for _, bad := range []any{"0", "-1%", "lots", "nan", "inf%", math.NaN(), 500.0} {
		if err := s.set(KeyBackfillShare, bad, "test"); err == nil {
			t.Errorf("%v accepted as %v", bad, s.BackfillShare)
		}
	}
	// Above 100% is refused, never read as a smaller share (150% was 1.5%, 1.5 was 1.5%).
	for _, over := range []any{"150%", "101%", "1000%", "100.5%", 1.5, "1.5", int64(20), 101.0, 1e6, int64(-3), "-3"} {
		err := s.set(KeyBackfillShare, over, "test")
		if err == nil || !strings.HasPrefix(err.Error(), "must be more than 0 and at most 100%") {
			t.Errorf("%v: share %v, err %v; want it refused", over, s.BackfillShare, err)
		}
	}
	if err := s.set(KeyBackfillShare, int64(20), "test"); err == nil || !strings.Contains(err.Error(), `write 0.2 or "20%"`) {
		t.Errorf("20 without %%: %v; want the fraction and the percentage it may mean", err)
	}
	if err := s.set(KeyNotify, false, "test"); err != nil || s.Notify {
		t.Fatalf("notify = false: %v %v", s.Notify, err)
	}
}
