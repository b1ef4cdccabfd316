package cli

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/config/secrets"
	"github.com/postsale/postsale/ui/serve"
)

// serveFlags are `postsale serve`'s own flags.
type serveFlags struct {
	addr, hostKey, team            string
	idle, keepAlive, loginGrace    time.Duration
	perPerson, maxTotal, maxLogins int
}

func (a *app) serveCommand() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the inbox over SSH to a team sharing this machine's Mercado Libre session",
		Long: `Serve the inbox over SSH: every person listed in the team file connects with their own SSH key
(ssh -p 2222 this-host) and gets their own inbox on the one Mercado Libre account logged in on
this machine (postsale login). The token never leaves this machine. Teammates see who else is
connected and where; a reply sent by one shows at once in the others' conversation.

The team file (default $XDG_CONFIG_HOME/postsale/team.toml) lists each person and their keys:

  [[member]]
  name = "Ana"
  keys = ["ssh-ed25519 AAAAC3Nza... ana@laptop"]

The host key is generated on first start. Send SIGHUP to re-read the team file.`,
		Example: "  postsale serve --addr 0.0.0.0:2222\n  postsale serve --demo --addr 127.0.0.1:2222",
		Args:    args(noArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runServe(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", serve.DefaultAddr, "address to listen on")
	fl.StringVar(&f.hostKey, "host-key", "", "host key file, generated when absent (default $XDG_STATE_HOME/postsale/serve/host_ed25519)")
	fl.StringVar(&f.team, "team", "", "team file (default $XDG_CONFIG_HOME/postsale/team.toml)")
	fl.DurationVar(&f.idle, "idle-timeout", serve.DefaultIdleTimeout, "close a session after this long without a key, and a connection after this long without a session (ssh -N) (0: never)")
	fl.DurationVar(&f.keepAlive, "keepalive", serve.DefaultKeepAlive, fmt.Sprintf("interval of keep-alive requests to clients; a client that answers none of %d in a row is disconnected", serve.DefaultKeepAliveMax))
	fl.IntVar(&f.perPerson, "max-per-person", serve.DefaultMaxPerMember, "most sessions one person may have open")
	fl.IntVar(&f.maxTotal, "max-sessions", serve.DefaultMaxSessions, "most sessions in total")
	fl.DurationVar(&f.loginGrace, "login-grace", serve.DefaultLoginGrace, "close a connection that has not logged in after this long (0: never)")
	fl.IntVar(&f.maxLogins, "max-logins", serve.DefaultMaxLogins, "most connections still logging in at once; more are refused at once")
	return cmd
}

// errNoSession: serving needs the account's session on this machine.
var errNoSession = errors.New("there is no Mercado Libre session on this machine: run `postsale login` first (or `postsale serve --demo` to try it on the sandbox)")

func (a *app) runServe(cmd *cobra.Command, f serveFlags) error {
	ctx := cmd.Context()
	if err := a.loadSettings(); err != nil {
		return err
	}
	if !a.demo && a.settings.AccessToken == "" {
		dir, err := a.configDir()
		if err != nil {
			return err
		}
		reg, err := secrets.LoadRegistry(dir)
		if err != nil {
			return err
		}
		if len(reg.Accounts) == 0 && a.settings.Account == "" {
			return errNoSession
		}
	}
	if err := a.setup(ctx); err != nil {
		return err
	}
	env := a.io.Env
	state, err := config.StateDir(env)
	if err != nil {
		return err
	}
	cache, err := config.CacheDir(env)
	if err != nil {
		return err
	}
	dataDir := filepath.Join(state, "serve")
	if a.demo {
		dataDir = filepath.Join(state, "serve-demo") // demo notes and assignments stay apart
	}
	if f.hostKey == "" {
		f.hostKey = filepath.Join(state, "serve", "host_ed25519")
	}
	if f.team == "" {
		dir, err := a.configDir()
		if err != nil {
			return err
		}
		f.team = filepath.Join(dir, "team.toml")
	}
	// The server's own templates folder is the team's: every session reads it.
	layers, err := a.templateLayers()
	if err != nil {
		return err
	}
	idle, loginGrace := f.idle, f.loginGrace
	if idle == 0 {
		idle = -1 // the flag's 0 means never
	}
	if loginGrace == 0 {
		loginGrace = -1
	}
	shared := &serve.Shared{
		Client: a.client, Logger: a.log(), Site: a.settings.SiteID, Account: a.settings.Account,
		RefreshInterval: a.settings.RefreshInterval, OSC8: a.settings.OSC8,
		Templates: layers, Keys: a.settings.Keys, Demo: a.demo, Notify: a.settings.Notify,
	}
	// One local store for every session: the history is the account's, not a person's. The
	// team's assignments, notes and sent-by records live in it too, so they survive restarts.
	var teamStore *store.Store
	if st, err := a.openStoreQuiet(ctx); err != nil {
		a.log().Error("local store not opened", "err", err)
		shared.Notice = storeNotOpened
	} else {
		shared.Data = store.NewData(st, a.client, store.SyncOptions{BackfillShare: a.settings.BackfillShare})
		shared.Notice, shared.OfflineNotice = st.Notice(), st.NoticeFor(store.RebuildWhenReachable)
		if !a.demo { // the demo's store is temporary: its team state stays in serve-demo's file
			teamStore = st
		}
	}
	srv, err := serve.New(serve.Config{
		Addr: f.addr, HostKeyPath: f.hostKey, TeamFile: f.team,
		DataDir: dataDir, CacheDir: filepath.Join(cache, "serve"),
		Shared: shared, TeamStore: teamStore,
		Logger: a.log(), IdleTimeout: idle, KeepAlive: f.keepAlive,
		MaxPerMember: f.perPerson, MaxSessions: f.maxTotal,
		LoginGrace: loginGrace, MaxLogins: f.maxLogins,
	})
	if err != nil {
		return err
	}
	// Before the address is announced: a reload sent as soon as it shows must not kill the
	// server (SIGHUP's default).
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("serve: listen on %s: %w", f.addr, err)
	}
	fp, _ := srv.HostKeyFingerprint()
	people := fmt.Sprintf("%d people", len(srv.Team().Members))
	if len(srv.Team().Members) == 1 {
		people = "1 person"
	}
	fmt.Fprintf(a.io.Err, "postsale: serving the inbox on %s for %s (host key %s); Ctrl+C stops.\n",
		ln.Addr(), people, fp)
	a.log().Info("serving", "addr", ln.Addr().String(), "members", len(srv.Team().Members), "demo", a.demo)

	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	for {
		select {
		case <-hup:
			if err := srv.ReloadTeam(); err != nil {
				// The old team goes on serving; a service's terminal is seldom read.
				a.log().Error("team file not reloaded; the previous team is kept", "team", f.team, "err", err)
				fmt.Fprintln(a.io.Err, "postsale: team file not reloaded: "+err.Error())
			} else {
				fmt.Fprintln(a.io.Err, "postsale: team file reloaded.")
			}
		case err := <-done:
			_ = srv.Close()
			return err
		case <-ctx.Done():
			err := srv.Close()
			<-done
			return err
		}
	}
}
