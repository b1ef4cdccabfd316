package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/config/seen"
	"github.com/postsale/postsale/ui"
)

// The inbox reads through the account's store under XDG_DATA_HOME, and keeps the seller's
// triage marks in it; --demo through a temporary one removed on exit, never the seller's, its
// marks in memory; a store that cannot open leaves the inbox on the API with one sentence, and
// the marks in their file.
func TestInboxStore(t *testing.T) {
	open := func(t *testing.T, demo bool, env map[string]string) (*app, ui.SessionOptions) {
		h := newHarness(t)
		for k, v := range env {
			h.env[k] = v
		}
		a := &app{io: IO{Env: h.lookup}, demo: demo}
		if err := a.loadSettings(); err != nil {
			t.Fatal(err)
		}
		var so ui.SessionOptions
		if !demo { // as inboxSession has it
			so.Seen = seen.NewDir(t.TempDir())
		}
		a.withStore(context.Background(), &so)
		return a, so
	}
	data := t.TempDir()

	t.Run("account", func(t *testing.T) {
		a, so := open(t, false, map[string]string{"XDG_DATA_HOME": data})
		defer a.close()
		d, ok := so.Data.(*store.Data)
		if !ok || so.Notice != "" {
			t.Fatalf("data %T, notice %q", so.Data, so.Notice)
		}
		if want := filepath.Join(data, "postsale", "default", "store.db"); d.Store().Path() != want {
			t.Fatalf("store at %s, want %s", d.Store().Path(), want)
		}
		if _, ok := so.Seen.(*ui.StoreSeen); !ok {
			t.Errorf("the marks are kept by %T, not the store", so.Seen)
		}
	})

	t.Run("demo", func(t *testing.T) {
		a, so := open(t, true, map[string]string{"XDG_DATA_HOME": data})
		d, ok := so.Data.(*store.Data)
		if !ok {
			t.Fatalf("data %T", so.Data)
		}
		path := d.Store().Path()
		if strings.HasPrefix(path, data) || !strings.Contains(path, "postsale-demo-store-") {
			t.Fatalf("the demo's store is at %s", path)
		}
		if so.Seen != nil {
			t.Errorf("the demo keeps its marks in %T", so.Seen)
		}
		a.close()
		if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
			t.Fatalf("the demo's store outlives the demo: %v", err)
		}
	})

	// A damaged store is set aside: the inbox gets the sentence in both wordings (offline, the
	// new store is rebuilt only once Mercado Libre can be reached) and the log says so.
	t.Run("set aside", func(t *testing.T) {
		damaged := t.TempDir()
		path := filepath.Join(damaged, "postsale", "default", "store.db")
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 400)), 0o600); err != nil {
			t.Fatal(err)
		}
		a, so := open(t, false, map[string]string{"XDG_DATA_HOME": damaged})
		defer a.close()
		if !strings.Contains(so.Notice, "being rebuilt") || !strings.Contains(so.OfflineNotice, "once it can be reached") ||
			!strings.Contains(so.OfflineNotice, "store.db.corrupt-") {
			t.Fatalf("notice %q, offline %q", so.Notice, so.OfflineNotice)
		}
		state, _ := a.io.Env("XDG_STATE_HOME")
		log, _ := os.ReadFile(filepath.Join(state, "postsale", "postsale.log"))
		if !strings.Contains(string(log), "local store set aside") || !strings.Contains(string(log), path+".corrupt-") {
			t.Errorf("the log does not say the store was set aside:\n%s", log)
		}
	})

	t.Run("cannot open", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "not-a-dir")
		if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		a, so := open(t, false, map[string]string{"XDG_DATA_HOME": file})
		defer a.close()
		if so.Data != nil || so.Notice != storeNotOpened {
			t.Fatalf("data %T, notice %q", so.Data, so.Notice)
		}
		if _, ok := so.Seen.(*seen.Dir); !ok {
			t.Errorf("without a store the marks are kept by %T, not their file", so.Seen)
		}
	})
}
