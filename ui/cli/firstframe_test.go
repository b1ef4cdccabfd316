//go:build linux

package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: the test holds the terminal's side (master) and never
// answers anything written to it; postsale gets the program's side (slave).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Skipf("ptsname: %v", err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open pts: %v", err)
	}
	_ = unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 30, Col: 100})
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

// screen collects what the program writes to the terminal.
type screen struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	seen chan struct{}
}

func (s *screen) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.buf.String() }

// read collects what the terminal side gets until it closes.
func (s *screen) read(master *os.File) {
	b := make([]byte, 4096)
	for {
		n, err := master.Read(b)
		if n > 0 {
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.mu.Unlock()
			select {
			case s.seen <- struct{}{}:
			default:
			}
		}
		if err != nil {
			return
		}
	}
}

func (s *screen) has(b []byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Contains(s.buf.Bytes(), b)
}

// TestFirstFrameNeverAsksTheTerminal runs postsale --demo in a session of its own on a
// pseudo-terminal that never answers, under TERM=xterm-256color (where termenv asks for the
// background colour with OSC 11): once Bubble Tea holds the terminal nothing asks it anything
// (light or dark is decided before), the first frame comes, and a key typed at once reaches
// the program (not swallowed by a query's reader).
func TestFirstFrameNeverAsksTheTerminal(t *testing.T) {
	if os.Getenv("POSTSALE_FIRSTFRAME_CHILD") == "1" {
		// The child: postsale --demo on its controlling terminal, as a seller starts it.
		os.Exit(Run(context.Background(), []string{"--demo"}, IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	master, slave := openPTY(t)
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFirstFrameNeverAsksTheTerminal$")
	cmd.Env = []string{
		"POSTSALE_FIRSTFRAME_CHILD=1",
		"HOME=" + dir,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"TERM=xterm-256color", // termenv asks for the background colour under it (not under tmux-*)
		"PATH=" + os.Getenv("PATH"),
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	// A session of its own with the pseudo-terminal as controlling terminal, in the foreground:
	// what termenv checks before it queries.
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
	waitFor("first frame", func() bool { return scr.has([]byte("Conversations")) })
	// A key typed now reaches the inbox (a query's reader would swallow it): q quits.
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
		t.Errorf("q did not reach the inbox:\n%q", scr.String())
	}
	// Bubble Tea's own init asks once, before main and before any program holds the input
	// (bounded by termenv's OSC timeout, ended at once by a terminal that answers DSR); after the
	// program took the terminal (alternate screen on), nothing may ask again.
	out := scr.String()
	start := strings.Index(out, "\x1b[?1049h")
	if start < 0 {
		t.Fatalf("the program never took the screen:\n%q", out)
	}
	if after := out[start:]; strings.Contains(after, "\x1b]11;?") || strings.Contains(after, "\x1b[6n") {
		t.Fatalf("postsale asked the terminal for its background (OSC 11 / DSR) after Bubble Tea took the input:\n%q", out)
	}
}
