package cli

import (
	"context"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/ui"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/firstrun"
)

// tokenVar names where a configured access token came from ("MELI_ACCESS_TOKEN", or the config
// file's access_token), "" when the token comes from a login.
func (a *app) tokenVar() string {
	if a.settings == nil || a.settings.AccessToken == "" || a.demo {
		return ""
	}
	src := a.settings.Sources[config.KeyAccessToken]
	if v, ok := strings.CutPrefix(src, "$"); ok {
		return v
	}
	return "access_token of the config file"
}

// explain is the one-line sentence for a failed command: a refused token set in the environment
// (or the config file) names it, since logging in does not help while it is set.
func (a *app) explain(err error) string {
	return ui.ExplainTokenError(err, a.tokenVar())
}

// firstRunOptions is what the first-run screen says about these settings.
func (a *app) firstRunOptions() firstrun.Options {
	o := firstrun.Options{}
	if s := a.settings; s != nil {
		o.RedirectURI, o.ClientID, o.Site = s.RedirectURI, s.ClientID, s.SiteID
	}
	if a.configFile != "" {
		o.ConfigFile = a.configFile
	} else if f, err := config.DefaultFile(a.io.Env); err == nil {
		o.ConfigFile = f
	}
	return o
}

// runFirstRun shows the first-run screen in place of an inbox that could only fail: no access
// token and no logged-in account.
func (a *app) runFirstRun(ctx context.Context) error {
	var r *lipgloss.Renderer
	theme := a.settings.Theme
	if v, ok := a.io.Env("NO_COLOR"); ok && v != "" {
		theme, r = config.ThemeMono, common.NoColorRenderer(a.io.Out)
	} else {
		r = lipgloss.NewRenderer(a.io.Out)
	}
	m := firstrun.New(common.StylesFor(r, theme), a.firstRunOptions())
	// Inline, not in the alternate screen: what it says stays on the terminal after q.
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(a.io.In), tea.WithOutput(a.io.Out)}
	_, err := tea.NewProgram(m, opts...).Run()
	if err != nil && ctx.Err() != nil {
		return nil
	}
	return err
}
