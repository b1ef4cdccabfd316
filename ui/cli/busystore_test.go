//go:build linux

package cli

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

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

	master, slave := openPTY(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestInboxTakesTheTerminalWhileTheStoreIsBusy$")
	cmd.Env = []string{
		"POSTSALE_BUSYSTORE_CHILD=1",
		"HOME=" + dir,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"MELI_ACCESS_TOKEN=APP_USR-busy-store-test",
		"MELI_API_URL=http://127.0.0.1:9", // nothing listens: the inbox is offline
		"TERM=tmux-256color",              // no background-colour query to wait for
		"PATH=" + os.Getenv("PATH"),
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		<-exited
	}()
	scr := &screen{seen: make(chan struct{}, 1)}
	go scr.read(master)
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.After(60 * time.Second)
		for !cond() {
			select {
			case <-scr.seen:
			case err := <-exited:
				exited <- err
				t.Fatalf("postsale ended (%v) before %s:\n%q", err, what, scr.String())
			case <-deadline:
				t.Fatalf("no %s; the terminal got:\n%q", what, scr.String())
			}
		}
	}
	waitFor("the line saying what postsale waits for", func() bool {
		return scr.has([]byte("\x1b[?1049h")) && scr.has([]byte("opening your local history"))
	})
	if scr.has([]byte("Conversations")) {
		t.Fatalf("the inbox showed while its store was locked:\n%q", scr.String())
	}
	if _, err := holder.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	waitFor("the inbox once the lock is gone", func() bool { return scr.has([]byte("Conversations")) })
	if _, err := master.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		exited <- err
		if err != nil {
			t.Errorf("postsale exited with %v:\n%q", err, scr.String())
		}
	case <-time.After(60 * time.Second):
		t.Errorf("q did not end the inbox:\n%q", scr.String())
	}
}
