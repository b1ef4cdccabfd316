package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/config/seen"
	"github.com/postsale/postsale/ui"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
)

// inboxSession is the session options of the local terminal, from the settings: this front end's
// output, renderer, time zone and opener; the SSH server builds its own per connection.
func (a *app) inboxSession(cmd *cobra.Command) (ui.SessionOptions, error) {
	env := a.io.Env
	getenv := func(k string) string { v, _ := env(k); return v }
	// NO_COLOR: no colour, but emphasis stays so the cursor and the focus remain visible.
	theme := a.settings.Theme
	var r *lipgloss.Renderer
	if v, ok := env("NO_COLOR"); ok && v != "" {
		theme, r = config.ThemeMono, common.NoColorRenderer(a.io.Out)
		r.SetHasDarkBackground(darkBackground(getenv)) // never ask the terminal (theme.go)
	} else {
		r = inboxRenderer(a.io.Out, getenv)
	}
	layers, err := a.templateLayers()
	if err != nil {
		return ui.SessionOptions{}, err
	}
	o := ui.SessionOptions{
		Ctx:             cmd.Context(),
		Data:            a.client,
		Renderer:        r,
		Theme:           theme,
		Templates:       layers,
		Location:        time.Local,
		Opener:          open.New(open.Mode(a.settings.Open), a.io.Out, open.WithEnv(getenv), open.WithHyperlinks(a.settings.OSC8)),
		Site:            a.settings.SiteID,
		Account:         a.settings.Account,
		DownloadsDir:    a.settings.ExpandedDownloadsDir(env),
		Logger:          a.log(),
		RefreshInterval: a.settings.RefreshInterval,
		Keys:            a.settings.Keys,
	}
	// The terminal's size, when the output is one: the first screen reads only as many stored
	// packs as it can show (a WindowSizeMsg follows anyway).
	if f, ok := a.io.Out.(*os.File); ok {
		if w, h, err := term.GetSize(f.Fd()); err == nil {
			o.Width, o.Height = w, h
		}
	}
	// Validated by config; an unknown word (impossible there) opens in original.
	o.Translation, _ = common.ParseTranslation(a.settings.Translation)
	if a.settings.Notify {
		o.NotifyOut, o.NotifyEnv = a.io.Out, getenv
	}
	cache, err := config.CacheDir(env)
	if err != nil {
		return o, err
	}
	o.CacheDir = cache
	o.Demo, o.TokenVar = a.demo, a.tokenVar()
	if !a.demo { // the demo's triage lives as long as the demo
		seenDir, err := seen.Open(env)
		if err != nil {
			return o, err
		}
		o.Seen = seenDir
	}
	store, err := a.inboxDrafts()
	if err != nil {
		return o, err
	}
	// One seller at this terminal: the drafts folder itself, as earlier versions kept it.
	o.Drafts = store
	return o, nil
}

// inboxDrafts is where the inbox keeps unsent replies: the seller's drafts folder, or with
// --demo a temporary one removed when the demo ends, as its store is, so the demo never
// restores, discards or writes the seller's own drafts (its packs are real pack ids).
func (a *app) inboxDrafts() (*drafts.Store, error) {
	if !a.demo {
		return drafts.Open(a.io.Env)
	}
	dir, err := os.MkdirTemp("", "postsale-demo-drafts-")
	if err != nil {
		return nil, fmt.Errorf("create the demo's temporary drafts folder: %w", err)
	}
	store := drafts.NewStore(dir)
	// After the inbox wrote what typing left pending (runInbox): a save that wakes later is
	// refused rather than creating the folder again.
	a.cleanup = append(a.cleanup, func() {
		store.Close()
		os.RemoveAll(dir)
	})
	return store, nil
}

// storeWait is how long the inbox waits for its store before Bubble Tea takes the terminal.
const storeWait = 50 * time.Millisecond

// runInbox starts the Bubble Tea inbox on the configured API (or the --demo sandbox).
func (a *app) runInbox(cmd *cobra.Command, _ []string) error {
	// A terminal that goes away (its window closed, the SSH connection to this machine dropped)
	// ends the inbox as Ctrl+C does, instead of killing it: what typing left pending is written
	// and the store closed (a demo's temporary one removed). Only here: serve re-reads its team
	// file on SIGHUP.
	ctx, stopHangup := signal.NotifyContext(cmd.Context(), syscall.SIGHUP)
	defer stopHangup()
	a.wantStore = true // opened while setup goes on (storeAhead)
	// The session's work (syncs, the history backfill) ends with the inbox, before the store
	// closes.
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var so ui.SessionOptions
	// session sets up the API client and the session's options; errLoggedOut when no account
	// is logged in after all.
	session := func() error {
		if err := a.setup(ctx); err != nil {
			return err
		}
		if a.loggedOut {
			return errLoggedOut
		}
		var err error
		if so, err = a.inboxSession(cmd); err != nil {
			return err
		}
		so.Ctx = sctx
		return nil
	}
	var start *starting
	first := a.ahead != nil && a.ahead.deferred
	if first {
		// The store saved its first screen at the inbox's last exit and nothing wrote it since
		// (storeAhead): Bubble Tea starts at once, and setup, the session and that screen are
		// built while its first frame is due; the store opens once the frame is drawn. Only the
		// log is opened first: its one possible note goes to the terminal, which Bubble Tea is
		// about to take.
		a.log()
		start = newStarting(func() (*ui.Model, error) {
			if err := session(); err != nil {
				return nil, err // errLoggedOut: the first run's screen follows this program
			}
			a.onFirstScreen(&so)
			return ui.NewSession(so)
		})
		start.waiting = "reading your account" // the store is not waited for: setup is slow (a keyring)
	} else {
		if err := session(); errors.Is(err, errLoggedOut) {
			return a.runFirstRun(ctx) // firstrun.go
		} else if err != nil {
			return err
		}
		// The store has been opening since setup knew the account (storeAhead); the rest of
		// the inbox (its first screen, the views) is built while Bubble Tea takes the terminal
		// (starting.go). Bubble Tea draws its first frame a frame after it starts: started once
		// the store is open (a few milliseconds), that frame comes as the inbox is ready
		// instead of a frame later. A store another process keeps busy does not hold the
		// terminal blank: after storeWait Bubble Tea starts anyway, and says what it waits for
		// once that takes slowBuild.
		opened := make(chan struct{})
		go func() {
			defer close(opened)
			a.withStore(sctx, &so)
		}()
		select {
		case <-opened:
		case <-time.After(storeWait):
		}
		start = newStarting(func() (*ui.Model, error) {
			<-opened
			return ui.NewSession(so)
		})
	}
	// Up to 120 frames a second (Bubble Tea's maximum; its default is 60): a key or the built
	// inbox is on screen at most 8 ms after it changed the view, not 17. A frame is only
	// written when the view changed.
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(a.io.In), tea.WithOutput(a.io.Out), tea.WithFPS(120)}
	if f, ok := a.io.Out.(*os.File); ok && f == os.Stdout {
		opts = append(opts, tea.WithAltScreen())
	}
	p := tea.NewProgram(start, opts...)
	start.buildFor(p)
	if first {
		go a.sayStoreOpened(sctx, p)
	}
	_, err := p.Run()
	// A program ended before the inbox was built waits for the build to end (it uses the
	// store, which closes after this); the session's context ends the build's work early.
	cancel()
	<-start.done
	if errors.Is(start.err, errLoggedOut) {
		return a.runFirstRun(ctx)
	}
	// A seen state being written is finished before the store closes and the process ends (the
	// build is over: so is no longer written).
	if c, ok := so.Seen.(interface{ Close() }); ok {
		c.Close()
	}
	// A signal ends the program without the quit key: write what typing left pending.
	if start.inbox != nil {
		if ferr := start.inbox.FlushDrafts(); ferr != nil {
			a.log().Error("drafts not saved", "err", ferr)
		}
		a.keepFirstScreen(start.inbox.Height())
	}
	if err == nil && start.err != nil {
		return start.err
	}
	if err != nil && errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // Ctrl+C through the context is a normal way out
	}
	if err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	return nil
}

// errLoggedOut ends an inbox started on its saved first screen whose setup found no account
// logged in after all: the first run's screen follows.
var errLoggedOut = errors.New("logged out")
