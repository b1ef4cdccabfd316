package compose

import (
	"context"
	"os"
	"os/exec"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	tpl "github.com/postsale/postsale/config/templates"
	"github.com/postsale/postsale/ui/common"
)

// $EDITOR in compose: ctrl+e saves the draft, writes the message and (below a separator line)
// the translation to a private temporary file, suspends the inbox and runs $VISUAL or $EDITOR
// (else vi) on it through tea.ExecProcess; when the editor exits the file is read back into the
// fields. Over SSH the editor would run on the server, so the key only explains that.

// EditorSeparator divides the message from the translation in the file the editor opens.
const EditorSeparator = "------ translation for the buyer below (keep this line) ------"

// editorReadyMsg: the draft is saved and the file written (inside common.TaskFinishedMsg).
type editorReadyMsg struct{ path string }

// editorExitedMsg: the editor process ended.
type editorExitedMsg struct {
	path string
	err  error
}

// editorReadMsg: the file was read back (inside common.TaskFinishedMsg).
type editorReadMsg struct {
	text, translation string
	separator         bool // false: the separator line was removed, the whole file is the message
}

// editorCommand is $VISUAL, else $EDITOR, else vi, split into program and arguments.
func editorCommand(path string) *exec.Cmd {
	ed := strings.TrimSpace(os.Getenv("VISUAL"))
	if ed == "" {
		ed = strings.TrimSpace(os.Getenv("EDITOR"))
	}
	args := strings.Fields(ed)
	if len(args) == 0 {
		args = []string{"vi"}
	}
	return exec.Command(args[0], append(args[1:], path)...)
}

// openEditor starts the round trip (ctrl+e).
func (m *Model) openEditor() tea.Cmd {
	if m.c.Served {
		text := "ctrl+e is not available in a served inbox: the editor would run on the server, not on your computer. Write the reply here."
		return func() tea.Msg { return common.StatusMsg{Text: text} }
	}
	if m.editing {
		return nil
	}
	m.editing = true
	_ = m.saveIfChanged() // record the draft: the task below writes it before the editor starts
	saver := m.saver
	content := m.text.Value() + "\n" + EditorSeparator + "\n" + m.translated.Value() + "\n"
	dir := m.c.CacheDir
	prepare := common.RunTask(m.c.Ctx, m.c.NewTask(m.owner(), "Opening your editor"), func(context.Context) (tea.Msg, error) {
		if saver != nil {
			if err := saver.Flush(); err != nil {
				return editorReadyMsg{}, err
			}
		}
		if dir != "" {
			_ = os.MkdirAll(dir, 0o700)
		}
		f, err := os.CreateTemp(dir, "postsale-reply-*.txt") // 0600
		if err != nil {
			return editorReadyMsg{}, err
		}
		_, err = f.WriteString(content)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(f.Name())
			return editorReadyMsg{}, err
		}
		return editorReadyMsg{path: f.Name()}, nil
	})
	return prepare
}

// updateEditor handles the round trip's messages; ok is false for others.
func (m *Model) updateEditor(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case common.TaskFinishedMsg:
		if msg.Task.Owner != m.owner() {
			return nil, false
		}
		switch res := msg.Msg.(type) {
		case editorReadyMsg:
			if msg.Err != nil {
				m.editing = false
				m.err = "Cannot open your editor: " + msg.Err.Error()
				return nil, true
			}
			path := res.path
			return tea.ExecProcess(editorCommand(path), func(err error) tea.Msg {
				return editorExitedMsg{path: path, err: err}
			}), true
		case editorReadMsg:
			m.editing = false
			if msg.Err != nil {
				m.err = "Your editor's text could not be read back (" + msg.Err.Error() + "); the draft is unchanged."
				return nil, true
			}
			// An editor can leave anything in the file: no escape sequence reaches the fields.
			m.text.SetValue(tpl.Clean(res.text))
			if res.separator {
				m.translated.SetValue(tpl.Clean(res.translation))
			}
			m.err, m.refused = "", nil
			var status tea.Cmd
			if !res.separator {
				status = func() tea.Msg {
					return common.StatusMsg{Text: "The separator line was gone: the whole file became the message; the translation is unchanged."}
				}
			}
			return tea.Batch(m.Focus(), m.saveIfChanged(), status), true
		}
	case editorExitedMsg:
		path := msg.path
		if msg.err != nil {
			m.editing = false
			os.Remove(path)
			m.err = "Your editor failed (" + msg.err.Error() + "); the draft is unchanged."
			return nil, true
		}
		return common.RunTask(m.c.Ctx, m.c.NewTask(m.owner(), "Reading your editor's text"), func(context.Context) (tea.Msg, error) {
			defer os.Remove(path)
			b, err := os.ReadFile(path)
			if err != nil {
				return editorReadMsg{}, err
			}
			return parseEditorFile(string(b)), nil
		}), true
	}
	return nil, false
}

// parseEditorFile splits the file at the separator line and trims each part's trailing newlines.
func parseEditorFile(s string) editorReadMsg {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == EditorSeparator {
			return editorReadMsg{
				text:        strings.TrimRight(strings.Join(lines[:i], "\n"), "\n"),
				translation: strings.TrimRight(strings.Join(lines[i+1:], "\n"), "\n"),
				separator:   true,
			}
		}
	}
	return editorReadMsg{text: strings.TrimRight(s, "\n")}
}
