// Package firstrun is what `postsale` shows when no seller is logged in yet, like `gh auth
// login`'s first screen: what a seller needs (a Mercado Libre app), the exact redirect URI to
// register, the `postsale login` command, and the demo as a way to look around first.
package firstrun

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

// DevelopersURL is where a seller creates the app postsale logs in with.
const DevelopersURL = "https://developers.mercadolibre.com/devcenter"

// Options is what the screen says about this machine's settings.
type Options struct {
	// RedirectURI is the redirect URI `postsale login` will send (config redirect_uri or
	// MELI_REDIRECT_URI), "" when none is set yet.
	RedirectURI string
	// ClientID is the app's client id when already configured.
	ClientID string
	// Site is the seller's site when known (MLM, MLB, …), for the login command shown.
	Site string
	// ConfigFile is where the settings are read from.
	ConfigFile string
}

// Model is the first-run screen.
type Model struct {
	opts   Options
	styles *common.Styles
	vp     viewport.Model
	ready  bool
	done   bool // quitting: the whole text stays on the terminal, like gh's
	width  int
	quit   key.Binding
}

// New builds the screen with the session's styles.
func New(styles *common.Styles, opts Options) *Model {
	return &Model{opts: opts, styles: styles,
		quit: key.NewBinding(key.WithKeys("q", "esc", "enter", "ctrl+c"))}
}

// Init does nothing: the screen needs no request.
func (m *Model) Init() tea.Cmd { return nil }

// Update scrolls the text and quits on q, esc, enter or ctrl+c (the front end runs it inline, so
// the text stays on the terminal to copy the commands from).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		if !m.ready {
			m.vp = viewport.New(msg.Width, max(msg.Height-1, 1))
			m.ready = true
		}
		m.width = msg.Width
		m.vp.Width, m.vp.Height = msg.Width, max(msg.Height-1, 1)
		m.vp.SetContent(m.Text(msg.Width))
		return m, nil
	case tea.KeyMsg:
		if key.Matches(msg, m.quit) {
			m.done = true
			return m, tea.Quit
		}
		switch msg.String() {
		case "end", "G":
			m.vp.GotoBottom()
			return m, nil
		case "home", "g":
			m.vp.GotoTop()
			return m, nil
		}
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return m, cmd
}

// View is the text and a one-line footer.
func (m *Model) View() string {
	if m.done || !m.ready { // quitting, or no terminal size known (output is not a terminal)
		return m.Text(m.width) + "\n"
	}
	foot := m.styles.Subtle.Render("q quits")
	if !m.vp.AtBottom() || !m.vp.AtTop() {
		foot = m.styles.Subtle.Render("↑/↓ scroll · q quits")
	}
	return m.vp.View() + "\n" + foot
}

// Text is the screen's text wrapped to width.
func (m *Model) Text(width int) string {
	st := m.styles
	o := m.opts
	site := o.Site
	if site == "" {
		site = "MLM"
	}
	login := "postsale login --site " + sanitize.Line(site)
	if o.ClientID == "" {
		login += " --client-id APP_ID"
	}
	type para struct {
		indent int
		text   string
	}
	var redirect []para
	if o.RedirectURI != "" {
		redirect = []para{
			{3, "Register exactly this redirect URI (postsale login sends it):"},
			{5, st.Title.Render(sanitize.Line(o.RedirectURI))},
		}
	} else {
		login += " --redirect-uri URI"
		redirect = []para{{3, "Register one HTTPS redirect URI (any page of yours: after authorizing you paste the " +
			"address the browser was sent to) and give postsale exactly the same one: redirect_uri in the " +
			"config file, MELI_REDIRECT_URI, or --redirect-uri below."}}
	}
	paras := []para{
		{0, st.Header.Render("Welcome to postsale")},
		{0, ""},
		{0, "No Mercado Libre account is logged in on this computer yet."},
		{0, ""},
		{0, "1. Create an app at " + st.Title.Render(DevelopersURL) + " (free, with your seller account)."},
	}
	paras = append(paras, redirect...)
	paras = append(paras,
		para{0, ""},
		para{0, "2. Log in with the app's id and secret (put the secret in MELI_CLIENT_SECRET, out of your " +
			"shell history); postsale opens the authorization page and keeps the session, refreshed on its own:"},
		para{5, st.Title.Render(login)},
		para{0, ""},
		para{0, "3. Run " + st.Title.Render("postsale") + " again."},
		para{0, ""},
		para{0, "Or look around first with demo data: " + st.Title.Render("postsale --demo")},
	)
	if o.ConfigFile != "" {
		paras = append(paras, para{0, ""}, para{0, st.Subtle.Render("Settings: " + sanitize.Line(o.ConfigFile))})
	}
	var lines []string
	for _, p := range paras {
		indent := p.indent
		if width > 0 && indent > width/4 {
			indent = 0
		}
		text := p.text
		if width > 0 {
			text = ansi.Wrap(text, max(width-indent, 1), " ")
		}
		for _, l := range strings.Split(text, "\n") {
			lines = append(lines, strings.Repeat(" ", indent)+l)
		}
	}
	text := strings.Join(lines, "\n")
	return text
}
