package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/search"
)

// searchView puts the search over the stored history (ui/search) in the inbox: its results go
// back to it by owner, enter opens the conversation at the message, esc returns to the list.
type searchView struct {
	c    *common.Common
	m    search.Model
	keys searchKeys
}

type searchKeys struct{ Up, Down, Open, Back key.Binding }

func newSearchView(c *common.Common, s search.Searcher) *searchView {
	return &searchView{
		c: c,
		m: search.New(s, search.DefaultStyles(c.Renderer)).WithContext(c.Ctx).WithLocation(c.Location),
		keys: searchKeys{
			Up:   key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "up")),
			Down: key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "down")),
			Open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open at message")),
			Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		},
	}
}

var _ common.Component = (*searchView)(nil)

func (v *searchView) Init() tea.Cmd { return common.Own(common.SearchOwner(), v.m.Init()) }

// Typing: the query line has every key (q types a q).
func (v *searchView) Typing() bool { return true }

func (v *searchView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, v.keys.Back):
			return v, v.c.Navigate(common.BackMsg{})
		case key.Matches(k, v.keys.Open):
			if r, ok := v.m.Selected(); ok {
				return v, v.c.Navigate(common.OpenPackMsg{PackID: r.PackID, MessageID: r.MessageID, InTranslation: r.InTranslation})
			}
			return v, nil
		}
	}
	var cmd tea.Cmd
	v.m, cmd = v.m.Update(msg)
	return v, common.Own(common.SearchOwner(), cmd)
}

func (v *searchView) View() string { return v.m.View() }

func (v *searchView) SetSize(width, height int) {
	v.m, _ = v.m.Update(tea.WindowSizeMsg{Width: width, Height: height})
}

func (v *searchView) ShortHelp() []key.Binding {
	return []key.Binding{v.keys.Up, v.keys.Down, v.keys.Open, v.keys.Back}
}

func (v *searchView) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

// openSearch shows the search from the list, fresh: what is typed is a new query, never the
// end of the last one. Coming back from a result's conversation (back) keeps the search as it
// was instead, so the seller may go on to the next result.
func (m *Model) openSearch() tea.Cmd {
	s, ok := m.c.Client.(search.Searcher)
	if !ok {
		return nil
	}
	m.showHelp = false
	var cmd tea.Cmd
	if m.search == nil {
		m.search = newSearchView(m.c, s)
		cmd = m.search.Init()
	} else {
		m.search.m = m.search.m.Reset()
	}
	m.active = viewSearch
	m.resize()
	return cmd
}
