package cli

import (
	"fmt"
	"math"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/config"
)

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print postsale's version",
		Args:  args(noArgs),
		RunE: func(*cobra.Command, []string) error {
			if a.json {
				return writeJSON(a.io.Out, map[string]string{"version": api.Version, "go": runtime.Version()})
			}
			fmt.Fprintf(a.io.Out, "postsale %s (%s, %s/%s)\n", api.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}

// settingView is one row of `postsale config`.
type settingView struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

func (a *app) configCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Show the effective settings and where each comes from (the token is masked)",
		Long: `Show the settings postsale would use, each with its source: default, the config file, an
environment variable or a flag. The access token is never shown, only whether it is set.`,
		Example: "  postsale config\n  MELI_SITE_ID=MLB postsale config --json",
		Args:    args(noArgs),
		RunE: func(*cobra.Command, []string) error {
			if err := a.loadSettings(); err != nil {
				return err
			}
			s := a.settings
			values := map[string]string{
				config.KeyAPIURL:          redactedURL(s.APIURL),
				config.KeySiteID:          s.SiteID,
				config.KeyAccessToken:     s.AccessToken.Mask(),
				config.KeyRefreshInterval: s.RefreshInterval.String(),
				config.KeyOpen:            s.Open,
				config.KeyDownloadsDir:    s.DownloadsDir,
				config.KeyOSC8:            fmt.Sprint(s.OSC8),
				config.KeyAccount:         s.Account,
				config.KeyClientID:        s.ClientID,
				config.KeyClientSecret:    s.ClientSecret.Mask(),
				config.KeyRedirectURI:     redactedURL(s.RedirectURI),
				config.KeyTheme:           s.Theme,
				config.KeyFlavor:          string(s.Flavor),
				config.KeyTranslation:     s.Translation,
				config.KeyNotify:          fmt.Sprint(s.Notify),
				config.KeyBackfillShare:   percent(s.BackfillShare),
			}
			rows := make([]settingView, 0, len(values))
			for _, k := range config.Keys() {
				rows = append(rows, settingView{Key: k, Value: values[k], Source: s.Sources[k]})
			}
			state, _ := config.StateDir(a.io.Env)
			cache, _ := config.CacheDir(a.io.Env)
			if a.json {
				return writeJSON(a.io.Out, map[string]any{"file": s.File, "state_dir": state, "cache_dir": cache, "settings": rows})
			}
			exists := "not found, using defaults"
			if _, err := os.Stat(s.File); err == nil {
				exists = "found"
			}
			fmt.Fprintf(a.io.Out, "config file: %s (%s)\nstate dir:   %s\ncache dir:   %s\n\n", s.File, exists, state, cache)
			for _, r := range rows {
				v := r.Value
				if v == "" {
					v = "(not set)"
				}
				fmt.Fprintf(a.io.Out, "%-17s %-40s %s\n", r.Key, v, r.Source)
			}
			return nil
		},
	}
}

// redactedURL hides a password embedded in a URL (user:pass@host), as the log does.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if i := strings.LastIndex(raw, "@"); err != nil && i >= 0 {
			return "xxxxx" + raw[i:] // unparsable: hide everything before the host
		}
		return raw
	}
	return u.Redacted()
}

// percent shows a share as the percentage it was written as: 0.07 is "7%", not the
// "7.000000000000001%" its float times 100 prints.
func percent(share float64) string {
	return strconv.FormatFloat(math.Round(share*100*1e6)/1e6, 'f', -1, 64) + "%"
}
