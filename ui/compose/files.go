package compose

import (
	"errors"
	"net/http"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/attachments"
	"github.com/postsale/postsale/ui/common"
)

// Files returns the files chosen for this reply.
func (m *Model) Files() []attachments.Item { return m.files.Items() }

// openPicker shows the file picker in the working directory (k is the key pressed); a served
// inbox refuses, whatever key led here.
func (m *Model) openPicker(k string) tea.Cmd {
	if m.c.Served {
		return refuseAttach(k)
	}
	m.Blur()
	m.files.Blur()
	m.picker = attachments.NewPicker(m.c, "")
	m.picker.SetSize(max(1, m.width), max(1, m.height-1))
	return common.Own(m.owner(), m.picker.Init())
}

// closePicker hides the picker and gives the keyboard back to the text.
func (m *Model) closePicker() tea.Cmd {
	m.picker = nil
	return m.Focus()
}

// fileCheckedMsg is a chosen file after attach.Check, done off the event loop.
type fileCheckedMsg struct {
	file attach.File
	err  error
}

// pick checks a chosen file (in a command: it reads the disk), then checked adds it.
func (m *Model) pick(path string) tea.Cmd {
	if m.c.Served {
		return refuseAttach(m.keys.Attach.Help().Key)
	}
	if m.files.Has(path) {
		return m.fileStatus("Not attached: "+sanitize.Line(path)+" is already attached.", errAlreadyAttached)
	}
	return common.Own(m.owner(), func() tea.Msg {
		f, err := attach.Check(path)
		return fileCheckedMsg{file: f, err: err}
	})
}

// checked adds a checked file, or says why not; the picker stays open after a refusal so another
// file can be chosen.
func (m *Model) checked(msg fileCheckedMsg) tea.Cmd {
	f, err := msg.file, msg.err
	if err == nil && m.files.Has(f.Path) {
		return m.fileStatus("Not attached: "+sanitize.Line(f.Path)+" is already attached.", errAlreadyAttached)
	}
	if err == nil {
		err = m.files.Add(f)
	}
	if err != nil {
		return m.fileStatus("Not attached: "+api.Explain(err), err)
	}
	m.err = ""
	m.layout()
	var cmd tea.Cmd
	if m.picker != nil {
		cmd = m.closePicker()
	}
	text := "Attached " + sanitize.Line(f.Name) + " (" + api.HumanSize(f.Size) + ", " + f.MIME + ")."
	return tea.Batch(cmd, func() tea.Msg { return common.StatusMsg{Text: text} })
}

var errAlreadyAttached = errors.New("already attached")

// fileStatus shows an attachment's problem beside the draft, and in the status bar when the
// composer is not on screen.
func (m *Model) fileStatus(text string, err error) tea.Cmd {
	m.err = text
	return m.errStatus(text, err)
}

// uploadNext starts the next upload a send needs; false when every file has its id.
func (m *Model) uploadNext() (tea.Cmd, bool) {
	i := m.files.NextToUpload()
	if i < 0 {
		return nil, false
	}
	site := sanitize.Line(m.site)
	if site == "" {
		site = sanitize.Line(m.c.Site)
	}
	m.uploading = true
	return m.files.Upload(m.c, m.data, m.owner(), site, i), true
}

// uploaded records one upload; the send goes on by itself when it was the last one.
func (m *Model) uploaded(u attachments.UploadedMsg, err error) tea.Cmd {
	if s := m.files.Finish(u, err); s != "" {
		m.uploading = false
		return m.fileStatus(s, err)
	}
	if cmd, more := m.uploadNext(); more {
		return cmd
	}
	m.uploading = false
	return m.send()
}

// updateFiles handles the picker's and the uploads' messages; ok is false for other messages.
func (m *Model) updateFiles(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case attachments.PickedMsg:
		return m.pick(msg.Path), true
	case attachments.PickCancelledMsg:
		return m.closePicker(), true
	case attachments.ProgressMsg:
		m.files.SetProgress(msg)
		return msg.Next(), true
	case tea.KeyMsg:
		if m.picker != nil {
			return common.Own(m.owner(), m.picker.Update(msg)), true
		}
		if m.files.Focused() {
			handled, status := m.files.HandleKey(msg)
			if !handled {
				return nil, true // the list has the keyboard: other keys do nothing
			}
			m.layout()
			var cmds []tea.Cmd
			if !m.files.Focused() {
				cmds = append(cmds, m.Focus())
			}
			if status != "" {
				cmds = append(cmds, func() tea.Msg { return common.StatusMsg{Text: status} })
			}
			return tea.Batch(cmds...), true
		}
		return nil, false
	}
	if m.picker != nil {
		if _, isTask := msg.(common.TaskFinishedMsg); !isTask {
			return common.Own(m.owner(), m.picker.Update(msg)), true // its folder reads
		}
	}
	return nil, false
}

// attachmentsExpired reports a send refused because upload ids are no longer valid (48 h).
func attachmentsExpired(err error) bool {
	var e *api.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.StatusCode == http.StatusUnprocessableEntity || strings.Contains(strings.ToLower(e.Message), "attachment key")
}

// filesHeight is how many lines the chosen files take under the fields.
func (m *Model) filesHeight() int {
	if m.files.Len() == 0 {
		return 0
	}
	return min(m.files.Len()+1, 6)
}
