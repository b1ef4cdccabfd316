//go:build linux

package cli

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

// TestInboxTakesTheTerminalWhileTheStoreIsBusy starts the inbox on a store another process
// holds locked: Bubble Tea takes the terminal anyway (it waits for the store only storeWait)
// and says what it waits for; when the lock goes, the inbox comes, and q quits.
func TestInboxTakesTheTerminalWhileTheStoreIsBusy(t *testing.T) {
	if os.Getenv("POSTSALE_BUSYSTORE_CHILD") == "1" {
		os.Exit(Run(context.Background(), nil, IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	dir := t.TempDir()
	storeDir := filepath.Join(dir, "data", "postsale", "default")
	if err := os.MkdirAll(storeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	// Another process's exclusive lock on a store still in rollback-journal mode: opening it (to
	// switch it to WAL) waits for the lock.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(storeDir, "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	holder, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	for _, q := range []string{"CREATE TABLE held (x)", "BEGIN EXCLUSIVE", "INSERT INTO held VALUES (1)"} {
		if _, err := holder.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	c := startChild(t, "TestInboxTakesTheTerminalWhileTheStoreIsBusy", dir, "POSTSALE_BUSYSTORE_CHILD=1",
		"MELI_ACCESS_TOKEN=APP_USR-busy-store-test",
		"MELI_API_URL=http://127.0.0.1:9", // nothing listens: the inbox is offline
		"TERM=tmux-256color")              // no background-colour query to wait for
	c.waitFor("the line saying what postsale waits for", func() bool {
		return c.has("\x1b[?1049h") && c.has("opening your local history")
	})
	if c.has("Conversations") {
		t.Fatalf("the inbox showed while its store was locked:\n%q", c.scr.String())
	}
	if _, err := holder.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	c.waitFor("the inbox once the lock is gone", func() bool { return c.has("Conversations") })
	c.quit()
}
