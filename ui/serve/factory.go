package serve

import (
	"context"
	"io"
	"log/slog"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/config/templates"
	"github.com/postsale/postsale/ui"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
)

// Shared is what every served inbox shares: the one API client (and through it the one
// transport and rate limiter of the process) and the server's settings.
type Shared struct {
	Client          *api.Client
	Logger          *slog.Logger
	Site            string
	Account         string
	RefreshInterval time.Duration
	OSC8            bool
	// Templates are the team's reply-template folders, shared by every session.
	Templates []templates.Layer
	// Keys is the server's [keys] remapping, applied in every session (read only).
	Keys map[string][]string
	// Demo is set when the client talks to the demo sandbox: every header says so.
	Demo bool
	// Data, when set, is what every session reads and writes instead of Client: one local store
	// (store.Data) for all of them. Notice is its sentence for each session's status bar,
	// OfflineNotice its wording while Mercado Libre cannot be reached.
	Data                  common.Data
	Notice, OfflineNotice string
	// Notify rings each person's terminal (their own session) when a buyer writes.
	Notify bool
}

// Person is one served session as its inbox needs it.
type Person struct {
	Member string
	// Ctx ends with the session.
	Ctx context.Context
	// Renderer is the session's own (bubbletea.MakeRenderer(sess)): its colour profile and
	// background; every style of the inbox is built from it.
	Renderer *lipgloss.Renderer
	// Out is the session: OSC 52 (copy a link to this person's clipboard) is written there.
	Out io.Writer
	// Getenv reads the session's environment (with SSH_CONNECTION set, so `open` shows and
	// copies instead of launching anything on the server).
	Getenv func(string) string
	// Location is the person's time zone (their TZ, else the server's).
	Location *time.Location
	// DraftsDir, DownloadsDir and CacheDir are this person's directories on the server.
	DraftsDir, DownloadsDir, CacheDir string
	// Seen keeps this person's triage (conversations opened, marked done) on the server, so it
	// survives reconnects (ui.StoreSeen in the account's store, else a seen.Dir under their
	// folder); nil keeps it for the session only.
	Seen common.SeenStore
	// Team is this session's view of the team (NewTeam); nil shows no team.
	Team common.Team
	// SavedHint is the command that fetches a saved attachment (scp through this server).
	SavedHint func(path string) string
}

// NewInbox builds one person's inbox: the same root model as the local inbox, with its own
// Common (renderer, styles, size, clock zone, opener, drafts). This is the one place a served
// inbox is put together; the session builder of the restructuring (issue 9) replaces its body.
func NewInbox(sh *Shared, p Person) tea.Model {
	var data common.Data = sh.Client
	if sh.Data != nil {
		data = sh.Data
	}
	so := ui.SessionOptions{
		Ctx:             p.Ctx,
		Data:            data,
		Renderer:        p.Renderer,
		Location:        p.Location,
		Opener:          open.New(open.Auto, p.Out, open.WithEnv(p.Getenv), open.WithHyperlinks(sh.OSC8)),
		Drafts:          drafts.NewStore(p.DraftsDir),
		Account:         sh.Account,
		Person:          p.Member,
		Site:            sh.Site,
		CacheDir:        p.CacheDir,
		DownloadsDir:    p.DownloadsDir,
		Logger:          sh.Logger.With("member", p.Member),
		RefreshInterval: sh.RefreshInterval,
		Templates:       sh.Templates,
		Keys:            sh.Keys,
		Served:          true,
		Team:            p.Team,
		SavedHint:       p.SavedHint,
		Demo:            sh.Demo,
		Notice:          sh.Notice,
		OfflineNotice:   sh.OfflineNotice,
		Seen:            p.Seen,
	}
	if sh.Notify {
		so.NotifyOut, so.NotifyEnv = p.Out, p.Getenv
	}
	m, err := ui.NewSession(so)
	if err != nil {
		return errorModel{err: err}
	}
	return m
}

// errorModel is a session whose inbox could not be built: it says why and ends.
type errorModel struct{ err error }

func (e errorModel) Init() tea.Cmd                       { return tea.Quit }
func (e errorModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return e, tea.Quit }
func (e errorModel) View() string                        { return "postsale: " + sanitize.Line(e.err.Error()) + "\n" }
