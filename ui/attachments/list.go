package attachments

import (
	"context"
	"slices"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
)

// Item is a chosen file: checked, and once uploaded, its attachment id.
type Item struct {
	File      attach.File
	ID        string // set after a successful upload; reused by a retried send
	Uploading bool
	Progress  ProgressMsg
}

// ListKeys are the keys of the chosen-files list when it has the focus.
type ListKeys struct {
	Up     key.Binding
	Down   key.Binding
	Remove key.Binding
	Leave  key.Binding
}

func defaultListKeys() ListKeys {
	return ListKeys{
		Up:     key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "previous file")),
		Down:   key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "next file")),
		Remove: key.NewBinding(key.WithKeys("x", "backspace", "delete"), key.WithHelp("x", "remove file")),
		Leave:  key.NewBinding(key.WithKeys("esc", "tab", "shift+tab"), key.WithHelp("esc", "back to the text")),
	}
}

// List is the files chosen for one reply, shown under the text. It survives failed uploads and
// sends: only a successful send empties it (Clear).
type List struct {
	items   []Item
	sel     int
	focused bool
	Keys    ListKeys
	// AddKey is how the header names compose's attach key (it may be remapped).
	AddKey string
}

// NewList returns an empty list.
func NewList() *List { return &List{Keys: defaultListKeys(), AddKey: "ctrl+o"} }

// Add appends a checked file, refusing a 26th.
func (l *List) Add(f attach.File) error {
	if err := attach.CheckCount(len(l.items) + 1); err != nil {
		return err
	}
	l.items = append(l.items, Item{File: f})
	l.sel = len(l.items) - 1
	return nil
}

// Items returns the chosen files in order.
func (l *List) Items() []Item { return l.items }

// Len is the number of chosen files.
func (l *List) Len() int { return len(l.items) }

// Clear empties the list after a successful send.
func (l *List) Clear() { l.items, l.sel, l.focused = nil, 0, false }

// IDs returns the upload ids, and false when some file is not uploaded yet.
func (l *List) IDs() ([]string, bool) {
	ids := make([]string, 0, len(l.items))
	for _, it := range l.items {
		if it.ID == "" {
			return nil, false
		}
		ids = append(ids, it.ID)
	}
	return ids, true
}

// NextToUpload is the index of the first file without an id, or -1.
func (l *List) NextToUpload() int {
	return slices.IndexFunc(l.items, func(it Item) bool { return it.ID == "" })
}

// ForgetIDs drops every upload id, so the next send uploads again (the API said they expired).
func (l *List) ForgetIDs() {
	for i := range l.items {
		l.items[i].ID = ""
	}
}

// Focus gives the list the keyboard (when it has files).
func (l *List) Focus() bool {
	l.focused = len(l.items) > 0
	l.sel = min(max(0, l.sel), max(0, len(l.items)-1))
	return l.focused
}

// Blur takes the keyboard away.
func (l *List) Blur() { l.focused = false }

// Focused reports whether the list has the keyboard.
func (l *List) Focused() bool { return l.focused }

// Busy reports whether an upload is running (files cannot be removed meanwhile).
func (l *List) Busy() bool {
	return slices.ContainsFunc(l.items, func(it Item) bool { return it.Uploading })
}

// HandleKey moves the selection and removes files; it returns false for keys it does not use.
// Leaving (esc, tab) blurs the list.
func (l *List) HandleKey(msg tea.KeyMsg) (handled bool, status string) {
	switch {
	case key.Matches(msg, l.Keys.Up):
		l.sel = max(0, l.sel-1)
	case key.Matches(msg, l.Keys.Down):
		l.sel = min(len(l.items)-1, l.sel+1)
	case key.Matches(msg, l.Keys.Remove):
		if len(l.items) == 0 {
			return true, ""
		}
		if l.Busy() {
			return true, "Wait for the upload to finish before removing files."
		}
		name := l.items[l.sel].File.Name
		l.items = slices.Delete(l.items, l.sel, l.sel+1)
		l.sel = min(l.sel, len(l.items)-1)
		if len(l.items) == 0 {
			l.focused = false
		}
		return true, "Removed " + sanitize.Line(name) + "."
	case key.Matches(msg, l.Keys.Leave):
		l.focused = false
	default:
		return false, ""
	}
	return true, ""
}

// SetProgress records an upload's progress for the file at path.
func (l *List) SetProgress(p ProgressMsg) {
	for i := range l.items {
		if l.items[i].File.Path == p.Key && l.items[i].Uploading {
			l.items[i].Progress = p
		}
	}
}

// Lines draws the list in at most height lines: a header, then one line per file with size and
// type (a window around the selection when they do not all fit), the selected one marked when
// the list has the focus, progress while uploading.
func (l *List) Lines(c *common.Common, width, height int) []string {
	if len(l.items) == 0 || width < 1 || height < 1 {
		return nil
	}
	st := c.Styles
	head := "Attachments (" + itoa(len(l.items)) + "/" + itoa(api.MaxAttachmentsPerMsg) + ")"
	if !l.focused {
		head += " · " + l.AddKey + " add · tab to select, x to remove"
	} else {
		head += " · x remove · esc back"
	}
	out := []string{st.Subtle.Render(ansi.Truncate(head, width, "…"))}
	rows := height - 1
	from := 0
	if len(l.items) > rows {
		from = min(max(0, l.sel-rows/2), len(l.items)-rows)
	}
	for i := from; i < len(l.items) && len(out) < height; i++ {
		it := l.items[i]
		mark := "  "
		style := st.App
		if l.focused && i == l.sel {
			mark, style = "> ", st.Selected
		}
		state := ""
		switch {
		case it.Uploading && it.Progress.Key != "":
			state = " · uploading " + it.Progress.String()
		case it.Uploading:
			state = " · uploading…"
		case it.ID != "":
			state = " · uploaded"
		}
		line := mark + "📎 " + sanitize.Line(it.File.Name) + " · " + api.HumanSize(it.File.Size) + " · " + it.File.MIME + state
		out = append(out, style.Render(ansi.Truncate(line, width, "…")))
	}
	return out
}

// Has reports whether path is already in the list.
func (l *List) Has(path string) bool {
	return slices.ContainsFunc(l.items, func(it Item) bool { return it.File.Path == path })
}

// ShortHelp is the list's help while focused.
func (l *List) ShortHelp() []key.Binding {
	return []key.Binding{l.Keys.Up, l.Keys.Down, l.Keys.Remove, l.Keys.Leave}
}

func itoa(n int) string { return strconv.Itoa(n) }

// UploadedMsg is the result of one upload, delivered inside common.TaskFinishedMsg.
type UploadedMsg struct {
	Path string
	ID   string
}

// Upload starts uploading item i of the list through client as a task of owner, with progress (re-arm with
// ProgressMsg.Next). The item is marked uploading until Finish.
func (l *List) Upload(c *common.Common, client attach.Uploader, owner common.Owner, site string, i int) tea.Cmd {
	if i < 0 || i >= len(l.items) {
		return nil
	}
	l.items[i].Uploading = true
	l.items[i].Progress = ProgressMsg{}
	f := l.items[i].File
	meter := NewMeter(owner, f.Path)
	task := common.RunTask(c.Ctx, c.NewTask(owner, "Uploading "+sanitize.Line(f.Name)), func(ctx context.Context) (tea.Msg, error) {
		defer meter.Close()
		id, err := attach.UploadFile(ctx, client, site, f, meter.Report)
		return UploadedMsg{Path: f.Path, ID: id}, err
	})
	return tea.Batch(task, meter.Wait())
}

// Finish records an upload's end; it returns the sentence to show when it failed.
func (l *List) Finish(u UploadedMsg, err error) string {
	for i := range l.items {
		if l.items[i].File.Path == u.Path && l.items[i].Uploading {
			l.items[i].Uploading = false
			if err == nil {
				l.items[i].ID = u.ID
			}
		}
	}
	if err != nil {
		return "Upload failed: " + api.Explain(err) + " Your text and files are kept; press ctrl+s to try again."
	}
	return ""
}
