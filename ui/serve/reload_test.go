package serve

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// Terminal restore sequences a session ends with: leave the alternate screen, show the cursor.
const (
	leaveAltScreen = "\x1b[?1049l"
	showCursor     = "\x1b[?25h"
)

// teamFileRig is a rig reading its team from a file, so ReloadTeam can change it.
func teamFileRig(t *testing.T, ms ...member) (*rig, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "team.toml")
	if err := os.WriteFile(path, []byte(teamTOML(ms...)), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startRig(t, rigOptions{members: ms, tune: func(c *Config) {
		c.Team, c.TeamFile = nil, path
		c.IdleTimeout = -1
	}})
	return r, path
}

// assertEndedCleanly checks what a session received after mark: the terminal restored, then
// the one line saying why, and exit status 1 (the server, not the person, ended it).
func assertEndedCleanly(t *testing.T, tm *term, mark int, why string) {
	t.Helper()
	tm.waitFrom(mark, why)
	<-tm.ended
	if code := tm.exitStatus(); code != 1 {
		t.Errorf("a session the server ended exited %d, want 1", code)
	}
	raw := tm.rawBytes()[mark:]
	at := strings.Index(raw, why)
	for _, seq := range []string{leaveAltScreen, showCursor} {
		if i := strings.LastIndex(raw[:at], seq); i < 0 {
			t.Errorf("the session ended without %q before its last line:\n%q", seq, tail(raw))
		}
	}
	if rest := raw[at:]; strings.Contains(rest, "\x1b[?1049h") || strings.Count(strings.TrimSpace(rest), "\n") > 0 {
		t.Errorf("after the last line the session drew more: %q", rest)
	}
}

// Removing a member from the team file and reloading it closes their open sessions: each is
// told why in one line with the terminal restored, its draft is kept, the others stop seeing
// them, and the key cannot connect again. The members that stay are not touched.
func TestReloadClosesTheSessionsOfRemovedKeys(t *testing.T) {
	ana, bruno := newMember(t, "Ana"), newMember(t, "Bruno")
	r, path := teamFileRig(t, ana, bruno)
	a, b := connectWithADraft(t, r.addr, ana, bruno, "borrador 5150")
	b.waitFor("Ana replying on ")

	if err := os.WriteFile(path, []byte(teamTOML(bruno)), 0o600); err != nil {
		t.Fatal(err)
	}
	am, bm := a.mark(), b.mark()
	if err := r.srv.ReloadTeam(); err != nil {
		t.Fatal(err)
	}
	assertEndedCleanly(t, a, am, "postsale: your key was removed from the team, so this session is closed; any reply you were writing is saved as a draft.")
	b.waitFrom(bm, "nobody else connected")

	drafts, _ := filepath.Glob(filepath.Join(r.dataDir, "members", "Ana", "drafts", "*"))
	found := false
	for _, p := range drafts {
		data, _ := os.ReadFile(p)
		found = found || strings.Contains(string(data), "borrador 5150")
	}
	if !found {
		t.Errorf("Ana's draft was not saved (drafts: %v)", drafts)
	}
	if !strings.Contains(r.logBuf.String(), "session closed: its key is no longer in the team file") {
		t.Error("the server log does not say the session was closed")
	}
	if _, err := dial(r.addr, gossh.PublicKeys(ana.signer)); err == nil {
		t.Error("the removed key connected again")
	}
	mb := b.mark()
	b.send("j") // Bruno is still served
	b.waitAny(mb)
	select {
	case <-b.ended:
		t.Fatal("the reload closed a session whose key is still in the team file")
	default:
	}
}

// A team file whose key carries authorized_keys options is refused at start and at reload (the
// team as it was stays): the server could not enforce them.
func TestKeyOptionsAreRefusedAtStartAndReload(t *testing.T) {
	ana := newMember(t, "Ana")
	r, path := teamFileRig(t, ana)
	restricted := strings.Replace(teamTOML(ana), `keys = ["`, `keys = ["from=\"10.9.9.9\",no-pty `, 1)
	if err := os.WriteFile(path, []byte(restricted), 0o600); err != nil {
		t.Fatal(err)
	}
	err := r.srv.ReloadTeam()
	if err == nil || !strings.Contains(err.Error(), `member "Ana" starts with authorized_keys options`) {
		t.Fatalf("reload = %v, want the options refused", err)
	}
	if _, ok := r.srv.Team().Lookup(ana.signer.PublicKey()); !ok {
		t.Error("a refused reload dropped the team as it was")
	}
	cfg := r.srv.cfg
	cfg.DataDir = t.TempDir()
	cfg.HostKeyPath = filepath.Join(cfg.DataDir, "host_ed25519")
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "does not support") {
		t.Errorf("start = %v, want the options refused", err)
	}
}

// auditReasons lists the reasons the audit log gives for closing member's sessions.
func auditReasons(t *testing.T, dataDir, member string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dataDir, "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var ev AuditEvent
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		if ev.Event == "closed" && ev.Member == member {
			out = append(out, ev.Reason)
		}
	}
	return out
}

// Renaming a member (same key, new name) closes their sessions saying so, not that the key was
// removed, and where their drafts and assignments stayed; the audit log says the same. The
// key connects again under the new name.
func TestReloadTellsARenamedMemberTheirNewName(t *testing.T) {
	carla, bruno := newMember(t, "Carla"), newMember(t, "Bruno")
	r, path := teamFileRig(t, carla, bruno)
	c, _ := connectWithADraft(t, r.addr, carla, bruno, "borrador 7070")

	renamed := carla
	renamed.name = "Carla Souza"
	if err := os.WriteFile(path, []byte(teamTOML(renamed, bruno)), 0o600); err != nil {
		t.Fatal(err)
	}
	m := c.mark()
	if err := r.srv.ReloadTeam(); err != nil {
		t.Fatal(err)
	}
	assertEndedCleanly(t, c, m, "postsale: your name in the team file changed from Carla to Carla Souza, so this session is closed: connect again (drafts and assignments stay under Carla); any reply you were writing is saved as a draft.")
	if strings.Contains(c.screen(), "removed") {
		t.Errorf("a renamed member was told their key was removed:\n%s", tail(c.screen()))
	}
	if got := auditReasons(t, r.dataDir, "Carla"); len(got) != 1 || got[0] != "renamed in the team file to Carla Souza" {
		t.Errorf("audit reasons for Carla = %q", got)
	}
	again := connect(t, r.addr, renamed, nil)
	again.waitFor("Carla Souza (you)")
}

// A key given to another member while its member stays in the file closes that session saying
// whose the key is now.
func TestReloadSaysWhoseAMovedKeyIsNow(t *testing.T) {
	ana, carla := newMember(t, "Ana"), newMember(t, "Carla")
	r, path := teamFileRig(t, ana, carla)
	c := connect(t, r.addr, carla, nil)
	c.waitFor(demoBuyer)

	other := newMember(t, "Carla")
	moved := teamTOML(other) + fmt.Sprintf("[[member]]\nname = \"Ana\"\nkeys = [%q, %q]\n", authorizedLine(ana), authorizedLine(carla))
	if err := os.WriteFile(path, []byte(moved), 0o600); err != nil {
		t.Fatal(err)
	}
	m := c.mark()
	if err := r.srv.ReloadTeam(); err != nil {
		t.Fatal(err)
	}
	assertEndedCleanly(t, c, m, "postsale: this key now belongs to Ana in the team file, so this session as Carla is closed; any reply you were writing is saved as a draft.")
	if got := auditReasons(t, r.dataDir, "Carla"); len(got) != 1 || got[0] != "key now belongs to Ana in the team file" {
		t.Errorf("audit reasons for Carla = %q", got)
	}
}

func authorizedLine(m member) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(m.signer.PublicKey())))
}
