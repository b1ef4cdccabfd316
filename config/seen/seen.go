// Package seen keeps, per seller account, which conversations the seller has opened and which
// they marked done: a small 0600 JSON file under the state dir. It is the seller's own triage,
// apart from Mercado Libre's read state (which the buyer sees). With a local store the marks
// live in it (ui.StoreSeen), which imports this file once.
package seen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/postsale/postsale/api/atomicfile"
	"github.com/postsale/postsale/api/filelock"
	"github.com/postsale/postsale/config"
)

// Mark is what the seller did with one conversation.
type Mark struct {
	// At is when the seller last opened the conversation, or the date of the newest message it
	// showed them while open when that is later; Unread is how many unread buyer messages they
	// have seen and are still unread: the list's count when they opened it, or the open
	// conversation's when it showed more, and no more than Mercado Libre's count once that drops
	// (messages read). A conversation is new again when a buyer message is newer than At or the
	// unread count grew; its badge counts the growth.
	At     time.Time `json:"seen_at,omitzero"`
	Unread int       `json:"unread,omitempty"`
	// Done is the date of the buyer's newest message when the seller marked the conversation
	// done: it leaves "Needs reply" until the buyer writes again.
	Done time.Time `json:"done_at,omitzero"`
	// Updated is when the mark was last set, by the clock of the session that set it: of two
	// settings of one mark by a person's two sessions, the later wins (the local store's rule).
	Updated time.Time `json:"updated_at,omitzero"`
}

// Dir is a folder of one file per account. It is safe for concurrent use, also with other Dirs
// on the same folder (a person's other sessions, other processes): a Save merges its marks into
// the file under a file lock, so marks another session wrote stay. A conversation's mark older
// (by seq) than one this Dir already wrote for it is dropped.
type Dir struct {
	dir    string
	mu     sync.Mutex     // held for a whole write
	last   map[string]int // by account and pack: the seq of the mark last written
	closed bool
}

// Close waits for a write in progress and drops any later one: call it when the program ends,
// before the process exits or the folder goes.
func (d *Dir) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
}

// NewDir keeps the files in dir.
func NewDir(dir string) *Dir { return &Dir{dir: dir, last: map[string]int{}} }

// Open is the folder under the state dir ($XDG_STATE_HOME/postsale/seen).
func Open(env config.Env) (*Dir, error) {
	d, err := config.StateDir(env)
	if err != nil {
		return nil, err
	}
	return NewDir(filepath.Join(d, "seen")), nil
}

// Path is the file of account.
func (d *Dir) Path(account string) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, account)
	return filepath.Join(d.dir, safe+".json")
}

type file struct {
	Packs map[string]Mark `json:"packs"`
}

// Load reads account's marks; a missing file is no marks.
func (d *Dir) Load(_ context.Context, account string) (map[string]Mark, error) {
	b, err := os.ReadFile(d.Path(account))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]Mark{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read seen conversations: %w", err)
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("read seen conversations from %s: %w", d.Path(account), err)
	}
	if f.Packs == nil {
		f.Packs = map[string]Mark{}
	}
	return f.Packs, nil
}

// Save merges marks (the conversations whose marks changed) into account's file: the other
// conversations' marks, also those another session wrote, are left as they are. A mark older (by
// seq) than one this Dir already wrote for the same conversation is dropped.
func (d *Dir) Save(ctx context.Context, account string, seq int, marks map[string]Mark) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	fresh := map[string]Mark{}
	for pack, mk := range marks {
		if seq > d.last[account+"\x00"+pack] {
			fresh[pack] = mk
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	path := d.Path(account)
	unlock, err := filelock.Lock(ctx, path+".lock")
	if err != nil {
		return fmt.Errorf("save seen conversations: %w", err)
	}
	defer unlock()
	all, err := d.Load(ctx, account)
	if err != nil {
		return err
	}
	maps.Copy(all, fresh)
	b, err := json.Marshal(file{Packs: all})
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, b, 0o600, nil); err != nil {
		return fmt.Errorf("save seen conversations: %w", err)
	}
	for pack := range fresh {
		d.last[account+"\x00"+pack] = seq
	}
	return nil
}
