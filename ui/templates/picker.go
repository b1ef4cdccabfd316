package templates

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"github.com/postsale/postsale/api"
	tpl "github.com/postsale/postsale/config/templates"
	"github.com/postsale/postsale/ui/common"
)

// LoadedMsg is the picker's load result (inside common.TaskFinishedMsg): the templates and the
// pack's variables. Info may be partial when the pack could not be read (InfoErr says why).
type LoadedMsg struct {
	Set     *tpl.Set
	Info    PackInfo
	InfoErr error
}

// ChosenMsg is emitted when the seller picks a template with enter: the texts expanded for the
// pack. Missing lists the variables still without a value (compose refuses to send them).
type ChosenMsg struct {
	PackID      string
	Name        string
	Text        string
	Translation string
	Missing     []string
}

// CancelledMsg is emitted when the seller leaves the picker with esc.
type CancelledMsg struct{ PackID string }

// KeyMap is the picker's keys.
type KeyMap struct {
	Up     key.Binding
	Down   key.Binding
	Choose key.Binding
	Cancel key.Binding
}

// DefaultKeyMap returns the picker's keys; typing filters.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "previous")),
		Down:   key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "next")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "insert")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// Model is the template picker for one pack.
type Model struct {
	c       *common.Common
	owner   common.Owner // the task owner its load reports to (compose's)
	packID  string
	site    string
	flavour tpl.Flavour
	keys    KeyMap
	filter  textinput.Model

	loading bool
	set     *tpl.Set
	info    PackInfo
	infoErr string
	loadErr string
	matches []fuzzy.Match // filtered templates, best first (Index into set.Names())
	names   []string
	cursor  int
	width   int
	height  int
}

// New returns a picker for packID on site; owner is the task owner its load reports to.
func New(c *common.Common, owner common.Owner, packID, site string) *Model {
	ti := textinput.New()
	ti.Prompt = "Template: "
	ti.Placeholder = "type to filter"
	ti.PromptStyle = c.Styles.Title
	ti.PlaceholderStyle = c.Styles.Faint
	ti.TextStyle = c.Renderer.NewStyle()
	ti.Cursor.Style = c.Renderer.NewStyle()
	ti.Focus()
	return &Model{c: c, owner: owner, packID: packID, site: site, flavour: tpl.CrossBorder, keys: DefaultKeyMap(), filter: ti, loading: true, width: 80, height: 20}
}

// Init reads the templates (disk) and the pack's variables (API) in the background.
func (m *Model) Init() tea.Cmd {
	layers, client, packID := m.c.Templates, m.c.Client, m.packID
	return tea.Batch(textinput.Blink, common.RunTask(m.c.Ctx, m.c.NewTask(m.owner, "Reading reply templates"),
		func(ctx context.Context) (tea.Msg, error) {
			set, err := tpl.Load(layers...)
			if err != nil {
				return LoadedMsg{}, err
			}
			res := LoadedMsg{Set: set, Info: PackInfo{Vars: tpl.Vars{tpl.VarPackID: packID}}}
			if client != nil {
				res.Info, res.InfoErr = LoadPackInfo(ctx, client, packID, nil)
			}
			return res, nil
		}))
}

// Loaded reports whether the templates have been read.
func (m *Model) Loaded() bool { return !m.loading }

// SetSize sets the area the picker draws in.
func (m *Model) SetSize(width, height int) { m.width, m.height = max(1, width), max(1, height) }

// Update filters, moves, picks, and takes its load result.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.TaskFinishedMsg:
		res, ok := msg.Msg.(LoadedMsg)
		if !ok || msg.Task.Owner != m.owner {
			return m, nil
		}
		m.loading = false
		if msg.Err != nil {
			m.loadErr = "Cannot read the templates: " + api.Explain(msg.Err)
			return m, nil
		}
		m.set, m.info = res.Set, res.Info
		m.flavour = res.Info.Flavour
		if m.info.Vars == nil {
			m.info.Vars = tpl.Vars{tpl.VarPackID: m.packID}
		}
		if res.InfoErr != nil {
			m.infoErr = "Some variables are unknown: " + api.Explain(res.InfoErr)
		}
		if m.info.Site == "" {
			m.info.Site = m.site
			m.info.Vars[tpl.VarSite] = m.site
		}
		m.names = m.set.Names()
		m.refilter()
		return m, nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.keys.Cancel):
			packID := m.packID
			return m, func() tea.Msg { return CancelledMsg{PackID: packID} }
		case key.Matches(msg, m.keys.Up):
			m.cursor = max(0, m.cursor-1)
			return m, nil
		case key.Matches(msg, m.keys.Down):
			m.cursor = max(0, min(len(m.matches)-1, m.cursor+1))
			return m, nil
		case key.Matches(msg, m.keys.Choose):
			return m, m.choose()
		}
	}
	before := m.filter.Value()
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	if m.filter.Value() != before {
		m.refilter()
	}
	return m, cmd
}

// refilter fuzzy-matches the filter against the template names; empty shows all, by name.
func (m *Model) refilter() {
	q := strings.TrimSpace(m.filter.Value())
	m.cursor = 0
	if q == "" {
		m.matches = m.matches[:0]
		for i, n := range m.names {
			m.matches = append(m.matches, fuzzy.Match{Str: n, Index: i})
		}
		return
	}
	m.matches = fuzzy.Find(q, m.names)
}

// Selected is the highlighted template's name, or "".
func (m *Model) Selected() string {
	if m.cursor < len(m.matches) {
		return m.matches[m.cursor].Str
	}
	return ""
}

// Preview is the selected template expanded for the pack.
func (m *Model) Preview() (tpl.Result, bool) {
	name := m.Selected()
	if name == "" || m.set == nil {
		return tpl.Result{}, false
	}
	return m.set.Get(name).Render(tpl.Context{Site: m.info.Site, Flavour: m.flavour, Vars: m.info.Vars}), true
}

func (m *Model) choose() tea.Cmd {
	r, ok := m.Preview()
	if !ok {
		return nil
	}
	out := ChosenMsg{PackID: m.packID, Name: r.Name, Text: r.Text, Translation: r.Translation, Missing: r.MissingNames()}
	return func() tea.Msg { return out }
}

// View draws the filter, the matching names and the preview: side by side when there is room.
func (m *Model) View() string {
	st := m.c.Styles
	lines := []string{common.Fit(m.filter.View(), m.width, "")}
	switch {
	case m.loading:
		return strings.Join(append(lines, st.Subtle.Render("Reading templates…")), "\n")
	case m.loadErr != "":
		return strings.Join(append(lines, st.Error.Render(common.Truncate(m.loadErr, m.width))), "\n")
	case m.set.Len() == 0:
		return strings.Join(append(lines, wrap(st.Subtle.Render("No templates yet: write them as NAME.txt (and NAME.es.txt, NAME.pt.txt, NAME.en.txt) in your templates folder, then press ctrl+t again. See postsale templates --help."), m.width)...), "\n")
	}
	bodyH := max(1, m.height-1)
	listW := min(24, max(12, m.width/4))
	names := m.nameLines(listW, bodyH)
	if m.width < 60 {
		// Narrow: the list, then the preview below it.
		n := min(len(names), max(1, bodyH/3))
		lines = append(lines, names[:n]...)
		lines = append(lines, m.previewLines(m.width, bodyH-n)...)
		return strings.Join(lines, "\n")
	}
	prevW := m.width - listW - 3
	preview := m.previewLines(prevW, bodyH)
	sep := st.Border.Render(" │ ")
	for i := range bodyH {
		l, p := "", ""
		if i < len(names) {
			l = names[i]
		}
		if i < len(preview) {
			p = preview[i]
		}
		lines = append(lines, common.Fit(l, listW, "")+sep+p)
	}
	return strings.Join(lines, "\n")
}

// nameLines lists the matches, the selected one marked, scrolled to keep it visible.
func (m *Model) nameLines(width, height int) []string {
	st := m.c.Styles
	if len(m.matches) == 0 {
		return []string{st.Subtle.Render("no match")}
	}
	start := max(0, m.cursor-height+1)
	var out []string
	for i := start; i < len(m.matches) && len(out) < height; i++ {
		name := common.Truncate(m.matches[i].Str, width-2)
		if i == m.cursor {
			out = append(out, st.Selected.Render("> "+name)) // the marker keeps it visible without colour
		} else {
			out = append(out, "  "+name)
		}
	}
	return out
}

// previewLines is the expanded message and translation, each with its count and Latin-1 check,
// and the variables still to fill, highlighted where they stand.
func (m *Model) previewLines(width, height int) []string {
	st := m.c.Styles
	r, ok := m.Preview()
	if !ok {
		return nil
	}
	var out []string
	section := func(title, text string, missing []tpl.Missing) {
		out = append(out, st.Title.Render(title)+"  "+m.counter(text))
		if text == "" {
			out = append(out, st.Faint.Render("(empty)"))
			return
		}
		out = append(out, wrap(highlight(text, missing, st.Highlight.Render), width)...)
	}
	section("Message", r.Text, r.Missing)
	if r.Translation != "" {
		out = append(out, "")
		section("Translation ("+r.Lang+")", r.Translation, r.MissingTranslation)
	}
	if miss := r.Missing; len(miss)+len(r.MissingTranslation) > 0 {
		var parts []string
		seen := map[string]bool{}
		for _, x := range append(append([]tpl.Missing{}, miss...), r.MissingTranslation...) {
			if !seen[x.Name] {
				seen[x.Name] = true
				parts = append(parts, "{{"+x.Name+"}} ("+x.Reason()+")")
			}
		}
		out = append(out, "")
		out = append(out, wrap(st.Warning.Render("To fill before sending: "+strings.Join(parts, ", ")), width)...)
	}
	if m.infoErr != "" {
		out = append(out, wrap(st.Subtle.Render(m.infoErr), width)...)
	}
	if len(out) > height {
		out = out[:height]
	}
	return out
}

// counter is "n/350 · Latin-1 ok", or what is wrong, highlighted.
func (m *Model) counter(s string) string {
	st := m.c.Styles
	n := api.TextLength(s)
	c := strconv.Itoa(n) + "/" + strconv.Itoa(api.MaxTextLength)
	if n > api.MaxTextLength {
		c = st.Highlight.Render(c+" too long") + ""
	} else {
		c = st.Subtle.Render(c)
	}
	if bad := api.UnsupportedRunes(s); len(bad) > 0 {
		return c + " " + st.Error.Render(fmt.Sprintf("✗ %d character(s) not accepted", len(bad)))
	}
	return c + " " + st.Subtle.Render("✓ Latin-1")
}

// highlight renders the placeholders left in text with mark. Template texts and values are
// cleaned when loaded, so the text itself carries no escape sequences.
func highlight(text string, missing []tpl.Missing, mark func(...string) string) string {
	var b strings.Builder
	last := 0
	for _, x := range missing {
		if x.Start < last || x.End > len(text) {
			continue
		}
		b.WriteString(text[last:x.Start])
		b.WriteString(mark(text[x.Start:x.End]))
		last = x.End
	}
	b.WriteString(text[last:])
	return b.String()
}

func wrap(s string, width int) []string {
	return strings.Split(ansi.Wrap(s, max(1, width), " "), "\n")
}

// ShortHelp is the footer's help while picking.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Up, m.keys.Down, m.keys.Choose, m.keys.Cancel}
}

// FullHelp is the `?` overlay's help while picking.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
