package common

import (
	"context"
	"maps"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/config/seen"
)

// SeenMark is what the seller did with one conversation (config/seen keeps them).
type SeenMark = seen.Mark

// SeenStore keeps the marks of one account between runs (the account's local store,
// ui.StoreSeen; a 0600 file under the state dir without one, config/seen). Both calls run off
// the event loop, in commands.
type SeenStore interface {
	Load(ctx context.Context, account string) (map[string]SeenMark, error)
	// Save writes the marks of the conversations in marks (the ones that changed) and leaves
	// the others, which the person's other sessions may have written; seq grows with every
	// call so a store drops a conversation's mark that arrives after a newer one.
	Save(ctx context.Context, account string, seq int, marks map[string]SeenMark) error
}

// SeenPreloader is a SeenStore that can read its marks before the account is known: the local
// store keeps them per person, not per seller id (ui.StoreSeen). A session reads them while it
// is built (Preload), so its first frame already shows what the seller opened and marked done,
// offline too, instead of after /users/me answers (which, offline, is once the client's retries
// have given up and the store's copy answers).
type SeenPreloader interface {
	Preload(ctx context.Context) (map[string]SeenMark, error)
}

// SeenRefresher is a SeenStore that can read the marks written since a session last read them:
// the local store, shared by a person's sessions (ui.StoreSeen). A session reads them when the
// store was written (Refresh), so a mark set in one of a person's sessions shows in the others
// without reconnecting.
type SeenRefresher interface {
	Changed(ctx context.Context) (map[string]SeenMark, error)
}

// SeenChangedMsg carries the marks written since the session last read them (Refresh).
type SeenChangedMsg struct{ Marks map[string]SeenMark }

// Seen is a session's marks, read and written only in Update; saving copies them into a command.
type Seen struct {
	store   SeenStore
	account string
	marks   map[string]SeenMark
	seq     int
	unsaved map[string]bool // marks set before the account was known, in a store that needs it
}

// SeenLoadedMsg carries an account's stored marks (delivered to the list, which asked).
type SeenLoadedMsg struct {
	Account string
	Marks   map[string]SeenMark
}

// NewSeen returns empty marks kept in store (nil: in memory only).
func NewSeen(store SeenStore) *Seen {
	return &Seen{store: store, marks: map[string]SeenMark{}, unsaved: map[string]bool{}}
}

// Load reads account's marks in a command (owner gets a TaskFinishedMsg with SeenLoadedMsg).
func (s *Seen) Load(c *Common, owner Owner, account string) tea.Cmd {
	s.account = account
	if s.store == nil || account == "" {
		return nil
	}
	store := s.store
	return RunTask(c.Ctx, c.NewTask(owner, "Reading what you have seen"), func(ctx context.Context) (tea.Msg, error) {
		marks, err := store.Load(ctx, account)
		return SeenLoadedMsg{Account: account, Marks: marks}, err
	})
}

// Preload reads the marks of a store that keeps them apart from the account (SeenPreloader),
// synchronously: call it while the session is built, never from Update. Load still follows
// once the account is known (it imports marks an earlier version kept in a file).
func (s *Seen) Preload(ctx context.Context) error {
	p, ok := s.store.(SeenPreloader)
	if !ok {
		return nil
	}
	marks, err := p.Preload(ctx)
	if err != nil {
		return err
	}
	s.PreloadMarks(marks)
	return nil
}

// PreloadMarks is Preload with marks already read (a saved first screen's).
func (s *Seen) PreloadMarks(marks map[string]SeenMark) {
	for id, mk := range marks {
		if _, ok := s.marks[id]; !ok {
			s.marks[id] = mk
		}
	}
}

// Adopt merges loaded marks under those made since the session started (which are newer), and
// saves the marks when one was set before the account was known and could not be saved then.
func (s *Seen) Adopt(c *Common, msg SeenLoadedMsg) tea.Cmd {
	if msg.Account != s.account {
		return nil
	}
	for id, mk := range msg.Marks {
		if _, ok := s.marks[id]; !ok {
			s.marks[id] = mk
		}
	}
	if len(s.unsaved) == 0 {
		return nil
	}
	packs := slices.Collect(maps.Keys(s.unsaved))
	clear(s.unsaved)
	return s.save(c, packs...)
}

// Mark returns the mark of pack (zero when never opened).
func (s *Seen) Mark(pack string) SeenMark { return s.marks[pack] }

// Lower brings pack's count of unread messages seen down to unread, Mercado Libre's count now:
// messages were read since the seller saw them (a reply reads the buyer's), so no more than that
// of those seen are still unread, and a message after them is counted new. It changes the mark
// in memory only, so a sync writes nothing over what the person's other sessions saved; the next
// save of the conversation's mark keeps it.
func (s *Seen) Lower(pack string, unread int) {
	if mk, ok := s.marks[pack]; ok && mk.Unread > unread {
		mk.Unread = max(unread, 0)
		s.marks[pack] = mk
	}
}

// Refresh returns the command that reads the marks written since the session last read them
// (nil when the store cannot tell), for owner as a SeenChangedMsg; Merge takes them.
func (s *Seen) Refresh(c *Common, owner Owner) tea.Cmd {
	r, ok := s.store.(SeenRefresher)
	if !ok {
		return nil
	}
	ctx, logger := c.Ctx, c.Logger
	return Own(owner, func() tea.Msg {
		marks, err := r.Changed(ctx)
		if err != nil {
			logger.Warn("seen state not re-read", "err", err)
			return nil
		}
		return SeenChangedMsg{Marks: marks}
	})
}

// Merge takes the marks of msg set later than the session's own (the person's other sessions
// set them; its own saves come back unchanged), or set at the same moment and different (the
// store kept the last written, and so does every session), and returns the packs whose mark
// changed.
func (s *Seen) Merge(msg SeenChangedMsg) []string {
	var changed []string
	for id, mk := range msg.Marks {
		cur, ok := s.marks[id]
		if !ok || mk.Updated.After(cur.Updated) || mk.Updated.Equal(cur.Updated) && !sameMark(mk, cur) {
			s.marks[id] = mk
			changed = append(changed, id)
		}
	}
	return changed
}

func sameMark(a, b SeenMark) bool {
	return a.At.Equal(b.At) && a.Unread == b.Unread && a.Done.Equal(b.Done) && a.Updated.Equal(b.Updated)
}

// Set changes the mark of pack and returns the command that saves it. A store that keeps
// marks apart from the account (SeenPreloader: the local store) is written at once, also before
// the account is known (offline, until the client's retries give up); another waits for it
// (Adopt saves then).
func (s *Seen) Set(c *Common, pack string, mk SeenMark) tea.Cmd {
	mk.Updated = c.Now()
	s.marks[pack] = mk
	if s.store == nil {
		return nil
	}
	if _, apart := s.store.(SeenPreloader); s.account == "" && !apart {
		s.unsaved[pack] = true
		return nil
	}
	return s.save(c, pack)
}

// save returns the command that writes the marks of packs (only those: the person's other
// sessions write theirs to the same store).
func (s *Seen) save(c *Common, packs ...string) tea.Cmd {
	s.seq++
	snapshot := make(map[string]SeenMark, len(packs))
	for _, p := range packs {
		snapshot[p] = s.marks[p]
	}
	store, account, seq := s.store, s.account, s.seq
	ctx, logger := c.Ctx, c.Logger
	return func() tea.Msg {
		if err := store.Save(ctx, account, seq, snapshot); err != nil {
			logger.Warn("seen state not saved", "err", err)
		}
		return nil
	}
}

// NextNeedingReplyMsg asks the root (through Navigate) to open the conversation that needs a
// reply after (Dir 1) or before (Dir -1) From, in the list's "Needs reply" order (`n`/`N`).
type NextNeedingReplyMsg struct {
	From string
	Dir  int
}
