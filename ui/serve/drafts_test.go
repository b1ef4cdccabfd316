package serve

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/postsale/postsale/config/drafts"
)

// Each member's drafts are their own (a folder per member on the server): a new session marks
// the rows they left a draft in, from the start, and never a teammate's.
func TestEachMemberSeesTheirOwnDraftsMarked(t *testing.T) {
	bruno, carla := newMember(t, "Bruno"), newMember(t, "Carla")
	dir := t.TempDir()
	tune, _ := withStore(t, filepath.Join(dir, "store.db"))
	r := startRig(t, rigOptions{members: []member{bruno, carla}, dataDir: dir, tune: tune})
	// Left by earlier sessions: Bruno's reply to Beatriz, Carla's to Ana Lucía.
	const brunos, carlas = "✎ draft Vocês emitem nota fiscal?", "✎ draft ¿Me pueden ayudar?"
	for name, pack := range map[string]string{"Bruno": "2000004533445566", "Carla": "2000004512345671"} {
		ds := drafts.NewStore(filepath.Join(r.dataDir, "members", name, "drafts"))
		if err := ds.Save(drafts.Draft{PackID: pack, Text: "a reply " + name + " has not sent"}); err != nil {
			t.Fatal(err)
		}
	}
	// settled waits for the session's own mark and the teammate's row drawn, then for one more
	// frame: one read of the folder marked every row it holds, so a teammate's draft marked
	// would be on screen by then.
	settled := func(tm *term, own, other string) string {
		t.Helper()
		tm.waitFor(own)
		tm.waitFor(strings.TrimPrefix(other, "✎ draft "))
		m := tm.mark()
		tm.send("j")
		tm.waitAny(m)
		return tm.screen()
	}
	b := connect(t, r.addr, bruno, nil)
	c := connect(t, r.addr, carla, nil)
	if strings.Contains(settled(b, brunos, carlas), carlas) {
		t.Error("Bruno's list marks Carla's draft")
	}
	if strings.Contains(settled(c, carlas, brunos), brunos) {
		t.Error("Carla's list marks Bruno's draft")
	}
}
