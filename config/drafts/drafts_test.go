package drafts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postsale/postsale/config"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "drafts")
	s := NewStore(dir)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	s.SetClock(func() time.Time { return at })
	want := Draft{PackID: "2000001", Text: "Hola, ¿cómo estás? 👋", TextTranslated: "Hi, how are you?", Files: []string{"/tmp/a b.pdf", "/home/x/foto.jpg"}}
	if err := s.Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load("2000001")
	if err != nil {
		t.Fatal(err)
	}
	want.Saved = at
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Load = %+v, want %+v", got, want)
	}
	fi, err := os.Stat(s.Path("2000001"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("draft file mode %v, want 0600 (drafts quote buyers)", fi.Mode().Perm())
	}
	di, _ := os.Stat(dir)
	if di.Mode().Perm() != 0o700 {
		t.Fatalf("drafts dir mode %v, want 0700", di.Mode().Perm())
	}
}

func TestLoadMissingIsEmpty(t *testing.T) {
	d, err := NewStore(t.TempDir()).Load("42")
	if err != nil || !d.Empty() || d.PackID != "42" {
		t.Fatalf("Load of a pack without a draft = %+v, %v", d, err)
	}
}

func TestLoadDamagedSaysSo(t *testing.T) {
	s := NewStore(t.TempDir())
	if err := os.WriteFile(s.Path("7"), []byte(`{"text": "trunc`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := s.Load("7")
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("err = %v, want a 'damaged' error", err)
	}
	// Kept as .bad for the seller to recover: an empty save (which removes the draft file)
	// cannot lose it, and a second damaged draft does not overwrite the first.
	if err := s.Save(Draft{PackID: "7"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(s.Path("7") + ".bad"); string(b) != `{"text": "trunc` {
		t.Fatal("a damaged draft must be kept for the seller to recover")
	}
	if err := os.WriteFile(s.Path("7"), []byte(`{`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("7"); err == nil || !strings.Contains(err.Error(), ".1.bad") {
		t.Fatalf("second damaged draft: %v", err)
	}
	if b, _ := os.ReadFile(s.Path("7") + ".bad"); string(b) != `{"text": "trunc` {
		t.Fatal("the first damaged draft was overwritten")
	}
}

func TestSavingEmptyDraftRemovesFile(t *testing.T) {
	s := NewStore(t.TempDir())
	if err := s.Save(Draft{PackID: "1", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(Draft{PackID: "1", Text: "  \n"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path("1")); !os.IsNotExist(err) {
		t.Fatalf("stat after clearing = %v, want not exist", err)
	}
}

func TestPathNeverEscapesTheDirectory(t *testing.T) {
	s := NewStore("/state/drafts")
	for _, id := range []string{"../../etc/passwd", "a/b", `..\x`, "", ".", strings.Repeat("9", 100)} {
		p := s.Path(id)
		if filepath.Dir(p) != "/state/drafts" || strings.Contains(filepath.Base(p), "/") {
			t.Fatalf("Path(%q) = %q escapes the drafts dir", id, p)
		}
	}
	if s.Path("2000001") != "/state/drafts/2000001.json" {
		t.Fatalf("plain ids keep their name: %q", s.Path("2000001"))
	}
}

func TestStaleSaveNeverOverwritesNewerOrResurrectsDeleted(t *testing.T) {
	s := NewStore(t.TempDir())
	old, newer := s.Ticket(), s.Ticket()
	if err := s.SaveTicket(Draft{PackID: "1", Text: "newer"}, newer); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveTicket(Draft{PackID: "1", Text: "older"}, old); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.Load("1"); d.Text != "newer" {
		t.Fatalf("text %q, want the newer save kept", d.Text)
	}
	pendingBeforeSend := s.Ticket()
	if err := s.Delete("1"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveTicket(Draft{PackID: "1", Text: "already sent"}, pendingBeforeSend); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path("1")); !os.IsNotExist(err) {
		t.Fatal("a save queued before the send recreated the deleted draft")
	}
	if err := s.Save(Draft{PackID: "1", Text: "a new reply"}); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.Load("1"); d.Text != "a new reply" {
		t.Fatalf("text %q, want a fresh draft after the send to be saved", d.Text)
	}
}

// A closed store writes nothing: a debounced save waking after the demo removed its temporary
// folder is refused instead of creating the folder again.
func TestClosedStoreWritesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "drafts")
	s := NewStore(dir)
	late := NewDebouncer(context.Background(), s, 0)
	late.SetSleep(func(context.Context, time.Duration) error { return nil })
	save := late.Changed(Draft{PackID: "2000001", Text: "tarde"})
	s.Close()
	if err := save(); !errors.Is(err, ErrClosed) {
		t.Fatalf("a save after Close = %v, want ErrClosed", err)
	}
	if err := s.Delete("2000001"); !errors.Is(err, ErrClosed) {
		t.Fatalf("a delete after Close = %v, want ErrClosed", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the closed store's folder was created: %v", err)
	}
}

func TestListSkipsTempAndForeignFiles(t *testing.T) {
	dir := t.TempDir()
	s := NewStore(dir)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { clock = clock.Add(time.Minute); return clock })
	for _, id := range []string{"1", "2", "../3"} {
		if err := s.Save(Draft{PackID: id, Text: "t" + id}); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, ".1.json.tmp-123"), []byte(`{"pack_id":"1"}`), 0o600)
	os.WriteFile(filepath.Join(dir, "broken.json"), []byte(`{`), 0o600)
	os.WriteFile(filepath.Join(dir, "9.json"), []byte(`{"pack_id":"8","text":"misfiled"}`), 0o600)
	got, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range got {
		ids = append(ids, d.PackID)
	}
	if !reflect.DeepEqual(ids, []string{"../3", "2", "1"}) {
		t.Fatalf("List ids = %q, want newest first without temp, broken or misfiled files", ids)
	}
}

func TestOpenUsesXDGStateHome(t *testing.T) {
	state := t.TempDir()
	env := config.Env(func(k string) (string, bool) {
		if k == "XDG_STATE_HOME" {
			return state, true
		}
		return "", false
	})
	s, err := Open(env)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(state, "postsale", "drafts"); s.Dir() != want {
		t.Fatalf("Dir = %q, want %q", s.Dir(), want)
	}
}

// gate is a sleep the test releases by hand, so debouncing is tested without timing.
type gate chan struct{}

func (g gate) sleep(ctx context.Context, _ time.Duration) error {
	select {
	case <-g:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestDebouncerWritesOnlyTheLastChange(t *testing.T) {
	s := NewStore(t.TempDir())
	g := make(gate, 3)
	d := NewDebouncer(t.Context(), s, time.Second)
	d.SetSleep(g.sleep)
	c1 := d.Changed(Draft{PackID: "5", Text: "H"})
	c2 := d.Changed(Draft{PackID: "5", Text: "Ho"})
	c3 := d.Changed(Draft{PackID: "5", Text: "Hol"})
	g <- struct{}{}
	g <- struct{}{}
	if msg := c1(); msg != nil {
		t.Fatalf("superseded save returned %v", msg)
	}
	if msg := c2(); msg != nil {
		t.Fatalf("superseded save returned %v", msg)
	}
	if _, err := os.Stat(s.Path("5")); !os.IsNotExist(err) {
		t.Fatal("a superseded change was written")
	}
	if !d.Pending() {
		t.Fatal("Pending = false with an unwritten change")
	}
	g <- struct{}{}
	if msg := c3(); msg != nil {
		t.Fatalf("save returned %v", msg)
	}
	if got, _ := s.Load("5"); got.Text != "Hol" {
		t.Fatalf("saved %q, want the last change", got.Text)
	}
	if d.Pending() {
		t.Fatal("Pending = true after the write")
	}
}

func TestDebouncerSentDropsPendingSave(t *testing.T) {
	s := NewStore(t.TempDir())
	g := make(gate, 1)
	d := NewDebouncer(t.Context(), s, time.Second)
	d.SetSleep(g.sleep)
	if err := s.Save(Draft{PackID: "5", Text: "earlier"}); err != nil {
		t.Fatal(err)
	}
	cmd := d.Changed(Draft{PackID: "5", Text: "the reply"})
	if err := d.Sent("5")(); err != nil {
		t.Fatal(err)
	}
	g <- struct{}{}
	cmd()
	if err := d.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path("5")); !os.IsNotExist(err) {
		t.Fatal("the draft came back after a successful send")
	}
}

func TestDebouncerFlushesWhenTheProgramEnds(t *testing.T) {
	s := NewStore(t.TempDir())
	ctx, cancel := context.WithCancel(t.Context())
	d := NewDebouncer(ctx, s, time.Hour)
	cmd := d.Changed(Draft{PackID: "9", Text: "do not lose me"})
	cancel()
	cmd()
	if got, _ := s.Load("9"); got.Text != "do not lose me" {
		t.Fatalf("saved %q, want the draft written on quit", got.Text)
	}
}

// A Flush (quitting) while the debounced save of the same draft is writing waits for that
// write and does not write again: when Flush returns nothing more is written, so a caller may
// remove the folder (a demo's, a test's) at once.
func TestFlushWaitsForTheSaveUnderWay(t *testing.T) {
	// Flush may be scheduled before or after the save it races: many rounds make sure the
	// round where it checks while the save is writing comes.
	for round := range 200 {
		s := NewStore(t.TempDir())
		inWrite, release := make(chan struct{}), make(chan struct{})
		var writes atomic.Int32
		s.SetClock(func() time.Time { // called once by every write of a draft
			if writes.Add(1) == 1 {
				close(inWrite)
				<-release
			}
			return time.Now()
		})
		d := NewDebouncer(t.Context(), s, time.Second)
		d.SetSleep(func(context.Context, time.Duration) error { return nil })
		save := d.Changed(Draft{PackID: "7", Text: "en camino"})
		saved := make(chan error, 1)
		go func() { saved <- save() }()
		<-inWrite // the debounced save is writing
		flushed := make(chan error, 1)
		go func() { flushed <- d.Flush() }()
		runtime.Gosched()
		close(release)
		if err := <-saved; err != nil {
			t.Fatal(err)
		}
		if err := <-flushed; err != nil {
			t.Fatal(err)
		}
		if n := writes.Load(); n != 1 {
			t.Fatalf("round %d: the draft was written %d times: Flush wrote it again after the save under way", round, n)
		}
		if got, _ := s.Load("7"); got.Text != "en camino" {
			t.Fatalf("saved %q", got.Text)
		}
	}
}

func TestDebouncerReportsWriteFailure(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	os.WriteFile(file, nil, 0o600)
	d := NewDebouncer(t.Context(), NewStore(filepath.Join(file, "drafts")), time.Second)
	d.SetSleep(func(context.Context, time.Duration) error { return nil })
	if err := d.Changed(Draft{PackID: "1", Text: "x"})(); err == nil {
		t.Fatal("the save hid the failure")
	}
	if !d.Pending() {
		t.Fatal("a draft that failed to save is no longer pending")
	}
	if d.Flush() == nil {
		t.Fatal("Flush hid the failure")
	}
}

// TestDraftSurvivesKill9 runs a child that saves ever-longer drafts as fast as it can, kills it
// with SIGKILL mid-stream, and checks the file on disk is a whole draft no older than the last
// one the child reported.
func TestDraftSurvivesKill9(t *testing.T) {
	if dir := os.Getenv("POSTSALE_DRAFTS_CHILD"); dir != "" {
		s := NewStore(dir)
		for i := 1; ; i++ {
			text := fmt.Sprintf("%d:%s", i, strings.Repeat("¡hola! ", i%500))
			if err := s.Save(Draft{PackID: "777", Text: text}); err != nil {
				fmt.Println("ERR", err)
				os.Exit(1)
			}
			fmt.Println(i)
		}
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestDraftSurvivesKill9$")
	cmd.Env = append(os.Environ(), "POSTSALE_DRAFTS_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Read the child's progress until it has saved a few dozen drafts, then kill it.
	buf := make([]byte, 4096)
	var seen string
	last := 0
	for last < 50 {
		n, err := out.Read(buf)
		if err != nil {
			t.Fatalf("child ended early: %v (%q)", err, seen)
		}
		seen += string(buf[:n])
		lines := strings.Split(strings.TrimSpace(seen), "\n")
		if l := lines[len(lines)-1]; strings.HasPrefix(l, "ERR") {
			t.Fatalf("child: %s", l)
		}
		if len(lines) > 1 {
			last, _ = strconv.Atoi(lines[len(lines)-2]) // the last complete line
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	data, err := os.ReadFile(filepath.Join(dir, "777.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d Draft
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("draft on disk is not whole JSON after kill -9: %v", err)
	}
	n, err := strconv.Atoi(strings.SplitN(d.Text, ":", 2)[0])
	if err != nil || n < last {
		t.Fatalf("draft on disk is #%d, want at least #%d (reported saved)", n, last)
	}
	if want := fmt.Sprintf("%d:%s", n, strings.Repeat("¡hola! ", n%500)); d.Text != want {
		t.Fatalf("draft #%d is not the text that was saved", n)
	}
	loaded, err := NewStore(dir).Load("777")
	if err != nil || loaded.Text != d.Text {
		t.Fatalf("Load after kill -9 = %q, %v", loaded.Text, err)
	}
}
