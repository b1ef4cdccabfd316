package cli

import (
	"errors"
	"fmt"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"

	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/ui"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
)

// newInboxModel is the inbox's root model for one program with these settings.
func newInboxModel(c *common.Common, s *config.Settings) tea.Model {
	return ui.New(c, ui.Options{RefreshInterval: s.RefreshInterval})
}

// inboxCommon builds the Common one inbox program shares with its views, from the settings.
func (a *app) inboxCommon(cmd *cobra.Command) (*common.Common, error) {
	env := a.io.Env
	getenv := func(k string) string { v, _ := env(k); return v }
	c := common.New(cmd.Context(), a.client, inboxRenderer(a.io.Out, getenv))
	c.Site = a.settings.SiteID
	c.Account = a.settings.Account
	c.Opener = open.New(open.Mode(a.settings.Open), a.io.Out, open.WithEnv(getenv), open.WithHyperlinks(a.settings.OSC8))
	c.DownloadsDir = a.settings.ExpandedDownloadsDir(env)
	cache, err := config.CacheDir(env)
	if err != nil {
		return nil, err
	}
	c.CacheDir = cache
	c.Logger = a.log()
	store, err := drafts.Open(env)
	if err != nil {
		return nil, err
	}
	c.Drafts = store
	return c, nil
}

// runInbox starts the Bubble Tea inbox on the configured API (or the --demo sandbox).
func (a *app) runInbox(cmd *cobra.Command, _ []string) error {
	ctx := cmd.Context()
	if err := a.setup(ctx); err != nil {
		return err
	}
	c, err := a.inboxCommon(cmd)
	if err != nil {
		return err
	}
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(a.io.In), tea.WithOutput(a.io.Out)}
	if f, ok := a.io.Out.(*os.File); ok && f == os.Stdout {
		opts = append(opts, tea.WithAltScreen())
	}
	model := newInboxModel(c, a.settings)
	_, err = tea.NewProgram(model, opts...).Run()
	// A signal ends the program without the quit key: write what typing left pending.
	if f, ok := model.(interface{ FlushDrafts() error }); ok {
		if ferr := f.FlushDrafts(); ferr != nil {
			a.log().Error("drafts not saved", "err", ferr)
		}
	}
	if err != nil && errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // Ctrl+C through the context is a normal way out
	}
	if err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	return nil
}
