// Package config reads postsale's settings: defaults, then the config file
// ($XDG_CONFIG_HOME/postsale/config.toml), then the environment, then flags. Every problem is one
// line naming where it was found, the key and what is wrong; the access token never appears in
// any of them.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/config/tomlline"
)

// Refresh interval bounds: polling faster than every 10s would eat the 500 requests a minute the
// seller's other apps share.
const (
	DefaultRefreshInterval = 60 * time.Second
	MinRefreshInterval     = 10 * time.Second
)

// Ways to open links and attachments.
const (
	OpenAuto    = "auto"
	OpenBrowser = "browser"
	OpenPrint   = "print"
)

// Environment variables postsale reads.
const (
	EnvAccessToken = "MELI_ACCESS_TOKEN"
	EnvAPIURL      = "MELI_API_URL"
	EnvSiteID      = "MELI_SITE_ID"
	EnvFlavor      = "MELI_FLAVOR"
	// The seller's registered app, for `postsale login`.
	EnvClientID     = "MELI_CLIENT_ID"
	EnvClientSecret = "MELI_CLIENT_SECRET"
	EnvRedirectURI  = "MELI_REDIRECT_URI"
)

// Setting keys, as written in config.toml.
const (
	KeyAPIURL          = "api_url"
	KeySiteID          = "site_id"
	KeyAccessToken     = "access_token"
	KeyRefreshInterval = "refresh_interval"
	KeyOpen            = "open"
	KeyDownloadsDir    = "downloads_dir"
	KeyOSC8            = "osc8"
	KeyAccount         = "account"
	KeyClientID        = "client_id"
	KeyClientSecret    = "client_secret"
	KeyRedirectURI     = "redirect_uri"
	KeyFlavor          = "flavor"
	KeyTheme           = "theme"
	KeyTranslation     = "translation"
	KeyNotify          = "notify"         // bell and desktop notification for new buyer messages
	KeyBackfillShare   = "backfill_share" // the history backfill's share of the rate budget
)

// Translation modes (the translation setting): which text of a message conversations open in.
const (
	TranslationOriginal   = "original"
	TranslationBuyer      = "buyer-translated"
	TranslationTranslated = "translated"
	TranslationBoth       = "both"
)

// DefaultBackfillShare is the share of the 500 requests a minute the background walk through
// older history may use.
const DefaultBackfillShare = 0.10

// Themes (the theme setting): default adapts its colours to light and dark terminals,
// high-contrast uses strong colours with bold and underlines, mono uses no colour at all (what
// NO_COLOR selects too).
const (
	ThemeDefault      = "default"
	ThemeHighContrast = "high-contrast"
	ThemeMono         = "mono"
)

// Keys lists every setting in the order `postsale config` shows them.
func Keys() []string {
	return []string{KeyAPIURL, KeySiteID, KeyAccessToken, KeyRefreshInterval, KeyOpen, KeyDownloadsDir, KeyOSC8, KeyAccount, KeyClientID, KeyClientSecret, KeyRedirectURI, KeyFlavor, KeyTheme, KeyTranslation, KeyNotify, KeyBackfillShare}
}

// FlagName is the command-line flag that sets key ("" for the token, which has no flag so it
// never lands in shell history or `ps`).
func FlagName(key string) string {
	switch key {
	case KeyAPIURL:
		return "api-url"
	case KeySiteID:
		return "site"
	case KeyRefreshInterval:
		return "refresh"
	case KeyOpen:
		return "open"
	case KeyDownloadsDir:
		return "downloads-dir"
	case KeyOSC8:
		return "osc8"
	case KeyTheme:
		return "theme"
	case KeyAccount:
		return "account"
	case KeyFlavor:
		return "flavor"
	}
	return ""
}

// Secret is a token. Every way fmt or encoding/json has of printing it prints a mask instead.
type Secret string

// Mask describes a secret without revealing any of it.
func (s Secret) Mask() string {
	if s == "" {
		return "(not set)"
	}
	return "******** (set)"
}

// String masks the secret.
func (s Secret) String() string { return s.Mask() }

// GoString masks the secret for %#v.
func (s Secret) GoString() string { return s.Mask() }

// MarshalText masks the secret for encoders.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.Mask()), nil }

// Reveal returns the token itself, for the Authorization header and nothing else.
func (s Secret) Reveal() string { return string(s) }

// Settings are the effective settings after every source was applied.
type Settings struct {
	File            string // the config file consulted (it may not exist)
	APIURL          string
	SiteID          string
	AccessToken     Secret
	RefreshInterval time.Duration
	Open            string
	DownloadsDir    string
	OSC8            bool
	Account         string
	// ClientID, ClientSecret and RedirectURI are the seller's registered app (postsale login).
	ClientID     string
	ClientSecret Secret
	RedirectURI  string
	// Flavor is the API flavour: auto (from /users/me: site CBT is marketplace, any other site
	// domestic), marketplace or domestic.
	Flavor api.Flavor
	// Theme is ThemeDefault, ThemeHighContrast or ThemeMono.
	Theme string
	// Translation is the translation mode conversations open in: TranslationOriginal,
	// TranslationBuyer (the buyer's messages translated, the seller's as written),
	// TranslationTranslated or TranslationBoth. `t` changes it for the session.
	Translation string
	// Keys remaps the inbox's keys ([keys] in the file, keys.go): action → key names.
	Keys map[string][]string
	// Notify rings the terminal (and a desktop notification where supported) when a sync brings
	// a new buyer message while the inbox is open.
	Notify bool
	// BackfillShare is the share (0 < share <= 1) of the rate budget the background walk through
	// older history may use.
	BackfillShare float64
	// Sources says where each key's value came from: "default", the file, "$ENV" or "--flag".
	Sources map[string]string
	// Notes are adjustments worth telling the seller about (a clamped interval, a loose file mode).
	Notes []string
}

// Options says where Load looks.
type Options struct {
	Env Env
	// File is an explicit config file (--config); it must exist. Empty means DefaultFile, which
	// may be missing.
	File string
	// Flags maps setting keys to the raw values of the flags the user actually set.
	Flags map[string]string
}

// Error is a bad setting: where it was found, which key, and what is wrong.
type Error struct {
	Where   string // file path, "environment variable MELI_API_URL" or "flag --refresh"
	Key     string // empty for whole-file problems
	Problem string
}

func (e *Error) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("config: %s: %s", e.Where, e.Problem)
	}
	return fmt.Sprintf("config: %s: key %q: %s", e.Where, e.Key, e.Problem)
}

// Defaults returns the settings before any file, environment or flag.
func Defaults(env Env) *Settings {
	s := &Settings{
		APIURL:          api.DefaultBaseURL,
		RefreshInterval: DefaultRefreshInterval,
		Open:            OpenAuto,
		Flavor:          api.FlavorAuto,
		DownloadsDir:    defaultDownloadsDir(env),
		Theme:           ThemeDefault,
		Translation:     TranslationOriginal,
		Notify:          true,
		BackfillShare:   DefaultBackfillShare,
		Sources:         map[string]string{},
	}
	for _, k := range Keys() {
		s.Sources[k] = "default"
	}
	return s
}

// Load reads the settings: defaults < file < environment < flags.
func Load(opts Options) (*Settings, error) {
	env := opts.Env
	if env == nil {
		env = os.LookupEnv
	}
	s := Defaults(env)
	// Collect every token value first so no message can quote one, whatever source it came from.
	var secrets []string
	for _, name := range []string{EnvAccessToken, EnvClientSecret} {
		if t := env.get(name); t != "" {
			secrets = append(secrets, t)
		}
	}
	err := s.loadFile(env, opts.File, &secrets)
	if err == nil {
		err = s.loadEnv(env)
	}
	if err == nil {
		err = s.loadFlags(opts.Flags)
	}
	if err != nil {
		return nil, redact(err, secrets)
	}
	if s.RefreshInterval < MinRefreshInterval {
		s.Notes = append(s.Notes, fmt.Sprintf("refresh_interval %s is below the %s minimum the rate limit allows; using %s", s.RefreshInterval, MinRefreshInterval, MinRefreshInterval))
		s.RefreshInterval = MinRefreshInterval
	}
	return s, nil
}

func (s *Settings) loadFile(env Env, explicit string, secrets *[]string) error {
	path := explicit
	if path == "" {
		p, err := DefaultFile(env)
		if err != nil {
			return err
		}
		path = p
	}
	path = expandHome(env, path)
	s.File = path
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && explicit == "" {
		return nil // no file is fine: defaults and environment still apply
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return &Error{Where: path, Problem: "cannot read the file: " + err.Error()}
	}
	*secrets = append(*secrets, tokenCandidates(data)...)
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			where := fmt.Sprintf("%s: line %d", path, tomlline.Of(string(data), pe))
			return &Error{Where: where, Key: pe.LastKey, Problem: pe.Message}
		}
		return &Error{Where: path, Problem: err.Error()}
	}
	// Strict: walk the keys in file order and refuse the first one postsale does not know.
	known := map[string]bool{}
	for _, k := range Keys() {
		known[k] = true
	}
	for _, k := range md.Keys() {
		if len(k) > 0 && k[0] == KeyKeys {
			continue // the [keys] table, checked by setKeys
		}
		if len(k) != 1 || !known[k[0]] {
			return &Error{Where: path, Problem: fmt.Sprintf("key %q is not a postsale setting (known: %s)", k.String(), strings.Join(Keys(), ", "))}
		}
	}
	if t, ok := raw[KeyKeys]; ok {
		delete(raw, KeyKeys)
		if action, err := s.setKeys(t); err != nil {
			key := KeyKeys
			if action != "" {
				key += "." + action
			}
			return &Error{Where: path, Key: key, Problem: err.Error()}
		}
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := s.set(k, raw[k], path); err != nil {
			return &Error{Where: path, Key: k, Problem: err.Error()}
		}
	}
	_, hasToken := raw[KeyAccessToken]
	_, hasSecret := raw[KeyClientSecret]
	if hasToken || hasSecret {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			s.Notes = append(s.Notes, fmt.Sprintf("%s holds an access token or client secret and other users can read it: run chmod 600 %s", path, path))
		}
	}
	return nil
}

func (s *Settings) loadEnv(env Env) error {
	for _, ev := range []struct{ name, key string }{
		{EnvAPIURL, KeyAPIURL}, {EnvSiteID, KeySiteID}, {EnvAccessToken, KeyAccessToken},
		{EnvClientID, KeyClientID}, {EnvClientSecret, KeyClientSecret}, {EnvRedirectURI, KeyRedirectURI},
		{EnvFlavor, KeyFlavor},
	} {
		v := env.get(ev.name)
		if v == "" {
			continue
		}
		if err := s.set(ev.key, v, "$"+ev.name); err != nil {
			return &Error{Where: "environment variable " + ev.name, Problem: err.Error()}
		}
	}
	return nil
}

func (s *Settings) loadFlags(flags map[string]string) error {
	keys := make([]string, 0, len(flags))
	for k := range flags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := FlagName(k)
		if name == "" {
			return &Error{Where: "flags", Key: k, Problem: "cannot be set by a flag"}
		}
		if err := s.set(k, flags[k], "--"+name); err != nil {
			return &Error{Where: "flag --" + name, Problem: err.Error()}
		}
	}
	return nil
}

// set validates one raw value (a TOML value, or text from the environment or a flag) and stores it.
func (s *Settings) set(key string, v any, source string) error {
	switch key {
	case KeyAPIURL:
		str, err := asString(v)
		if err != nil {
			return err
		}
		u, perr := url.Parse(str)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			shown := str // never quote a password embedded in the URL
			if perr == nil && u.User != nil {
				shown = u.Redacted()
			} else if i := strings.LastIndex(str, "@"); i >= 0 {
				shown = "xxxxx" + str[i:]
			}
			return fmt.Errorf("%q is not an http(s) URL", shown)
		}
		s.APIURL = strings.TrimRight(str, "/")
	case KeySiteID:
		str, err := asString(v)
		if err != nil {
			return err
		}
		site := strings.ToUpper(strings.TrimSpace(str))
		switch {
		case site == "CBT":
			return fmt.Errorf("%q is the cross-border umbrella, not a site: use MLM, MLB, MCO or MLC", str)
		case site != "" && !api.KnownSite(site):
			return fmt.Errorf("%q is not a Mercado Libre site id (MLM, MLB, MCO, MLC, ...)", str)
		}
		s.SiteID = site
	case KeyAccessToken:
		str, ok := v.(string)
		if !ok {
			return errors.New("must be a string") // never quote the value: it may be the token
		}
		if strings.ContainsAny(str, " \t\r\n") {
			return errors.New("contains spaces or line breaks; paste the token alone")
		}
		s.AccessToken = Secret(strings.TrimSpace(str))
	case KeyRefreshInterval:
		d, err := asDuration(v)
		if err != nil {
			return err
		}
		s.RefreshInterval = d
	case KeyFlavor:
		str, err := asString(v)
		if err != nil {
			return err
		}
		f, err := api.ParseFlavor(str)
		if err != nil {
			return fmt.Errorf("%q is not auto, marketplace or domestic", str)
		}
		s.Flavor = f
	case KeyOpen:
		str, err := asString(v)
		if err != nil {
			return err
		}
		switch o := strings.ToLower(strings.TrimSpace(str)); o {
		case OpenAuto, OpenBrowser, OpenPrint:
			s.Open = o
		default:
			return fmt.Errorf("%q is not one of auto, browser, print", str)
		}
	case KeyDownloadsDir:
		str, err := asString(v)
		if err != nil {
			return err
		}
		if strings.TrimSpace(str) == "" {
			return errors.New("must not be empty")
		}
		s.DownloadsDir = str
	case KeyOSC8:
		b, err := asBool(v)
		if err != nil {
			return err
		}
		s.OSC8 = b
	case KeyAccount:
		str, err := asString(v)
		if err != nil {
			return err
		}
		s.Account = strings.TrimSpace(str)
	case KeyClientID, KeyRedirectURI:
		str, err := asString(v)
		if err != nil {
			return err
		}
		if key == KeyClientID {
			s.ClientID = strings.TrimSpace(str)
		} else {
			s.RedirectURI = strings.TrimSpace(str)
		}
	case KeyTheme:
		str, err := asString(v)
		if err != nil {
			return err
		}
		switch t := strings.ToLower(strings.TrimSpace(str)); t {
		case ThemeDefault, ThemeHighContrast, ThemeMono:
			s.Theme = t
		default:
			return fmt.Errorf("%q is not one of default, high-contrast, mono", str)
		}
	case KeyTranslation:
		str, err := asString(v)
		if err != nil {
			return err
		}
		switch t := strings.ToLower(strings.TrimSpace(str)); t {
		case TranslationOriginal, TranslationBuyer, TranslationTranslated, TranslationBoth:
			s.Translation = t
		default:
			return fmt.Errorf("%q is not one of original, buyer-translated, translated, both", str)
		}
	case KeyNotify:
		b, err := asBool(v)
		if err != nil {
			return err
		}
		s.Notify = b
	case KeyBackfillShare:
		f, err := asShare(v)
		if err != nil {
			return err
		}
		s.BackfillShare = f
	case KeyClientSecret:
		str, ok := v.(string)
		if !ok {
			return errors.New("must be a string") // never quote the value: it is a secret
		}
		s.ClientSecret = Secret(strings.TrimSpace(str))
	default:
		return errors.New("is not a postsale setting")
	}
	s.Sources[key] = source
	return nil
}

// ExpandedDownloadsDir is DownloadsDir with a leading ~ resolved.
func (s *Settings) ExpandedDownloadsDir(env Env) string { return expandHome(env, s.DownloadsDir) }

func asString(v any) (string, error) {
	str, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s is not a string (put it in quotes)", tomlValue(v))
	}
	return str, nil
}

func asBool(v any) (bool, error) {
	switch b := v.(type) {
	case bool:
		return b, nil
	case string:
		parsed, err := strconv.ParseBool(strings.TrimSpace(b))
		if err != nil {
			return false, fmt.Errorf("%q is not true or false", b)
		}
		return parsed, nil
	}
	return false, fmt.Errorf("%s is not true or false", tomlValue(v))
}

func asDuration(v any) (time.Duration, error) {
	var d time.Duration
	switch x := v.(type) {
	case string:
		parsed, err := time.ParseDuration(strings.TrimSpace(x))
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration", x)
		}
		d = parsed
	case int64: // a bare number in TOML: seconds
		d = time.Duration(x) * time.Second
	default:
		return 0, fmt.Errorf("%s is not a duration", tomlValue(v))
	}
	if d <= 0 {
		return 0, fmt.Errorf("%s must be positive (at least %s)", d, MinRefreshInterval)
	}
	return d, nil
}

// tomlValue describes a non-string value without dumping tables.
func tomlValue(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a table"
	case []any, []map[string]any:
		return "a list"
	case time.Time:
		return "a date"
	}
	return fmt.Sprintf("%v", v)
}

// tokenCandidates finds what looks like an access_token value in a file, even one too broken to
// parse, so error messages can leave it out.
func tokenCandidates(data []byte) []string {
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok || !strings.Contains(strings.ToLower(k), "token") && !strings.Contains(strings.ToLower(k), "secret") {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		if v != "" {
			out = append(out, v)
		}
		out = append(out, strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(` "'#`, r) })...)
	}
	return out
}

// redact replaces any secret (4+ characters) quoted in err's message.
func redact(err error, secrets []string) error {
	var ce *Error
	if !errors.As(err, &ce) {
		msg := err.Error()
		for _, sec := range secrets {
			if len(sec) >= 4 {
				msg = strings.ReplaceAll(msg, sec, "********")
			}
		}
		if msg == err.Error() {
			return err
		}
		return errors.New(msg)
	}
	out := *ce
	for _, sec := range secrets {
		if len(sec) >= 4 {
			out.Where = strings.ReplaceAll(out.Where, sec, "********")
			out.Key = strings.ReplaceAll(out.Key, sec, "********")
			out.Problem = strings.ReplaceAll(out.Problem, sec, "********")
		}
	}
	return &out
}

// asShare reads a share of the rate budget: a percentage ("10%") or a number without "%",
// which is a fraction of the budget (0.1), never itself a percentage. Either way it must be more
// than 0 and at most 100%: 150% or 1.5 is refused, not read as something smaller.
func asShare(v any) (float64, error) {
	var f float64
	fraction := true
	switch x := v.(type) {
	case float64:
		f = x
	case int64:
		f = float64(x)
	case int:
		f = float64(x)
	case string:
		num, pct := strings.CutSuffix(strings.TrimSpace(x), "%")
		n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return 0, fmt.Errorf("%q is not a share such as 0.1 or 10%%", x)
		}
		if pct {
			n, fraction = n/100, false
		}
		f = n
	default:
		return 0, errors.New("must be a share such as 0.1 or 10%")
	}
	if !(f > 0 && f <= 1) { // NaN (a TOML nan) is refused too
		if fraction && f > 1 && f <= 100 {
			return 0, fmt.Errorf("must be more than 0 and at most 100%%: a number without %% is a fraction, so write %g or \"%g%%\"", f/100, f)
		}
		return 0, errors.New("must be more than 0 and at most 100%")
	}
	return f, nil
}
