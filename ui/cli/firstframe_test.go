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

// child is postsale run as a seller starts it, on a pseudo-terminal the test holds: this test
// binary run again for one test, whose child side calls Run; a session of its own with the
// terminal as its controlling one, in the foreground (what termenv checks before it queries).
type child struct {
	t      *testing.T
	master *os.File
	scr    *screen
	exited chan error
	proc   *os.Process
}

// startChild starts test's child side with env (and a home of its own below dir: HOME and the
// XDG folders), and ends it when the test ends.
func startChild(t *testing.T, test, dir string, env ...string) *child {
	t.Helper()
	master, slave := openPTY(t)
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append([]string{
		"HOME=" + dir,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"PATH=" + os.Getenv("PATH"),
	}, env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{t: t, master: master, scr: &screen{seen: make(chan struct{}, 1)}, exited: make(chan error, 1), proc: cmd.Process}
	go func() { c.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.exited
	})
	go c.scr.read(master)
	return c
}

// has reports whether the terminal got s.
func (c *child) has(s string) bool { return c.scr.has([]byte(s)) }

// waitFor waits until cond holds on what the terminal got; the child ending first fails.
func (c *child) waitFor(what string, cond func() bool) {
	c.t.Helper()
	deadline := time.After(60 * time.Second)
	for !cond() {
		select {
		case <-c.scr.seen:
		case err := <-c.exited:
			c.exited <- err
			c.t.Fatalf("postsale ended (%v) before %s:\n%q", err, what, c.scr.String())
		case <-deadline:
			c.t.Fatalf("no %s; the terminal got:\n%q", what, c.scr.String())
		}
	}
}

// quit types q and waits for postsale to end well.
func (c *child) quit() {
	c.t.Helper()
	if _, err := c.master.Write([]byte("q")); err != nil {
		c.t.Fatal(err)
	}
	select {
	case err := <-c.exited:
		c.exited <- err
		if err != nil {
			c.t.Errorf("postsale exited with %v:\n%q", err, c.scr.String())
		}
	case <-time.After(60 * time.Second):
		c.t.Errorf("q did not end postsale:\n%q", c.scr.String())
	}
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
	c := startChild(t, "TestFirstFrameNeverAsksTheTerminal", t.TempDir(), "POSTSALE_FIRSTFRAME_CHILD=1",
		"TERM=xterm-256color") // termenv asks for the background colour under it (not under tmux-*)
	c.waitFor("first frame", func() bool { return c.has("Conversations") })
	// A key typed now reaches the inbox (a query's reader would swallow it): q quits.
	c.quit()
	// Bubble Tea's own init asks once, before main and before any program holds the input
	// (bounded by termenv's OSC timeout, ended at once by a terminal that answers DSR); after the
	// program took the terminal (alternate screen on), nothing may ask again.
	out := c.scr.String()
	start := strings.Index(out, "\x1b[?1049h")
	if start < 0 {
		t.Fatalf("the program never took the screen:\n%q", out)
	}
	if after := out[start:]; strings.Contains(after, "\x1b]11;?") || strings.Contains(after, "\x1b[6n") {
		t.Fatalf("postsale asked the terminal for its background (OSC 11 / DSR) after Bubble Tea took the input:\n%q", out)
	}
}
