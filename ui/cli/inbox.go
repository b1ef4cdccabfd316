package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/ui"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/sanitize"
)

// newInboxModel is the inbox's root model; the one line to change when the UI package lands.
func newInboxModel(c *common.Common, s *config.Settings) tea.Model {
	return ui.New(c, ui.Options{RefreshInterval: s.RefreshInterval})
}

// runInbox starts the Bubble Tea inbox on the configured API (or the --demo sandbox).
func (a *app) runInbox(cmd *cobra.Command, _ []string) error {
	ctx := cmd.Context()
	if err := a.setup(ctx); err != nil {
		return err
	}
	r := lipgloss.NewRenderer(a.io.Out)
	c := common.New(ctx, a.client, r)
	c.Site = a.settings.SiteID
	c.Account = a.settings.Account
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(a.io.In), tea.WithOutput(a.io.Out)}
	if f, ok := a.io.Out.(*os.File); ok && f == os.Stdout {
		opts = append(opts, tea.WithAltScreen())
	}
	_, err := tea.NewProgram(newInboxModel(c, a.settings), opts...).Run()
	if err != nil && errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // Ctrl+C through the context is a normal way out
	}
	if err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	return nil
}

// placeholder is shown until the inbox lands: it proves the client works by asking who the seller
// is and how many conversations wait, then quits on q.
type placeholder struct {
	c        *common.Common
	demo     bool
	apiURL   string
	me       *api.User
	unread   *api.Unread
	err      error
	width    int
	quitting bool
}

type placeholderLoaded struct {
	me     *api.User
	unread *api.Unread
	err    error
}

func newPlaceholder(c *common.Common, s *config.Settings) *placeholder {
	return &placeholder{c: c, apiURL: c.Client.BaseURL(), demo: s.APIURL != c.Client.BaseURL()}
}

func (p *placeholder) Init() tea.Cmd {
	client, ctx := p.c.Client, p.c.Ctx
	return func() tea.Msg {
		me, err := client.Me(ctx)
		if err != nil {
			return placeholderLoaded{err: err}
		}
		u, err := client.UnreadPacks(ctx)
		return placeholderLoaded{me: me, unread: u, err: err}
	}
}

func (p *placeholder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		p.width = msg.Width
	case placeholderLoaded:
		p.me, p.unread, p.err = msg.me, msg.unread, msg.err
	case tea.KeyMsg:
		switch msg.String() {
		case "q", "ctrl+c", "esc":
			p.quitting = true
			return p, tea.Quit
		}
	}
	return p, nil
}

func (p *placeholder) View() string {
	if p.quitting {
		return ""
	}
	st := p.c.Styles
	var b strings.Builder
	b.WriteString(st.Header.Render("postsale") + "\n\n")
	where := "Mercado Libre"
	if p.demo {
		where = "the demo sandbox"
	}
	fmt.Fprintf(&b, "Connected to %s (%s).\n", where, sanitize.Line(p.apiURL))
	switch {
	case p.err != nil:
		b.WriteString(st.Error.Render(sanitize.Line(api.Explain(p.err))) + "\n")
	case p.me == nil:
		b.WriteString(st.Subtle.Render("Checking your account…") + "\n")
	default:
		fmt.Fprintf(&b, "Seller %s (%s, site %s).\n", sanitize.Line(p.me.Nickname), sanitize.Line(string(p.me.ID)), sanitize.Line(p.me.SiteID))
		total := 0
		for _, r := range p.unread.Results {
			total += r.Count
		}
		fmt.Fprintf(&b, "%d unread messages in %d conversations.\n", total, len(p.unread.Results))
	}
	b.WriteString("\n" + st.Subtle.Render("The inbox screens are not wired into this build yet; try `postsale unread` and `postsale messages`. q quits.") + "\n")
	return b.String()
}
