package compose

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
	"github.com/postsale/postsale/api/transport"
	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/sanitize"
)

// Drafts on disk and sends that never reach a buyer twice.

// verifyReadLimit is how many of the newest messages are searched for a send whose answer was lost.
const verifyReadLimit = 20

// sendSkew tolerates a clock difference between this machine and Mercado Libre when deciding
// whether a message in the conversation is newer than the send.
const sendSkew = 2 * time.Minute

// VerifiedMsg is the result of re-reading the conversation after an ambiguous send, delivered
// inside common.TaskFinishedMsg.
type VerifiedMsg struct {
	LocalID string
	Request api.SendRequest
	// Found is the sent message when it is in the conversation.
	Found *api.Message
	// SendErr is the send's own failure (reported when the message is not found).
	SendErr error
}

// restoreDraft fills the fields from the saved draft of this pack, if any.
func (m *Model) restoreDraft() {
	if m.c.Drafts == nil {
		return
	}
	m.saver = drafts.NewDebouncer(m.c.Ctx, m.c.Drafts, 0)
	d, err := m.c.Drafts.Load(m.packID)
	if err != nil {
		m.err = "Your saved draft could not be read (" + err.Error() + "); it is left on disk."
		return
	}
	m.text.SetValue(d.Text)
	m.translated.SetValue(d.TextTranslated)
	m.restoreFiles(d.Files)
	m.savedAs = m.draftKey()
}

// restoreFiles re-checks the files a saved draft had chosen; a file gone or changed since is
// left out and named, the rest are attached again (uploads happen on send, as always).
func (m *Model) restoreFiles(paths []string) {
	var missing []string
	for _, p := range paths {
		if m.files.Has(p) {
			continue
		}
		f, err := attach.Check(p)
		if err == nil {
			err = m.files.Add(f)
		}
		if err != nil {
			missing = append(missing, sanitize.Line(filepath.Base(p)))
		}
	}
	if len(missing) > 0 {
		m.err = "Restored your draft without " + strings.Join(missing, ", ") + ": the file can no longer be attached."
	}
	m.layout()
}

// draftFiles are the chosen files' paths, for the draft on disk.
func (m *Model) draftFiles() []string {
	var paths []string
	for _, it := range m.files.Items() {
		paths = append(paths, it.File.Path)
	}
	return paths
}

// draftKey identifies the draft's content, to notice changes.
func (m *Model) draftKey() string {
	return m.text.Value() + "\x00" + m.translated.Value() + "\x00" + strings.Join(m.draftFiles(), "\x00")
}

// saveIfChanged schedules a debounced write when the draft differs from what was saved.
func (m *Model) saveIfChanged() tea.Cmd {
	if m.saver == nil {
		return nil
	}
	key := m.draftKey()
	if key == m.savedAs {
		return nil
	}
	m.savedAs = key
	return m.saver.Changed(drafts.Draft{
		PackID:         m.packID,
		Text:           m.text.Value(),
		TextTranslated: m.translated.Value(),
		Files:          m.draftFiles(),
	})
}

// FlushDraft writes a pending draft now (the program is quitting).
func (m *Model) FlushDraft() error {
	if m.saver == nil {
		return nil
	}
	return m.saver.Flush()
}

// draftSent deletes the saved draft after a successful send and saves what was typed meanwhile.
func (m *Model) draftSent() tea.Cmd {
	if m.saver == nil {
		return nil
	}
	if err := m.saver.Sent(m.packID); err != nil {
		return func() tea.Msg {
			return common.StatusMsg{Text: "The sent draft could not be removed: " + err.Error(), Err: err}
		}
	}
	m.savedAs = ""
	if m.Empty() {
		m.savedAs = m.draftKey()
		return nil
	}
	return m.saveIfChanged()
}

// ambiguous reports a send that may have reached Mercado Libre although no answer came back.
func ambiguous(err error) bool {
	return errors.Is(err, transport.ErrAmbiguous) || errors.Is(err, context.DeadlineExceeded)
}

// verify re-reads the newest messages and looks for the reply: same text, from the seller, no
// older than the send. Until it answers, nothing is offered to send again.
func (m *Model) verify(localID string, req api.SendRequest, sendErr error) tea.Cmd {
	m.verifying = true
	client, packID, seller, since := m.c.Client, m.packID, m.c.Seller, m.sendAt.Add(-sendSkew)
	label := "Checking whether the reply to pack " + packID + " went through"
	return common.RunTask(m.c.Ctx, m.c.NewTask(m.owner(), label), func(ctx context.Context) (tea.Msg, error) {
		res := VerifiedMsg{LocalID: localID, Request: req, SendErr: sendErr}
		conv, err := client.PackMessages(ctx, packID, api.PageOptions{Limit: verifyReadLimit})
		if err != nil {
			return res, fmt.Errorf("check whether the reply to pack %s was sent: %w", packID, err)
		}
		res.Found = findSent(conv.Messages, req, seller, since)
		return res, nil
	})
}

// findSent returns the message in msgs that is req sent by seller at or after since.
func findSent(msgs []api.Message, req api.SendRequest, seller string, since time.Time) *api.Message {
	want := strings.TrimSpace(req.Text)
	for i := range msgs {
		msg := &msgs[i]
		if seller != "" && string(msg.From.UserID) != seller {
			continue
		}
		if strings.TrimSpace(msg.Text) != want {
			continue
		}
		if d := msg.Date(); !d.IsZero() && d.Before(since) {
			continue
		}
		return msg
	}
	return nil
}

// verified ends an ambiguous send: found means it was sent; not found means it certainly was
// not (the read worked), so sending again is safe; a failed read leaves the seller unsure, and
// the next ctrl+s checks again instead of sending.
func (m *Model) verified(res VerifiedMsg, err error) tea.Cmd {
	if res.LocalID != m.localID {
		return nil
	}
	m.verifying = false
	if err == nil && res.Found != nil {
		m.unsure = false
		return m.finish(SentMsg{LocalID: res.LocalID, Request: res.Request, Message: res.Found}, nil)
	}
	m.sending = false
	done := common.SendDoneMsg{PackID: m.packID, LocalID: res.LocalID, Request: res.Request, Err: res.SendErr}
	if err != nil {
		m.unsure = true
		m.err = "Your reply may have gone through: Mercado Libre did not answer and postsale could not check (" +
			api.Explain(err) + ") Your draft is kept; ctrl+s checks again before sending."
		done.Err = err
		return func() tea.Msg { return done }
	}
	m.unsure = false
	m.err = "Not sent: Mercado Libre did not answer and the reply is not in the conversation. Your draft is kept; ctrl+s sends it again."
	return func() tea.Msg { return done }
}
