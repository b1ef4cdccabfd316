// Package cli is postsale's command line: the inbox, a scriptable mirror of the post-sale
// messaging endpoints, the standalone sandbox, version and shell completions. Commands write to
// the IO they are given and read the environment through a lookup func, so tests run them
// in-process against an httptest sandbox.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/api/transport"
	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/config/logging"
	"github.com/postsale/postsale/ui"
)

// IO is where a run reads and writes, and how it sees the environment.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	Env config.Env
	// HTTPClient, when set, replaces the default client (tests, proxies).
	HTTPClient *http.Client
	// Sleep, when set, replaces the real wait before re-reading a conversation (tests).
	Sleep func(ctx context.Context, d time.Duration) error
}

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// usageError is a mistake in the command line itself (unknown flag, wrong arguments).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// app is one run's state: streams, flags, and what setup built. Nothing is shared between runs.
type app struct {
	io IO

	configFile string
	demo       bool
	json       bool
	debug      bool                   // --debug: Debug records in the log file
	hostile    bool                   // --hostile: the sandbox also serves the hostile corpus packs
	domestic   bool                   // --domestic: the sandbox is the domestic seller's (demo/domestic.json)
	flagKeys   map[string]*pflag.Flag // setting key → its flag, read only when Changed

	settings *config.Settings
	client   *api.Client
	// loggedOut: no access token and no logged-in account (the inbox shows the first run).
	loggedOut bool
	cleanup   []func()
	logger    *slog.Logger // to the log file in the state dir (logging.go), never the terminal
	shared    *http.Client // the one transport (and rate limiter) of this process
	// wantStore: the command uses the local store, so setup opens it ahead (storeAhead) once
	// the account is known; ahead is that opening.
	wantStore bool
	ahead     *storeOpening
	// inboxFirst: the command is the inbox, which may start on the first screen its store saved
	// (storeAhead, onFirstScreen).
	inboxFirst bool
}

// Run executes postsale with args (without the program name) and returns the exit code. Errors
// are printed as one line on io.Err: "postsale: <sentence>".
func Run(ctx context.Context, args []string, streams IO) int {
	return Prepare(args, streams).Run(ctx)
}

// Prepared is a run of postsale that Prepare made ready; Run carries it out.
type Prepared struct {
	a    *app
	args []string
}

// Prepare readies a run of postsale with args (without the program name). With no arguments
// the command is the inbox, and its local store starts opening at once, while the caller sets
// up its signal handling and the command line is parsed: in a new process, SQLite's start and
// reading the schema take a few milliseconds, which then pass before Bubble Tea takes the
// terminal rather than after (BenchmarkStartInTerminal). Run must follow; it closes the store.
func Prepare(args []string, streams IO) *Prepared {
	if streams.In == nil {
		streams.In = os.Stdin
	}
	if streams.Out == nil {
		streams.Out = io.Discard
	}
	if streams.Err == nil {
		streams.Err = io.Discard
	}
	if streams.Env == nil {
		streams.Env = os.LookupEnv
	}
	a := &app{io: streams, flagKeys: map[string]*pflag.Flag{}}
	if len(args) == 0 {
		a.openInboxStoreEarly()
	}
	return &Prepared{a: a, args: args}
}

// Run executes the prepared run and returns the exit code.
func (p *Prepared) Run(ctx context.Context) int {
	a := p.a
	defer a.close()
	root := a.rootCommand()
	if len(p.args) > 0 { // postsale alone is the inbox: its commands need not be built
		a.addCommands(root)
	}
	root.SetArgs(p.args)
	root.SetIn(a.io.In)
	root.SetOut(a.io.Out)
	root.SetErr(a.io.Err)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(a.io.Err, "postsale: "+sanitize.Line(a.explain(err)))
	var ue *usageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	logging.LogFailure(a.log(), "command failed", err, "command", cmd.CommandPath())
	return ExitError
}

func (a *app) close() {
	a.closeStore() // before the demo's sandbox and the log it may still use
	for i := len(a.cleanup) - 1; i >= 0; i-- {
		a.cleanup[i]()
	}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "postsale",
		Short: "A terminal inbox for Mercado Libre sellers' post-sale messages",
		Long: `postsale is a terminal inbox in which a Mercado Libre seller reads and answers buyers'
post-sale messages. Without a command it opens the inbox; the other commands mirror the
messaging endpoints for scripts (add --json for machine-readable output).

First time? Log in with ` + "`postsale login`" + ` (it needs a Mercado Libre app: see its --help), or look
around with demo data: ` + "`postsale --demo`" + `.

The access token comes from a login, or from MELI_ACCESS_TOKEN (or access_token in the config
file), which then wins over the login; it is never accepted as a flag, so it stays out of shell
history and process lists.`,
		Version:       api.Version,
		Args:          rootArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE:          a.runInbox,
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		// "postsale sned --text hi": the flag is unknown because the command is mistyped.
		if !cmd.HasParent() && len(cmd.Flags().Args()) > 0 {
			return rootArgs(cmd, cmd.Flags().Args())
		}
		return &usageError{fmt.Errorf("%s (see %s --help)", flagProblem(err), cmd.CommandPath())}
	})
	root.SetVersionTemplate("postsale {{.Version}}\n")

	pf := root.PersistentFlags()
	pf.StringVar(&a.configFile, "config", "", "config file (default $XDG_CONFIG_HOME/postsale/config.toml)")
	pf.BoolVar(&a.demo, "demo", false, "use an in-process sandbox with demo data instead of Mercado Libre")
	pf.BoolVar(&a.json, "json", false, "print machine-readable JSON")
	pf.BoolVar(&a.debug, "debug", false, "write debug detail to the log file ($XDG_STATE_HOME/postsale/postsale.log)")
	pf.BoolVar(&a.hostile, "hostile", false, "with --demo or sandbox: add packs full of hostile text (escape sequences, bidi, huge words)")
	pf.BoolVar(&a.domestic, "domestic", false, "with --demo or sandbox: a domestic (Brazilian) seller instead of the cross-border one")
	a.settingFlag(pf, config.KeyFlavor, "", "API flavour: auto (from your account's site), marketplace or domestic (env MELI_FLAVOR)")
	a.settingFlag(pf, config.KeyAPIURL, "", "API base URL (default https://api.mercadolibre.com; env MELI_API_URL)")
	a.settingFlag(pf, config.KeySiteID, "", "seller's site for attachments: MLM, MLB, MCO or MLC (env MELI_SITE_ID)")
	a.settingFlag(pf, config.KeyDownloadsDir, "", "where attachments are saved (default ~/Downloads)")
	a.settingFlag(pf, config.KeyAccount, "", "account name to use")
	f := root.Flags()
	a.settingFlag(f, config.KeyRefreshInterval, "", "how often the inbox checks for new messages (default 60s, at least 10s)")
	a.settingFlag(f, config.KeyOpen, "", "how links and attachments open: auto, browser or print")
	f.Bool(config.FlagName(config.KeyOSC8), false, "make links clickable with OSC 8 (terminals that support it)")
	a.flagKeys[config.KeyOSC8] = f.Lookup(config.FlagName(config.KeyOSC8))
	a.settingFlag(f, config.KeyTheme, "", "colours: default (adapts to light and dark terminals), high-contrast or mono (NO_COLOR implies mono)")
	return root
}

// addCommands adds the commands beside the inbox to root.
func (a *app) addCommands(root *cobra.Command) {
	root.AddCommand(
		a.messagesCommand(),
		a.messageCommand(),
		a.sendCommand(),
		a.templatesCommand(),
		a.attachmentCommand(),
		a.unreadCommand(),
		a.contactCommand(),
		a.searchCommand(),
		a.exportCommand(),
		a.sandboxCommand(),
		a.configCommand(),
		a.loginCommand(),
		a.logoutCommand(),
		a.accountsCommand(),
		a.versionCommand(),
		a.serveCommand(),
	)
}

// settingFlag declares a string flag that overrides a config key when set.
func (a *app) settingFlag(fs *pflag.FlagSet, key, def, usage string) {
	name := config.FlagName(key)
	fs.String(name, def, usage)
	a.flagKeys[key] = fs.Lookup(name)
}

// flagProblem says what is wrong with a flag's value in words: pflag's own sentence for a number
// ends in Go's ("strconv.ParseInt: parsing "abc": invalid syntax").
func flagProblem(err error) string {
	var bad *pflag.InvalidValueError
	if !errors.As(err, &bad) {
		return err.Error()
	}
	want := "a valid value"
	switch bad.GetFlag().Value.Type() {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		want = "a whole number"
	case "float32", "float64":
		want = "a number"
	case "duration":
		want = "a duration such as 30s, 5m or 1h"
	case "bool":
		want = "true or false"
	}
	return fmt.Sprintf("--%s takes %s, not %q", bad.GetFlag().Name, want, sanitize.Line(bad.GetValue()))
}

// args wraps a cobra.PositionalArgs so its complaint counts as a usage error. The line already
// starts "postsale: ", so the command is named without it.
func args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, list []string) error {
		if err := check(cmd, list); err != nil {
			name := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
			return &usageError{fmt.Errorf("%s: %w (see %s --help)", name, err, cmd.CommandPath())}
		}
		return nil
	}
}

// noArgs is cobra.NoArgs said as a sentence ("takes no arguments", not "unknown command").
func noArgs(_ *cobra.Command, list []string) error {
	if len(list) > 0 {
		return fmt.Errorf("takes no arguments, but was given %q", sanitize.Line(strings.Join(list, " ")))
	}
	return nil
}

// someArgs is cobra.MinimumNArgs(1) said as a sentence: what is missing.
func someArgs(what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, list []string) error {
		if len(list) == 0 {
			return fmt.Errorf("give %s", what)
		}
		return nil
	}
}

// idArgs is cobra.ExactArgs for commands whose arguments are ids, named as a sentence says them
// ("a pack id"): an empty one (an unset shell variable, "") is a usage mistake like a missing one,
// refused before anything is asked of Mercado Libre.
func idArgs(names ...string) cobra.PositionalArgs {
	return args(func(cmd *cobra.Command, list []string) error {
		switch {
		case len(list) < len(names):
			return fmt.Errorf("give %s", strings.Join(names[len(list):], " and "))
		case len(list) > len(names):
			return fmt.Errorf("takes only %s, but was given %d arguments", strings.Join(names, " and "), len(list))
		}
		for i, name := range names {
			if strings.TrimSpace(list[i]) == "" {
				return fmt.Errorf("%s is required, not an empty argument", name)
			}
		}
		return nil
	})
}

// packFlag refuses a --pack given with an empty value: it would otherwise quietly mean no pack
// at all (every pack's messages, or no pack to find a site from).
func packFlag(cmd *cobra.Command, packID string) error {
	if cmd.Flags().Changed("pack") && strings.TrimSpace(packID) == "" {
		return &usageError{fmt.Errorf("--pack is empty: give a pack id, or leave --pack out (see %s --help)", cmd.CommandPath())}
	}
	return nil
}

// loadSettings reads config file, environment and the flags the user set.
func (a *app) loadSettings() error {
	if a.settings != nil {
		return nil
	}
	flags := map[string]string{}
	for key, fl := range a.flagKeys {
		if fl != nil && fl.Changed {
			flags[key] = fl.Value.String()
		}
	}
	s, err := config.Load(config.Options{Env: a.io.Env, File: a.configFile, Flags: flags})
	if err != nil {
		return err
	}
	// A key given to two actions is a mistake in the file, whatever the command: say so as for
	// any other setting, not only when the inbox starts.
	if err := ui.CheckKeys(s.Keys); err != nil {
		return &config.Error{Where: s.File, Key: "keys", Problem: strings.TrimPrefix(err.Error(), "keys: ")}
	}
	for _, n := range s.Notes {
		fmt.Fprintln(a.io.Err, "postsale: note: "+n)
	}
	a.settings = s
	return nil
}

// setup loads the settings and builds the API client: against Mercado Libre (or MELI_API_URL),
// or against an in-process sandbox on a loopback port with --demo.
func (a *app) setup(ctx context.Context) error {
	if a.client != nil {
		return nil
	}
	if err := a.loadSettings(); err != nil {
		return err
	}
	if a.domestic && !a.demo {
		return &usageError{errors.New("--domestic picks the demo's seller: use it with --demo or `postsale sandbox`")}
	}
	if a.demo || a.settings.AccessToken != "" {
		a.storeAheadIfWanted(ctx) // the account is known (a logged-in one once resolved, below)
	}
	opts := []api.Option{api.WithHTTPClient(a.httpClient()), api.WithFlavor(a.settings.Flavor)}
	token := api.TokenSource(api.StaticToken(a.settings.AccessToken.Reveal()))
	baseURL := a.settings.APIURL
	if !a.demo && a.settings.AccessToken == "" {
		src, url, err := a.accountSession(ctx, baseURL) // login.go: the account's refreshing session
		if err != nil {
			return err
		}
		if src != nil {
			token, baseURL = src, url
		}
		a.loggedOut = src == nil
	}
	if a.demo {
		d, err := startDemo(ctx, a.sandboxOptions()...)
		if err != nil {
			return err
		}
		a.cleanup = append(a.cleanup, d.close)
		baseURL, token = d.url, api.StaticToken(d.token)
	}
	opts = append(opts, api.WithBaseURL(baseURL))
	c, err := api.New(token, opts...)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	a.client = c
	where := baseURL
	if u, err := url.Parse(baseURL); err == nil {
		where = u.Redacted()
	}
	a.log().Info("API client ready", "api", where, "demo", a.demo, "version", api.Version)
	return nil
}

// httpClient is the shared transport: per-request timeouts (attachment streams timed only until
// their headers), retries for reads, and pacing under the 500 requests a minute. Built once, so
// every caller in the process shares one rate limiter.
func (a *app) httpClient() *http.Client {
	if a.io.HTTPClient != nil {
		return a.io.HTTPClient
	}
	if a.shared == nil {
		a.shared = transport.NewClient(transport.Config{Logger: a.log()})
	}
	return a.shared
}

// site picks the site for uploads and downloads: --site, else MELI_SITE_ID or the config file,
// else the pack's own site from its latest message when the command knows the pack.
func (a *app) site(ctx context.Context, packID string) (string, error) {
	if a.settings.SiteID != "" {
		return a.settings.SiteID, nil
	}
	// A domestic seller's site is the account's own.
	if acct, err := a.client.Account(ctx); err == nil && acct.Flavor == api.FlavorDomestic && api.KnownSite(acct.SiteID) {
		return acct.SiteID, nil
	}
	if packID != "" {
		conv, err := a.client.PackMessages(ctx, packID, api.PageOptions{Limit: 1})
		if err != nil {
			return "", fmt.Errorf("find the site of pack %s: %w", packID, err)
		}
		for _, m := range conv.Messages {
			if m.SiteID != "" {
				return sanitize.Line(m.SiteID), nil
			}
		}
	}
	return "", &api.ValidationError{Field: "site", Problem: "a site id is required (MLM, MLB, MCO or MLC): pass --site, or --pack PACK_ID to use the pack's site, or set MELI_SITE_ID"}
}
