// Package common holds what every postsale view shares: the Common value (size, styles,
// client, clock), the async task pattern and the component interface. Nothing here is global:
// each program (each SSH session later) builds its own Common.
package common

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/config/templates"
	"github.com/postsale/postsale/ui/open"
)

// Common is handed to every component.
type Common struct {
	Ctx context.Context
	// Client is the session's data (data.go); views keep the narrow part they use.
	Client   Data
	Renderer *lipgloss.Renderer
	Styles   *Styles
	Logger   *slog.Logger
	// Now is the clock (tests fix it). Location is where local times are shown.
	Now      func() time.Time
	Location *time.Location
	// Seller is the logged-in seller's id; Site their site (MLM, MLB, MCO, MLC).
	Seller string
	Site   string
	// Account is the name shown in the header.
	Account string
	Width   int
	Height  int
	// Tasks numbers this program's tasks and keeps those in flight; only Update touches it.
	Tasks Tasks
	// Nav holds the navigation views asked for during the current Update (nav.go).
	Nav Navigation
	// Opener opens links and files for this session (browser, or print + OSC 52 over SSH);
	// nil shows them only.
	Opener *open.Opener
	// CacheDir holds attachments fetched to be opened; DownloadsDir is where they are saved.
	CacheDir     string
	DownloadsDir string
	// Drafts keeps unsent replies on disk (nil: drafts live only in memory).
	Drafts *drafts.Store
	// Templates are the folders reply templates are read from, the seller's own first (and, in
	// a served team inbox, the team's; with --demo the embedded ones). Empty: no templates.
	Templates []templates.Layer
	// DraftMarks are the packs with an unsent reply, for the list's marks (draftmarks.go).
	DraftMarks DraftMarks
	// Translation is the translation mode the session's views start in: the `translation`
	// setting, then the seller's last choice with `t` (kept for the session).
	Translation TranslationMode
	// Served is set when the session runs over SSH: nothing may start a program on the server's
	// terminal on the seller's behalf ($EDITOR is refused with a sentence).
	Served bool
	// Keys remaps keys: config's [keys] table, action → key names (remap.go). Each view applies
	// it when it builds its keymap.
	Keys map[string][]string
	// Team is the people sharing this inbox (team.go); nil in the local inbox.
	Team Team
	// SavedHint, when set, is the command that fetches an attachment saved to path (a served
	// inbox: scp through the server), shown and copied after saving; nil says "Saved to PATH.".
	SavedHint func(path string) string
	// Seen is what the seller has opened and marked done in this account (seen.go).
	Seen *Seen
}

// NewTask returns a task of owner and registers it as in flight (call it from Update, then run it
// with RunTask).
func (c *Common) NewTask(owner Owner, label string) Task {
	t := Task{ID: c.Tasks.Next(), Owner: owner, Label: label, Started: c.Now()}
	c.Tasks.start(t)
	return t
}

// New builds a Common with styles from r and sane defaults. A nil r is a plain renderer of its
// own (no colour), never the process-wide default: sessions do not share a terminal.
func New(ctx context.Context, client Data, r *lipgloss.Renderer) *Common {
	if r == nil {
		r = lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii))
	}
	return &Common{
		Ctx:      ctx,
		Client:   client,
		Renderer: r,
		Styles:   DefaultStyles(r),
		Logger:   slog.New(slog.DiscardHandler),
		Now:      time.Now,
		Location: time.Local,
		Seen:     NewSeen(nil),
	}
}

// Component is a view: a tea.Model that knows its keys and its size.
type Component interface {
	tea.Model
	help.KeyMap
	SetSize(width, height int)
}
