package ui

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/creack/pty"
)

// BenchmarkStartInTerminal is the time from starting a process in a terminal (a 120×40
// pseudo-terminal that answers the colour and cursor queries as terminals do) to the first
// frame that shows what the seller came for, for three programs built from this tree:
//
//   - bare: a bare Bubble Tea program (testdata/bareprogram), until "bare bubble tea ready";
//   - empty: postsale with an empty store and no network, until its list shows "Loading";
//   - store: postsale with the 5,000-pack / 50,000-message store and no network, until the
//     newest stored pack's buyer is on screen.
//
// It reports each one's median over b.N starts and the two ratios to bare. The process's own
// start (loading the binary, package initialisation) is in it, unlike BenchmarkFirstFrame.
// POSTSALE_BENCH_BASELINE names another postsale binary (an earlier build that reads the same
// store schema: an older one refuses a newer store) to start beside them on the same store,
// reported as baseline.
func BenchmarkStartInTerminal(b *testing.B) {
	dir := b.TempDir()
	build := func(out string, args ...string) string {
		b.Helper()
		path := filepath.Join(dir, out)
		cmd := exec.Command("go", append([]string{"build", "-o", path}, args...)...)
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build %v: %v\n%s", args, err, msg)
		}
		return path
	}
	bare := build("bare", "./testdata/bareprogram")
	postsale := build("postsale", "github.com/postsale/postsale")
	storePath := benchStore(b)
	// postsale's folders: the store where the account "default" (a token from the environment)
	// keeps it, the API on a port nothing listens on.
	home := func(name, store string) []string {
		root := filepath.Join(dir, name)
		data := filepath.Join(root, "data")
		if store != "" {
			if err := os.MkdirAll(filepath.Join(data, "postsale", "default"), 0o700); err != nil {
				b.Fatal(err)
			}
			if err := os.Symlink(store, filepath.Join(data, "postsale", "default", "store.db")); err != nil {
				b.Fatal(err)
			}
		}
		return []string{"HOME=" + root, "XDG_DATA_HOME=" + data, "XDG_CONFIG_HOME=" + filepath.Join(root, "config"),
			"XDG_CACHE_HOME=" + filepath.Join(root, "cache"), "XDG_STATE_HOME=" + filepath.Join(root, "state"),
			"MELI_ACCESS_TOKEN=APP_USR-bench", "MELI_API_URL=http://127.0.0.1:9"}
	}
	runs := []struct {
		name, marker string
		path         string
		env          []string
	}{
		{"bare", "bare bubble tea ready", bare, nil},
		{"empty", "Loading", postsale, home("empty", "")},
		{"store", "Comprador 4999", postsale, home("store", storePath)},
	}
	// Another build of postsale to compare with (an earlier commit's binary), on the same store.
	if baseline := os.Getenv("POSTSALE_BENCH_BASELINE"); baseline != "" {
		runs = append(runs, struct {
			name, marker string
			path         string
			env          []string
		}{"baseline", "Comprador 4999", baseline, home("baseline", storePath)})
	}
	// One start of each first: the store's WAL and the page cache settle, the binaries are
	// read once from disk.
	for _, r := range runs {
		startToFrame(b, r.path, r.env, r.marker)
	}
	medians := map[string]time.Duration{}
	times := map[string][]time.Duration{}
	b.ResetTimer()
	// Each round starts the programs in a new order: in a fixed one, a program's figure also
	// depended on which ran just before it (by up to 2 ms, more than the differences measured).
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		for _, i := range rng.Perm(len(runs)) {
			r := runs[i]
			times[r.name] = append(times[r.name], startToFrame(b, r.path, r.env, r.marker))
		}
	}
	b.StopTimer()
	for _, r := range runs {
		ts := times[r.name]
		slices.Sort(ts)
		medians[r.name] = ts[len(ts)/2]
		b.ReportMetric(float64(medians[r.name].Microseconds())/1000, "ms-"+r.name)
	}
	b.ReportMetric(float64(medians["empty"])/float64(medians["bare"]), "x-empty/bare")
	b.ReportMetric(float64(medians["store"])/float64(medians["bare"]), "x-store/bare")
	if _, ok := medians["baseline"]; ok {
		b.ReportMetric(float64(medians["baseline"])/float64(medians["bare"]), "x-baseline/bare")
	}
}

// startToFrame starts path in a fresh 120×40 pseudo-terminal and returns the time until marker
// appears in what it writes; then it types q and waits for the process to end. A program that
// shows no marker within frameLimit is stopped and the benchmark fails with what it showed (a
// baseline that cannot read the benchmark's store, one schema behind, says so there).
// frameLimit is how long startToFrame waits for a first frame: seconds more than any start.
const frameLimit = 30 * time.Second

func startToFrame(b *testing.B, path string, env []string, marker string) time.Duration {
	b.Helper()
	cmd := exec.Command(path)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	cmd.Env = append(cmd.Env, env...)
	start := time.Now()
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		b.Fatal(err)
	}
	defer tty.Close()
	var late atomic.Bool
	limit := time.AfterFunc(frameLimit, func() { late.Store(true); cmd.Process.Kill() })
	defer limit.Stop()
	var seen bytes.Buffer
	buf := make([]byte, 64<<10)
	var took time.Duration
	for took == 0 {
		n, err := tty.Read(buf)
		chunk := buf[:n]
		// Answer as a dark terminal does, in the order asked: the background colour, then
		// the cursor position.
		if bytes.Contains(chunk, []byte("\x1b]11;?")) {
			tty.Write([]byte("\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\"))
		}
		if bytes.Contains(chunk, []byte("\x1b[6n")) {
			tty.Write([]byte("\x1b[1;1R"))
		}
		seen.Write(chunk)
		if bytes.Contains(seen.Bytes(), []byte(marker)) {
			took = time.Since(start)
		} else if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			if late.Load() {
				b.Fatalf("%s showed no %q in %v:\n%q", filepath.Base(path), marker, frameLimit, seen.String())
			}
			b.Fatalf("%s ended before showing %q: %v\n%q", filepath.Base(path), marker, err, seen.String())
		}
	}
	tty.Write([]byte("q"))
	go io.Copy(io.Discard, tty)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
	}
	return took
}
