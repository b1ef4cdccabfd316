package attachments

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/filepicker"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

// PickedMsg is the file the seller chose (a path as typed or picked; not yet checked).
type PickedMsg struct{ Path string }

// PickCancelledMsg: the seller closed the picker without choosing.
type PickCancelledMsg struct{}

// PickerKeys are the picker's own keys; the list keys are the filepicker's.
type PickerKeys struct {
	Switch key.Binding // between the list and the typed path
	Cancel key.Binding
	Pick   key.Binding
	Up     key.Binding
	Down   key.Binding
	Into   key.Binding
	Parent key.Binding
}

func defaultPickerKeys() PickerKeys {
	return PickerKeys{
		Switch: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "type a path")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Pick:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "attach")),
		Up:     key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Into:   key.NewBinding(key.WithKeys("l", "right"), key.WithHelp("→/l", "open folder")),
		Parent: key.NewBinding(key.WithKeys("h", "left", "backspace"), key.WithHelp("←/h", "parent folder")),
	}
}

// Picker chooses a file to attach: a browsable list (bubbles filepicker) starting in a folder,
// and a field to type a path instead.
type Picker struct {
	c      *common.Common
	fp     filepicker.Model
	path   textinput.Model
	keys   PickerKeys
	typing bool
	width  int
	height int
}

// NewPicker opens the picker in dir ("" is the working directory).
func NewPicker(c *common.Common, dir string) *Picker {
	if dir == "" {
		if wd, err := os.Getwd(); err == nil {
			dir = wd
		} else {
			dir = "."
		}
	}
	fp := filepicker.New()
	fp.CurrentDirectory = dir
	fp.AutoHeight = false
	fp.ShowPermissions = false
	fp.Styles = filepicker.DefaultStylesWithRenderer(c.Renderer)
	fp.Styles.EmptyDirectory = c.Styles.Subtle.PaddingLeft(2).SetString("No files here: go to the parent folder (←) or type a path (tab).")
	fp.KeyMap.Back = key.NewBinding(key.WithKeys("h", "left", "backspace"), key.WithHelp("←/h", "parent folder")) // esc cancels instead
	ti := textinput.New()
	ti.Prompt = "Path: "
	ti.Placeholder = "~/Documents/invoice.pdf"
	ti.PromptStyle = c.Styles.Selected
	ti.PlaceholderStyle = c.Styles.Faint
	ti.TextStyle = c.Renderer.NewStyle()
	ti.Cursor.Style = c.Renderer.NewStyle()
	p := &Picker{c: c, fp: fp, path: ti, keys: defaultPickerKeys()}
	p.SetSize(80, 12)
	return p
}

// Init reads the starting folder.
func (p *Picker) Init() tea.Cmd { return p.fp.Init() }

// Dir is the folder the list shows.
func (p *Picker) Dir() string { return p.fp.CurrentDirectory }

// Typing reports whether keys go to the path field.
func (p *Picker) Typing() bool { return p.typing }

// SetSize sets the area the picker draws in.
func (p *Picker) SetSize(width, height int) {
	p.width, p.height = max(1, width), max(1, height)
	p.fp.SetHeight(max(1, p.height-3))
	p.path.Width = max(1, p.width-len(p.path.Prompt)-1)
}

// Update handles keys and the picker's directory reads (every message the owner does not know
// must reach it while it is open).
func (p *Picker) Update(msg tea.Msg) tea.Cmd {
	km, isKey := msg.(tea.KeyMsg)
	if isKey {
		switch {
		case key.Matches(km, p.keys.Cancel):
			return func() tea.Msg { return PickCancelledMsg{} }
		case key.Matches(km, p.keys.Switch):
			p.typing = !p.typing
			if p.typing {
				p.keys.Switch.SetHelp("tab", "browse")
				return p.path.Focus()
			}
			p.keys.Switch.SetHelp("tab", "type a path")
			p.path.Blur()
			return nil
		case p.typing && key.Matches(km, p.keys.Pick):
			typed := strings.TrimSpace(p.path.Value())
			if typed == "" {
				return nil
			}
			path := p.resolve(typed)
			return func() tea.Msg { return PickedMsg{Path: path} }
		}
		if p.typing {
			var cmd tea.Cmd
			p.path, cmd = p.path.Update(msg)
			return cmd
		}
	}
	var cmd tea.Cmd
	p.fp, cmd = p.fp.Update(msg)
	if ok, path := p.fp.DidSelectFile(msg); ok {
		return tea.Batch(cmd, func() tea.Msg { return PickedMsg{Path: path} })
	}
	return cmd
}

// resolve expands "~/" and makes a relative path relative to the folder shown.
func (p *Picker) resolve(typed string) string {
	if typed == "~" || strings.HasPrefix(typed, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			typed = filepath.Join(home, strings.TrimPrefix(typed[1:], "/"))
		}
	}
	if !filepath.IsAbs(typed) {
		typed = filepath.Join(p.fp.CurrentDirectory, typed)
	}
	return typed
}

// View draws the folder, the list and the path field.
func (p *Picker) View() string {
	st := p.c.Styles
	dir := sanitize.Line(p.fp.CurrentDirectory)
	title := st.Title.Render(ansi.Truncate("Attach a file · "+dir, p.width, "…"))
	list := p.fp.View()
	if p.typing {
		list = st.Faint.Render(list)
	}
	lines := strings.Split(strings.TrimRight(list, "\n"), "\n")
	if n := p.height - 3; len(lines) > n {
		lines = lines[:max(0, n)]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(sanitizeStyled(l), p.width, "…")
	}
	hint := "enter attach · tab type a path · esc cancel"
	if p.typing {
		hint = "enter attach this path · tab back to the list · esc cancel"
	}
	out := append([]string{title}, lines...)
	out = append(out, ansi.Truncate(p.path.View(), p.width, ""), st.Subtle.Render(ansi.Truncate(hint, p.width, "…")))
	return strings.Join(out, "\n")
}

// ShortHelp is the footer help while the picker is open.
func (p *Picker) ShortHelp() []key.Binding {
	if p.typing {
		return []key.Binding{p.keys.Pick, p.keys.Switch, p.keys.Cancel}
	}
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.Into, p.keys.Parent, p.keys.Pick, p.keys.Switch, p.keys.Cancel}
}

// FullHelp is the `?` help while the picker is open.
func (p *Picker) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
