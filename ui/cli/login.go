package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/oauth"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/config/secrets"
	"github.com/postsale/postsale/ui/open"
)

// EnvKeyring set to "off" keeps tokens out of the system keyring (files only): for tests,
// containers, and keyrings that prompt.
const EnvKeyring = "POSTSALE_KEYRING"

// loginFlags are the app credentials `postsale login` may take on the command line.
type loginFlags struct {
	clientID, clientSecret, redirectURI, authURL, tokenURL string
	makeDefault                                            bool
}

func (a *app) loginCommand() *cobra.Command {
	var f loginFlags
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in to Mercado Libre in the browser and save the session",
		Long: `Log a seller in with Mercado Libre's authorization page (OAuth with PKCE). postsale opens the
page in your browser, or prints it in an SSH session; after you authorize, paste the code or the
whole address the browser was sent to. When the app's redirect URI is a loopback address
(http://127.0.0.1:PORT/...), postsale also catches the redirect itself.

The app's client_id, client_secret and redirect_uri come from the config file, MELI_CLIENT_ID,
MELI_CLIENT_SECRET and MELI_REDIRECT_URI, or the flags. The session (and the client secret)
is saved in the system keyring, or in 0600 files under the config directory, and refreshed
automatically from then on.`,
		Example: "  postsale login --site MLM\n  postsale login --site MLB --account loja-br\n" +
			"  postsale login --api-url http://127.0.0.1:8080 --client-id ID --redirect-uri URI   # against postsale sandbox",
		Args: args(noArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runLogin(cmd.Context(), f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.clientID, "client-id", "", "the app's client id (config client_id, env MELI_CLIENT_ID)")
	fl.StringVar(&f.clientSecret, "client-secret", "", "the app's client secret; prefer MELI_CLIENT_SECRET or the config file, which stay out of shell history")
	fl.StringVar(&f.redirectURI, "redirect-uri", "", "the app's registered redirect URI (config redirect_uri, env MELI_REDIRECT_URI)")
	fl.StringVar(&f.authURL, "auth-url", "", "authorization page (default: the site's, or API_URL/authorization for a non-default --api-url)")
	fl.StringVar(&f.tokenURL, "token-url", "", "token endpoint (default API_URL/oauth/token)")
	fl.BoolVar(&f.makeDefault, "default", false, "make this account the default")
	return cmd
}

// oauthApp gathers the app's credentials: flags, then config and environment.
func (a *app) oauthApp(f loginFlags) oauth.App {
	s := a.settings
	first := func(vals ...string) string {
		for _, v := range vals {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
		return ""
	}
	authURL := f.authURL
	if authURL == "" && s.APIURL != api.DefaultBaseURL {
		authURL = s.APIURL + "/authorization" // the sandbox serves both
	}
	return oauth.App{
		ClientID:     first(f.clientID, s.ClientID),
		ClientSecret: oauth.Secret(first(f.clientSecret, s.ClientSecret.Reveal())),
		RedirectURL:  first(f.redirectURI, s.RedirectURI),
		Site:         s.SiteID,
		AuthURL:      authURL,
		TokenURL:     first(f.tokenURL, s.APIURL+"/oauth/token"),
		HTTPClient:   a.httpClient(),
	}
}

func (a *app) runLogin(ctx context.Context, f loginFlags) error {
	if err := a.loadSettings(); err != nil {
		return err
	}
	if a.demo {
		return &usageError{errors.New("login: --demo needs no login; to try the login itself, run `postsale sandbox` and follow what it prints")}
	}
	if a.settings.Account != "" {
		if err := secrets.ValidName(a.settings.Account); err != nil {
			return &usageError{err}
		}
	}
	app := a.oauthApp(f)
	l, err := app.Begin()
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	a.showAuthorizationURL(l.URL())
	if _, _, loopback := oauth.LoopbackAddr(app.RedirectURL); !loopback {
		fmt.Fprintln(a.io.Err, "After authorizing, paste the code or the whole address the browser was sent to, then press Enter:")
	}
	code, err := l.Await(ctx, a.io.In, func(msg string) { fmt.Fprintln(a.io.Err, sanitize.Line(msg)) })
	if err != nil {
		return loginFailure(err)
	}
	tok, err := l.Exchange(ctx, code)
	if err != nil {
		return loginFailure(err)
	}
	c, err := api.New(api.StaticToken(tok.Access.Reveal()), api.WithBaseURL(a.settings.APIURL), api.WithHTTPClient(a.httpClient()))
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	me, err := c.Me(ctx)
	if err != nil {
		return fmt.Errorf("logged in, but asking Mercado Libre who you are failed (nothing was saved; run `postsale login` again): %w", err)
	}
	acct := secrets.Account{
		Name:        a.settings.Account,
		UserID:      string(me.ID),
		Nickname:    me.Nickname,
		Site:        me.SiteID,
		ClientID:    app.ClientID,
		RedirectURL: app.RedirectURL,
		TokenURL:    app.TokenURL,
	}
	if acct.Name == "" {
		acct.Name = secrets.NameFor(me.Nickname)
	}
	if a.settings.APIURL != api.DefaultBaseURL {
		acct.APIURL = a.settings.APIURL
	}
	where, err := a.saveLogin(acct, app.ClientSecret, tok, f.makeDefault)
	if err != nil {
		return err
	}
	a.log().Info("logged in", "account", acct.Name, "user_id", acct.UserID, "site", acct.Site, "expiry", tok.Expiry)
	if a.json {
		return writeJSON(a.io.Out, acct)
	}
	fmt.Fprintf(a.io.Out, "Logged in as %s (user id %s, site %s) as account %q.\n",
		sanitize.Line(me.Nickname), sanitize.Line(string(me.ID)), sanitize.Line(me.SiteID), acct.Name)
	fmt.Fprintf(a.io.Out, "Session saved in %s; postsale refreshes it on its own from now on.\n", sanitize.Line(where))
	return nil
}

// loginFailure turns a failed login step into its sentence.
func loginFailure(err error) error {
	var le *oauth.LoginError
	if errors.As(err, &le) {
		return errors.New(le.Reason)
	}
	if errors.Is(err, oauth.ErrStateMismatch) {
		return oauth.ErrStateMismatch
	}
	return err
}

// showAuthorizationURL opens the page in a browser, or prints it where that would open it on
// the wrong machine (SSH, no display) or when `open = print`.
func (a *app) showAuthorizationURL(u string) {
	mode, err := open.ParseMode(a.settings.Open)
	if err != nil {
		mode = open.Print
	}
	getenv := func(k string) string { v, _ := a.io.Env(k); return v }
	var tty *os.File
	if f, ok := a.io.Err.(*os.File); ok && term.IsTerminal(f.Fd()) {
		tty = f // OSC 52 puts the address on the seller's own clipboard, even over SSH
	}
	var o *open.Opener
	if tty != nil {
		o = open.New(mode, tty, open.WithEnv(getenv))
	} else {
		o = open.New(mode, nil, open.WithEnv(getenv))
	}
	res, err := o.URL(u)
	switch {
	case err != nil:
		fmt.Fprintf(a.io.Err, "Open this address in a browser to authorize postsale:\n\n  %s\n\n", sanitize.Line(u))
	case res.Launched:
		fmt.Fprintf(a.io.Err, "Opened Mercado Libre's authorization page in your browser. If it did not appear, open:\n\n  %s\n\n", sanitize.Line(u))
	default:
		note := "copy it"
		if res.Copied {
			note = "it is also on your clipboard"
		}
		fmt.Fprintf(a.io.Err, "Open this address in a browser to authorize postsale (%s; %s):\n\n  %s\n\n", res.Reason, note, sanitize.Line(u))
	}
}

// configDir is where the accounts registry and the fallback secret files live.
func (a *app) configDir() (string, error) { return config.ConfigDir(a.io.Env) }

// vault opens the secret store: the system keyring unless POSTSALE_KEYRING=off.
func (a *app) vault(dir string) *secrets.Vault {
	if v, _ := a.io.Env(EnvKeyring); strings.EqualFold(strings.TrimSpace(v), "off") {
		return secrets.New(dir, secrets.WithKeyring(nil))
	}
	return secrets.New(dir)
}

// saveLogin stores the session, the client secret and the account; it returns where the
// session went.
func (a *app) saveLogin(acct secrets.Account, secret oauth.Secret, tok *oauth.Token, makeDefault bool) (string, error) {
	dir, err := a.configDir()
	if err != nil {
		return "", err
	}
	reg, err := secrets.LoadRegistry(dir)
	if err != nil {
		return "", err
	}
	v := a.vault(dir)
	if err := (secrets.TokenStore{Vault: v, Account: acct.Name}).Save(context.Background(), tok); err != nil {
		return "", err
	}
	if err := v.SaveClientSecret(acct.Name, secret); err != nil {
		return "", fmt.Errorf("save the client secret of %s: %w", acct.Name, err)
	}
	reg.Put(acct)
	if makeDefault {
		reg.Default = acct.Name
	}
	if err := reg.Save(dir); err != nil {
		return "", err
	}
	return v.Where(acct.Name + ".token"), nil
}

// loggedInAccount resolves the account a session without an access token is for: the settings'
// account, else the registry's default. It returns a nil account when no account was ever
// logged in, and the config folder the registry is in.
func (a *app) loggedInAccount() (string, *secrets.Account, error) {
	dir, err := a.configDir()
	if err != nil {
		return "", nil, err
	}
	reg, err := secrets.LoadRegistry(dir)
	if err != nil {
		return dir, nil, err
	}
	if len(reg.Accounts) == 0 && a.settings.Account == "" {
		return dir, nil, nil
	}
	acct, err := reg.Resolve(a.settings.Account)
	return dir, acct, err
}

// accountSession builds the chosen account's refreshing token source for setup. It returns a
// nil source when no account was ever logged in (the missing-token sentence then applies),
// and the account's API URL when the API URL was left at its default.
func (a *app) accountSession(ctx context.Context, baseURL string) (api.TokenSource, string, error) {
	dir, acct, err := a.loggedInAccount()
	if err != nil || acct == nil {
		return nil, baseURL, err
	}
	a.settings.Account = acct.Name // the inbox header shows which account is in use
	a.storeAheadIfWanted(ctx)      // while the keyring is read
	v := a.vault(dir)
	secret, err := v.ClientSecret(acct.Name)
	if errors.Is(err, secrets.ErrNotFound) {
		secret, err = oauth.Secret(a.settings.ClientSecret.Reveal()), nil
	}
	if err != nil {
		return nil, baseURL, err
	}
	tokenURL := acct.TokenURL
	if tokenURL == "" {
		tokenURL = oauth.DefaultTokenURL
	}
	src, err := oauth.NewSource(oauth.App{ClientID: acct.ClientID, ClientSecret: secret, TokenURL: tokenURL, HTTPClient: a.httpClient()},
		secrets.TokenStore{Vault: v, Account: acct.Name}, oauth.WithLogger(a.log().With("account", acct.Name)))
	if err != nil {
		return nil, baseURL, fmt.Errorf("account %s: %w; run `postsale login --account %s`", acct.Name, err, acct.Name)
	}
	if acct.APIURL != "" && a.settings.Sources[config.KeyAPIURL] == "default" {
		baseURL = acct.APIURL
	}
	return src, baseURL, nil
}

func (a *app) logoutCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "logout",
		Short:   "Forget an account's saved session (the default account, or --account)",
		Example: "  postsale logout\n  postsale logout --account loja-br",
		Args:    args(noArgs),
		RunE: func(*cobra.Command, []string) error {
			if err := a.loadSettings(); err != nil {
				return err
			}
			dir, err := a.configDir()
			if err != nil {
				return err
			}
			reg, err := secrets.LoadRegistry(dir)
			if err != nil {
				return err
			}
			acct, err := reg.Resolve(a.settings.Account)
			if err != nil {
				return err
			}
			if err := a.vault(dir).Forget(acct.Name); err != nil {
				return fmt.Errorf("log out of %s: %w", acct.Name, err)
			}
			reg.Remove(acct.Name)
			if err := reg.Save(dir); err != nil {
				return err
			}
			a.log().Info("logged out", "account", acct.Name)
			fmt.Fprintf(a.io.Out, "Logged out of %q: its session and client secret are deleted.\n", acct.Name)
			if reg.Default != "" {
				fmt.Fprintf(a.io.Out, "The default account is now %q.\n", reg.Default)
			}
			return nil
		},
	}
}

// accountView is one row of `postsale accounts`; it never carries a secret.
type accountView struct {
	Name     string `json:"name"`
	Default  bool   `json:"default"`
	UserID   string `json:"user_id"`
	Nickname string `json:"nickname"`
	Site     string `json:"site"`
	APIURL   string `json:"api_url,omitempty"`
}

func (a *app) accountsCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "accounts",
		Short:   "List the logged-in accounts; * marks the default",
		Example: "  postsale accounts\n  postsale accounts --json",
		Args:    args(noArgs),
		RunE: func(*cobra.Command, []string) error {
			dir, err := a.configDir()
			if err != nil {
				return err
			}
			reg, err := secrets.LoadRegistry(dir)
			if err != nil {
				return err
			}
			rows := make([]accountView, 0, len(reg.Accounts))
			for _, ac := range reg.Accounts {
				rows = append(rows, accountView{Name: ac.Name, Default: ac.Name == reg.Default, UserID: ac.UserID, Nickname: ac.Nickname, Site: ac.Site, APIURL: ac.APIURL})
			}
			if a.json {
				return writeJSON(a.io.Out, rows)
			}
			if len(rows) == 0 {
				fmt.Fprintln(a.io.Out, "No accounts: log in with `postsale login`.")
				return nil
			}
			for _, r := range rows {
				mark := " "
				if r.Default {
					mark = "*"
				}
				line := fmt.Sprintf("%s %-20s %-24s id %-12s %s", mark, r.Name, sanitize.Line(r.Nickname), sanitize.Line(r.UserID), sanitize.Line(r.Site))
				if r.APIURL != "" {
					line += "  (" + sanitize.Line(r.APIURL) + ")"
				}
				fmt.Fprintln(a.io.Out, strings.TrimRight(line, " "))
			}
			return nil
		},
	}
}
