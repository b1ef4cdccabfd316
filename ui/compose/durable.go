package compose

import (
	"context"
	"errors"
	"fmt"
	"maps"
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

// SendSkew tolerates a clock difference between this machine and Mercado Libre when deciding
// whether a message in the conversation is newer than the send.
const SendSkew = 2 * time.Minute

// VerifiedMsg is the result of re-reading the conversation after an ambiguous send, delivered
// inside common.TaskFinishedMsg.
type VerifiedMsg struct {
	LocalID string
	Request api.SendRequest
	// Found is the sent message when it is in the conversation.
	Found *api.Message
	// SendErr is the send's own failure (reported when the message is not found).
	SendErr error
	// Asked is a check the seller started with ctrl+s (not the automatic one after the send).
	Asked bool
}

// restoreDraft fills the fields from the saved draft of this pack, if any.
func (m *Model) restoreDraft() {
	if m.c.Drafts == nil {
		return
	}
	m.saver = drafts.NewDebouncer(m.c.Ctx, m.c.Drafts, 0)
	d, err := m.c.Drafts.Load(m.packID)
	if err != nil {
		m.err = "Your saved draft could not be read: " + err.Error() + "."
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

// ambiguous reports a send that may have reached Mercado Libre although no answer came back,
// or although the answer was a 5xx (the server may have stored it before failing).
func ambiguous(err error) bool {
	return errors.Is(err, transport.ErrAmbiguous) || errors.Is(err, context.DeadlineExceeded) || serverFailed(err)
}

// serverFailed reports a 5xx answer.
func serverFailed(err error) bool {
	var e *api.Error
	return errors.As(err, &e) && e.StatusCode >= 500
}

// VerifyDelays are the waits before each re-read of the conversation after a send got no
// answer: a lost send may land, or clear moderation, a moment after its answer was lost.
func VerifyDelays() []time.Duration { return []time.Duration{2 * time.Second, 5 * time.Second} }

// resendWindow is how long after a check that found nothing a second ctrl+s sends again.
const resendWindow = 10 * time.Second

// Sleep waits d or until ctx ends; tests replace it to run the re-reads without waiting.
type Sleep func(ctx context.Context, d time.Duration) error

// FindLostSend re-reads the newest messages of packID after each delay until it finds req sent
// by seller at or after since (message ids in skip are earlier sends of the same text). It
// returns the message, or nil when the last read worked and it is not there, or the last
// read's error.
func FindLostSend(ctx context.Context, client *api.Client, packID string, req api.SendRequest, seller string,
	since time.Time, skip map[string]bool, delays []time.Duration, sleep Sleep) (*api.Message, error) {
	if sleep == nil {
		sleep = transport.Sleep
	}
	if len(delays) == 0 {
		delays = []time.Duration{0}
	}
	var err error
	for _, d := range delays {
		if serr := sleep(ctx, d); serr != nil {
			return nil, fmt.Errorf("check whether the reply to pack %s was sent: %w", packID, serr)
		}
		var conv *api.Conversation
		conv, err = client.PackMessages(ctx, packID, api.PageOptions{Limit: verifyReadLimit})
		if err != nil {
			err = fmt.Errorf("check whether the reply to pack %s was sent: %w", packID, err)
			continue
		}
		if found := FindSent(conv.Messages, req, seller, since, skip); found != nil {
			return found, nil
		}
	}
	return nil, err
}

// verify looks for the reply in the conversation: after the send's answer was lost it waits
// and reads twice (VerifyDelays); a check the seller asked for reads once, now. Until it
// answers, nothing is offered to send again.
func (m *Model) verify(localID string, req api.SendRequest, sendErr error, asked bool) tea.Cmd {
	m.verifying, m.sending = true, true
	client, packID, seller, since, sleep := m.c.Client, m.packID, m.c.Seller, m.sendAt.Add(-SendSkew), Sleep(m.sleep)
	skip := maps.Clone(m.sentIDs)
	delays := VerifyDelays()
	if asked {
		delays = []time.Duration{0}
	}
	label := "Checking whether the reply to pack " + packID + " went through"
	return common.RunTask(m.c.Ctx, m.c.NewTask(m.owner(), label), func(ctx context.Context) (tea.Msg, error) {
		res := VerifiedMsg{LocalID: localID, Request: req, SendErr: sendErr, Asked: asked}
		found, err := FindLostSend(ctx, client, packID, req, seller, since, skip, delays, sleep)
		res.Found = found
		return res, err
	})
}

// FindSent returns the message in msgs that is req sent by seller at or after since: the same
// text and the same attachments, and not one of the ids in skip.
func FindSent(msgs []api.Message, req api.SendRequest, seller string, since time.Time, skip map[string]bool) *api.Message {
	want := strings.TrimSpace(req.Text)
	for i := range msgs {
		msg := &msgs[i]
		if seller != "" && string(msg.From.UserID) != seller {
			continue
		}
		if msg.ID != "" && skip[msg.ID] {
			continue
		}
		if strings.TrimSpace(msg.Text) != want || !sameAttachments(msg.Attachments, req.Attachments) {
			continue
		}
		if d := msg.Date(); !d.IsZero() && d.Before(since) {
			continue
		}
		return msg
	}
	return nil
}

// sameAttachments reports whether the message carries exactly the uploaded files the send named.
func sameAttachments(got []api.Attachment, ids []string) bool {
	if len(got) != len(ids) {
		return false
	}
	names := make(map[string]int, len(got))
	for _, a := range got {
		names[a.Filename]++
	}
	for _, id := range ids {
		if names[id] == 0 {
			return false
		}
		names[id]--
	}
	return true
}

// rememberSent keeps the id of a reply that went out, so a later lost send of the same text is
// not confirmed by it.
func (m *Model) rememberSent(msg *api.Message) {
	if msg == nil || msg.ID == "" {
		return
	}
	if m.sentIDs == nil {
		m.sentIDs = map[string]bool{}
	}
	m.sentIDs[msg.ID] = true
}

// checkBeforeResend is ctrl+s while an earlier send is unresolved: it checks the conversation
// again, and only a second ctrl+s soon after a check that found nothing sends again.
func (m *Model) checkBeforeResend() (tea.Cmd, bool) {
	if !m.unsure {
		return nil, false
	}
	if !m.resendBy.IsZero() && !m.c.Now().After(m.resendBy) {
		m.unsure, m.resendBy = false, time.Time{}
		return nil, false // the seller checked and confirmed: send as new
	}
	m.resendBy, m.err = time.Time{}, ""
	return m.verify(m.localID, m.unsureReq, m.unsureErr, true), true
}

// verified ends a check: found means it was sent; otherwise the draft stays and the next
// ctrl+s checks again, because the lost send may still land.
func (m *Model) verified(res VerifiedMsg, err error) tea.Cmd {
	if res.LocalID != m.localID {
		return nil
	}
	m.verifying = false
	if err == nil && res.Found != nil {
		wasUnsure := m.unsure
		m.unsure, m.resendBy = false, time.Time{}
		finish := m.finish(SentMsg{LocalID: res.LocalID, Request: res.Request, Message: res.Found}, nil)
		if !wasUnsure {
			return finish
		}
		// The conversation dropped the pending row when the send looked failed: show it again.
		packID, localID, req, at := m.packID, res.LocalID, res.Request, res.Found.Date()
		started := func() tea.Msg {
			return common.SendStartedMsg{PackID: packID, LocalID: localID, Request: req, At: at}
		}
		return tea.Sequence(started, finish)
	}
	m.sending = false
	done := common.SendDoneMsg{PackID: m.packID, LocalID: res.LocalID, Request: res.Request, Err: res.SendErr}
	wasUnsure := m.unsure
	m.unsure = true
	if err != nil {
		m.err = "Your reply may have gone through: Mercado Libre did not answer and postsale could not check (" +
			api.Explain(err) + ") Your draft is kept; ctrl+s checks again before sending."
		done.Err = err
	} else if res.Asked {
		m.resendBy = m.c.Now().Add(resendWindow)
		m.err = fmt.Sprintf("Checked: the reply is still not in the conversation. Press ctrl+s again within %d seconds to send it again; otherwise ctrl+s checks once more.",
			int(resendWindow/time.Second))
	} else {
		m.err = "The answer to your send was lost and the message is not in the conversation yet. It may still arrive. " +
			"Press ctrl+s to check again; send again only after checking (ctrl+s twice)."
	}
	if wasUnsure {
		return nil // the conversation already dropped the pending row
	}
	return func() tea.Msg { return done }
}
