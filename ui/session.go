package ui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/config/templates"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
)

// SessionOptions is everything one inbox needs from its front end: the local CLI gives its own
// terminal, an SSH server gives each session's. Nothing in a session is shared with another
// except what is passed in (the API client, the drafts folder, the logger).
type SessionOptions struct {
	// Ctx ends the session's work (requests, debounced saves) when it is cancelled.
	Ctx context.Context
	// Data is the API (or a store decorating it); *api.Client satisfies it. Required.
	Data common.Data
	// First is the store's first screen saved at the last exit (Store.SavedFirstScreen), when
	// Data's store is still opening (store.Start): the first frame shows it and its seen marks
	// instead of reading the store.
	First *store.FirstScreen
	// Renderer is the session's terminal: colour profile and background. Nil means a plain
	// renderer of its own (no colour), never the process-wide default.
	Renderer *lipgloss.Renderer
	// Width and Height are the terminal's size when known (a WindowSizeMsg follows anyway).
	Width, Height int
	// Location is where the session's person reads times; nil means UTC.
	Location *time.Location
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Opener opens links and files; nil only shows them (a server never launches anything).
	Opener *open.Opener
	// DraftsDir is the folder unsent replies are kept in, per Account and Person below it
	// (drafts.SessionDir); "" keeps drafts only in memory. Drafts, when set, is used instead.
	DraftsDir string
	Drafts    *drafts.Store
	// Account is the seller account's name (header, drafts folder); Person is who is at this
	// terminal (one of a team over SSH; "" for the local CLI).
	Account, Person string
	// Seller and Site are the seller's id and site when already known ("" reads /users/me).
	Seller, Site string
	// CacheDir holds attachments fetched to be opened; DownloadsDir is where saved ones go.
	CacheDir, DownloadsDir string
	// Logger is the session's log; nil discards.
	Logger *slog.Logger
	// RefreshInterval and OfflineRetry tune polling (zero: the defaults).
	RefreshInterval, OfflineRetry time.Duration
	// Theme is the colour theme (config.ThemeDefault, ThemeHighContrast, ThemeMono; "" default).
	Theme string
	// Templates are the reply-template folders, the person's own first, then the team's.
	Templates []templates.Layer
	// Served is set for a session over SSH: nothing may start a program on the server.
	Served bool
	// Keys remaps keys (config's [keys]: action → key names); NewSession refuses a table that
	// gives one key to two actions.
	Keys map[string][]string
	// Team is the team sharing a served inbox (presence, assignment, notes, sent-by); nil for
	// the local inbox, whose team keys then say they need `postsale serve`.
	Team common.Team
	// SavedHint is the command that fetches a saved attachment (a server's scp), shown and
	// copied after saving; nil says where it was saved.
	SavedHint func(path string) string
	// Translation is the translation mode conversations and list previews start in (the
	// `translation` setting); `t` changes it for the rest of the session.
	Translation common.TranslationMode
	// Demo is set when the data is the demo sandbox: the header says so, so nobody takes its
	// "Message sent." for a real one.
	Demo bool
	// TokenVar names the environment variable the access token came from ("" when it came from
	// a login): when Mercado Libre refuses the token, the sentence names the variable.
	TokenVar string
	// Seen keeps which conversations the seller has opened and marked done (triage.go); nil keeps
	// them in memory for this session only.
	Seen common.SeenStore
	// Notice is a sentence shown once in the status bar at start, until the first key (a local
	// store set aside because it was damaged, or one that could not open at all).
	// OfflineNotice is its wording while Mercado Libre cannot be reached (a store set aside is
	// rebuilt only once it can); "" shows Notice then too.
	Notice, OfflineNotice string
	// NotifyOut is where the bell and desktop notification for new buyer messages are written:
	// the session's own output (nil: notices off). NotifyEnv reads the terminal's TERM_PROGRAM,
	// TERM and TMUX to choose the notification (nil: the bell only).
	NotifyOut io.Writer
	NotifyEnv func(string) string
}

// NewSession builds one inbox: its common state, styles and keymaps from its renderer, its
// drafts, opener, clock and time zone. The front end runs the returned model with its own
// input and output (tea.NewProgram(m, tea.WithInput(...), tea.WithOutput(...))).
func NewSession(o SessionOptions) (*Model, error) {
	if o.Data == nil {
		return nil, errors.New("an inbox needs an API client")
	}
	ctx := o.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	r := o.Renderer
	if r == nil {
		r = lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii))
	}
	c := common.New(ctx, o.Data, r)
	if o.Theme != "" {
		c.Styles = common.StylesFor(r, o.Theme)
	}
	if err := CheckKeys(o.Keys); err != nil {
		return nil, err
	}
	c.Keys = o.Keys
	c.Templates, c.Served = o.Templates, o.Served
	c.Team, c.SavedHint = o.Team, o.SavedHint
	c.Translation = o.Translation
	c.Location = o.Location
	if c.Location == nil {
		c.Location = time.UTC
	}
	if o.Now != nil {
		c.Now = o.Now
	}
	if o.Logger != nil {
		c.Logger = o.Logger
	}
	c.Opener = o.Opener
	c.Account, c.Seller, c.Site = o.Account, o.Seller, o.Site
	c.CacheDir, c.DownloadsDir = o.CacheDir, o.DownloadsDir
	switch {
	case o.Drafts != nil:
		c.Drafts = o.Drafts
	case o.DraftsDir != "":
		c.Drafts = drafts.NewStore(drafts.SessionDir(o.DraftsDir, o.Account, o.Person))
	}
	if o.Seen != nil {
		c.Seen = common.NewSeen(o.Seen)
		// Kept in the local store, the marks are read with the list's first screen: the first
		// frame shows what the seller opened, offline too (the list is built next). A saved
		// first screen has its packs' marks.
		if o.First != nil {
			c.Seen.PreloadMarks(sessionMarks(o.First.Marks))
		} else if err := c.Seen.Preload(ctx); err != nil {
			c.Logger.Warn("seen state not read at start", "err", err)
		}
	}
	if o.Width > 0 && o.Height > 0 {
		c.Width, c.Height = o.Width, o.Height // the list's first screen reads as many rows
	}
	m := New(c, Options{RefreshInterval: o.RefreshInterval, OfflineRetry: o.OfflineRetry, First: o.First})
	m.demo, m.tokenVar = o.Demo, o.TokenVar
	m.notify = newNotifier(o.NotifyOut, o.NotifyEnv)
	m.startNotice, m.offlineNotice = sanitize.Line(o.Notice), sanitize.Line(o.OfflineNotice)
	if o.Width > 0 && o.Height > 0 {
		m.width, m.height = o.Width, o.Height
		m.resize()
	}
	return m, nil
}
