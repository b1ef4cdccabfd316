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
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/api/transport"
	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/ui/common"
)

// Drafts on disk and sends that never reach a buyer twice.

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

// draftRestoredMsg is the saved draft of the pack, read and its files re-checked off the event
// loop: when compose is built, or again (Reload) when it opens once more.
type draftRestoredMsg struct {
	draft   drafts.Draft
	files   []attach.File // the draft's files that can still be attached
	missing []string      // names of those that cannot
	refused []string      // names of those a served inbox leaves out
	err     error
	again   bool  // read by Reload
	saveErr error // Reload's write of what was waiting here failed: nothing was read
}

// startRestore prepares the draft saver; the saved draft is read by restoreDraft's command.
func (m *Model) startRestore() {
	if m.c.Drafts == nil {
		return
	}
	m.saver = drafts.NewDebouncer(m.c.Ctx, m.c.Drafts, 0)
	m.restoring = true
}

// restoreDraft reads the saved draft of this pack and re-checks its files (a file gone or
// changed since is left out and named), as a command: disk is never read in Update.
func (m *Model) restoreDraft() tea.Cmd {
	if !m.restoring {
		return nil
	}
	return m.readDraft(nil)
}

// readDraft is the command that reads the saved draft; flush, when set (Reload), first writes
// what waits here to be saved.
func (m *Model) readDraft(flush func() error) tea.Cmd {
	store, packID, served, again := m.c.Drafts, m.packID, m.c.Served, flush != nil
	return common.Own(m.owner(), func() tea.Msg {
		if flush != nil {
			if err := flush(); err != nil {
				return draftRestoredMsg{again: true, saveErr: err}
			}
		}
		d, err := store.Load(packID)
		if err != nil {
			return draftRestoredMsg{err: err, again: again}
		}
		res := draftRestoredMsg{draft: d, again: again}
		for _, p := range d.Files {
			if served { // a served inbox attaches no file of the server's, not even a saved one
				res.refused = append(res.refused, sanitize.Line(filepath.Base(p)))
				continue
			}
			f, err := attach.Check(p)
			if err != nil {
				res.missing = append(res.missing, sanitize.Line(filepath.Base(p)))
				continue
			}
			res.files = append(res.files, f)
		}
		return res
	})
}

// restored fills the fields from the saved draft. Anything typed before it arrived (keys in the
// same read as the one that opened compose) is kept after the saved text.
func (m *Model) restored(msg draftRestoredMsg) tea.Cmd {
	m.restoring = false
	typed, typedT := m.text.Value(), m.translated.Value()
	if msg.err != nil {
		// A damaged draft is kept beside it as .bad (drafts.DamagedError says where) until the
		// seller deals with it; nothing is written over it until they type.
		m.err = "Your saved draft could not be read: " + msg.err.Error() + "."
		if typed == "" && typedT == "" {
			m.savedAs = m.draftKey() // nothing is written over it until the seller types
			return nil
		}
		return m.saveIfChanged()
	}
	d := msg.draft
	if !d.Empty() {
		m.note = "Draft restored from " + common.ShortTime(d.Saved, m.c.Now(), m.c.Location) + "; ctrl+x discards it."
	}
	m.text.SetValue(d.Text + typed)
	m.translated.SetValue(d.TextTranslated + typedT)
	m.addRestoredFiles(msg)
	m.layout()
	if typed == "" && typedT == "" {
		m.savedAs = m.draftKey()
		return nil
	}
	return m.saveIfChanged()
}

// addRestoredFiles attaches the saved draft's files that can still be attached, and says which
// were left out.
func (m *Model) addRestoredFiles(msg draftRestoredMsg) {
	var missing []string
	for _, f := range msg.files {
		if m.files.Has(f.Path) {
			continue
		}
		if err := m.files.Add(f); err != nil {
			missing = append(missing, sanitize.Line(f.Name))
		}
	}
	missing = append(missing, msg.missing...)
	switch {
	case len(missing) > 0:
		m.err = "Restored your draft without " + strings.Join(missing, ", ") + ": the file can no longer be attached."
	case len(msg.refused) > 0:
		m.err = "Restored your draft without " + strings.Join(msg.refused, ", ") + ": a served inbox cannot attach the server's files."
	}
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
	return draftKeyOf(m.text.Value(), m.translated.Value(), m.draftFiles())
}

func draftKeyOf(text, translated string, files []string) string {
	return text + "\x00" + translated + "\x00" + strings.Join(files, "\x00")
}

// saveIfChanged schedules a debounced write when the draft differs from what was saved.
func (m *Model) saveIfChanged() tea.Cmd {
	if m.saver == nil || m.restoring {
		return nil // the saved draft is not read yet: never write over it
	}
	key := m.draftKey()
	if key == m.savedAs {
		return nil
	}
	m.savedAs = key
	m.gone = "" // edited: a draft of its own again, whatever happened to the shared one
	save := m.saver.Changed(drafts.Draft{
		PackID:         m.packID,
		Text:           m.text.Value(),
		TextTranslated: m.translated.Value(),
		Files:          m.draftFiles(),
	})
	packID := m.packID
	return common.Own(m.owner(), func() tea.Msg {
		if err := save(); err != nil {
			return DraftSaveFailedMsg{PackID: packID, Err: err}
		}
		return nil
	})
}

// DraftSaveFailedMsg reports a draft that could not be written (a full disk, a read-only state
// folder). The draft stays pending: the next edit and quitting write it again.
type DraftSaveFailedMsg struct {
	PackID string
	Err    error
}

// saveFailed says so in the status bar.
func (m *Model) saveFailed(msg DraftSaveFailedMsg) tea.Cmd {
	text := "Your draft could not be saved to disk (" + sanitize.Line(msg.Err.Error()) +
		"). It is still here; postsale saves it again on your next edit and when you quit."
	return func() tea.Msg { return common.StatusMsg{Text: text, Err: msg.Err} }
}

// FlushDraft writes a pending draft now (the program is quitting).
func (m *Model) FlushDraft() error {
	if m.saver == nil {
		return nil
	}
	return m.saver.Flush()
}

// draftSent deletes the saved draft after a successful send and saves what was typed meanwhile
// (both in commands). The deletion comes before then, which the send's end (SendDoneMsg) is: a
// served session tells the person's other sessions of the send, and they read the drafts
// folder again.
func (m *Model) draftSent(then tea.Cmd) tea.Cmd {
	if m.saver == nil {
		return then
	}
	remove := m.saver.Sent(m.packID)
	del := func() tea.Msg {
		if err := remove(); err != nil {
			return common.StatusMsg{Text: "The sent draft could not be removed: " + err.Error(), Err: err}
		}
		return nil
	}
	m.savedAs = ""
	if m.Empty() {
		m.savedAs = m.draftKey()
		return tea.Sequence(del, then)
	}
	// In sequence: the newer draft is written after the sent one is deleted.
	return tea.Sequence(del, tea.Batch(then, m.saveIfChanged()))
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

// resendWindow is how long after a check that found nothing a second ctrl+s sends again.
const resendWindow = 10 * time.Second

// Sleep waits d or until ctx ends; tests replace it to run the re-reads without waiting.
type Sleep = api.Sleep

// verify looks for the reply in the conversation: after the send's answer was lost it waits
// and reads twice (VerifyDelays); a check the seller asked for reads once, now. Until it
// answers, nothing is offered to send again.
func (m *Model) verify(localID string, req api.SendRequest, sendErr error, asked bool) tea.Cmd {
	m.verifying, m.sending = true, true
	client, packID, seller, since, sleep := m.data, m.packID, m.c.Seller, m.sendAt.Add(-api.SendSkew), m.sleep
	skip := maps.Clone(m.sentIDs)
	delays := api.LostSendDelays()
	if asked {
		delays = []time.Duration{0}
	}
	label := "Checking whether the reply to pack " + packID + " went through"
	return common.RunTask(m.c.Ctx, m.c.NewTask(m.owner(), label), func(ctx context.Context) (tea.Msg, error) {
		res := VerifiedMsg{LocalID: localID, Request: req, SendErr: sendErr, Asked: asked}
		found, err := api.FindLostSend(ctx, client, packID, req, seller, since, skip, delays, sleep)
		res.Found = found
		return res, err
	})
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
