package ui

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/compose"
	"github.com/postsale/postsale/ui/uitest"
)

// The hostile corpus packs (assets/demo/hostile.json, sandbox.WithHostilePacks).
const (
	packHostileCorpus = "2000009990000001" // every escape, C1, bidi and zero-width trick; files too
	packHostileNames  = "2000009990000002" // a 10,000-character nickname, 2,000 emoji as name
)

// inspectMsg runs a function on the program's goroutine with the root model, so a test reads
// state without racing Update.
type inspectMsg struct {
	fn   func(*Model)
	done chan struct{}
}

type inspected struct{ probed }

func (p inspected) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if in, ok := msg.(inspectMsg); ok {
		in.fn(p.Model)
		close(in.done)
		return p, nil
	}
	_, cmd := p.probed.Update(msg)
	return p, cmd
}

type hostileApp struct {
	*app
	store *drafts.Store
}

// newHostileApp runs the real root against the sandbox with the hostile packs, a drafts store
// and folders of its own, at 100×30 with the ASCII profile (any ESC in a frame is a leak).
func newHostileApp(t *testing.T, opts ...sandbox.Option) *hostileApp {
	t.Helper()
	e := uitest.New(t, uitest.At(testNow), uitest.WithSandbox(append([]sandbox.Option{sandbox.WithHostilePacks()}, opts...)...))
	c := e.Common
	dir := t.TempDir()
	c.CacheDir, c.DownloadsDir = filepath.Join(dir, "cache"), filepath.Join(dir, "downloads")
	store := drafts.NewStore(filepath.Join(dir, "state", "drafts"))
	c.Drafts = store
	m := New(c, Options{OfflineRetry: 20 * time.Millisecond})
	return &hostileApp{app: startApp(t, e, inspected{probed{m}}, 10*time.Second), store: store}
}

func (a *hostileApp) inspect(fn func(*Model)) {
	a.t.Helper()
	done := make(chan struct{})
	a.tm.Send(inspectMsg{fn: fn, done: done})
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		a.t.Fatal("the program stopped answering")
	}
}

func (a *hostileApp) open(pack string) string {
	a.t.Helper()
	a.tm.Send(common.OpenPackMsg{PackID: pack})
	return a.settleOn("Pack " + pack)
}

func (a *hostileApp) resize(w, h int) string {
	a.t.Helper()
	a.tm.Send(tea.WindowSizeMsg{Width: w, Height: h})
	return a.settle(fmt.Sprintf("%dx%d", w, h), func(string) bool { return true })
}

// checkFrame asserts a frame is inert and fits: no control byte but newline (with the ASCII
// profile not even the renderer's styling escapes), no C1 or bidi control, exactly h lines each
// at most w cells wide, and as wide to a terminal adding up code points as to x/ansi (flags,
// Hangul jamo: a disagreement shifts the columns and scrolls the screen).
func checkFrame(t *testing.T, where string, view string, w, h int) {
	t.Helper()
	for i := 0; i < len(view); i++ {
		if c := view[i]; (c < 0x20 && c != '\n') || c == 0x7f {
			t.Fatalf("%s at %dx%d: control byte %#x in the frame:\n%q", where, w, h, c, view)
		}
	}
	for _, r := range view {
		if (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200b || r == 0xfeff {
			t.Fatalf("%s at %dx%d: control character %U in the frame", where, w, h, r)
		}
	}
	if w < 1 || h < 1 {
		if view != "" {
			t.Fatalf("%s at %dx%d: non-empty frame %q", where, w, h, view)
		}
		return
	}
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Fatalf("%s at %dx%d: %d lines", where, w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Fatalf("%s at %dx%d: line %d is %d cells wide: %q", where, w, h, i, lw, l)
		} else if tw := uitest.TermWidth(l); tw != lw {
			t.Fatalf("%s at %dx%d: line %d is %d cells to x/ansi but %d to a terminal: %+q", where, w, h, i, lw, tw, l)
		}
	}
}

// hostileViews walks every view with the hostile corpus on screen at 100×30 (where the tests can
// read where they are) and calls check in each; check draws it at the size under test.
func hostileViews(a *hostileApp, check func(where string)) {
	t := a.t
	t.Helper()
	a.settleOn("All 19] · 7 new") // 17 demo packs and the 2 hostile ones
	a.keys("G")                   // the hostile packs are old: the bottom of the list
	a.settle("list bottom", func(string) bool { return true })
	check("list with hostile names")
	a.keys("?")
	a.settleOn("Keys")
	check("help overlay")
	a.keys("esc")
	for _, pack := range []string{packHostileCorpus, packHostileNames} {
		a.open(pack)
		a.settle("conversation loaded", func(v string) bool { return !strings.Contains(v, "Loading conversation") })
		for _, mode := range []string{"original", "translated", "both", "buyer-translated"} {
			a.settleOn("translation: " + mode)
			check("conversation " + pack + " " + mode)
			a.keys("g") // the oldest messages: escapes, titles, clears
			a.settle("top", func(string) bool { return true })
			check("conversation " + pack + " " + mode + " top")
			a.keys("G", "t")
		}
		if pack == packHostileCorpus { // the one with hostile file names and links
			inConversation := func(v string) bool { return strings.Contains(v, "r reply") }
			a.keys("a")
			a.settleOn("o open attachment")
			check("attachments of " + pack)
			a.keys("esc")
			a.settle("attachments closed", inConversation)
			a.keys("o")
			a.settle("links menu", func(v string) bool { return !inConversation(v) })
			check("links of " + pack)
			a.keys("esc")
			a.settle("links closed", inConversation)
		}
		a.keys("r")
		a.settleOn("· pack " + pack)
		check("compose " + pack)
		a.keys("esc", "esc")
		a.settle("back to the list", func(v string) bool { return !strings.Contains(v, "Pack "+pack) })
	}
}

func TestHostileCorpusRendersInertInEveryView(t *testing.T) {
	for _, size := range [][2]int{{100, 30}, {80, 24}, {41, 13}, {20, 6}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			a := newHostileApp(t)
			hostileViews(a, func(where string) {
				checkFrame(t, where, a.resize(size[0], size[1]), size[0], size[1])
				a.resize(100, 30)
			})
		})
	}
}

// TestEverySizeInEveryView draws each view at a grid of sizes from 1×1 to 400×150.
func TestEverySizeInEveryView(t *testing.T) {
	if testing.Short() {
		t.Skip("hundreds of frames")
	}
	widths := []int{1, 2, 3, 4, 7, 12, 19, 33, 59, 80, 101, 173, 256, 400}
	heights := []int{1, 2, 3, 4, 6, 9, 15, 24, 41, 80, 150}
	a := newHostileApp(t)
	a.settleOn("All 19] · 7 new")
	grid := func(where string) {
		for _, w := range widths {
			for _, h := range heights {
				checkFrame(t, where, a.resize(w, h), w, h)
			}
		}
		a.resize(100, 30)
	}
	a.settleOn("Conversations")
	grid("list")
	a.open(packHostileCorpus)
	a.settleOn("translation: original")
	grid("conversation")
	a.keys("t", "t") // both texts: the longest wrap
	a.settleOn("translation: both")
	grid("conversation both")
	a.keys("r")
	a.settleOn("· pack " + packHostileCorpus)
	a.keys("Olá, obrigado pela paciência! 😊")
	grid("compose")
	a.keys("esc")
	a.settle("compose closed", func(v string) bool { return !strings.Contains(v, "· pack ") })
	a.keys("?")
	a.settleOn("Keys")
	grid("help")
}

func TestResizeStorm(t *testing.T) {
	a := newHostileApp(t)
	a.open(packHostileCorpus)
	a.settleOn("translation: original")
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 400 {
		a.tm.Send(tea.WindowSizeMsg{Width: rng.IntN(401), Height: rng.IntN(151)})
		if i%50 == 0 {
			a.keys([]string{"j", "k", "t", "g", "G"}[rng.IntN(5)])
		}
	}
	a.tm.Send(tea.WindowSizeMsg{Width: 90, Height: 27})
	view := a.settle("after the storm", func(v string) bool { return len(strings.Split(v, "\n")) == 27 })
	checkFrame(t, "after the storm", view, 90, 27)
	if !strings.Contains(view, "Pack "+packHostileCorpus) {
		t.Fatalf("the storm lost the conversation:\n%s", view)
	}
}

// TestRandomKeysAgainstAFailingSandbox presses seeded random keys (and resizes) over every view
// while a fifth of the sandbox's answers are errors and some connections drop. Nothing may
// panic, every frame stays inert and in bounds, and after ctrl+c every unsent reply is on disk
// exactly as compose holds it, with no draft left behind for a reply that went out.
func TestRandomKeysAgainstAFailingSandbox(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			a := newHostileApp(t,
				sandbox.WithFailureRate(sandbox.RouteAll, sandbox.FailServerError, 0.15, int64(seed)),
				sandbox.WithFailureRate(sandbox.RouteAll, sandbox.FailDrop, 0.05, int64(seed)+100))
			rng := rand.New(rand.NewPCG(seed, seed*31))
			keys := []string{"j", "j", "k", "g", "G", "enter", "enter", "esc", "r", "r", "t", "tab",
				"?", "R", "a", "o", "/", "x", "ñ", " ", "😀", "ctrl+s", "backspace", "up", "down", "pgdown", "pgup"}
			w, h := 100, 30
			a.settle("start", func(string) bool { return true })
			for i := range 300 {
				switch k := keys[rng.IntN(len(keys))]; {
				case i%37 == 36:
					w, h = 1+rng.IntN(160), 1+rng.IntN(60)
					a.tm.Send(tea.WindowSizeMsg{Width: w, Height: h})
				default:
					a.keys(k)
				}
				if i%25 == 0 {
					view := a.settle(fmt.Sprintf("key %d", i), func(string) bool { return true })
					checkFrame(t, fmt.Sprintf("seed %d key %d", seed, i), view, w, h)
				}
			}
			a.settle("idle", func(string) bool { return true })
			// What compose holds now is what must be on disk after quitting.
			want := map[string]string{}
			a.inspect(func(m *Model) {
				for pack, cv := range m.composes {
					if cm, ok := cv.(*compose.Model); ok && !cm.Empty() {
						want[pack] = cm.Draft().Text
					}
				}
			})
			a.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
			a.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
			saved, err := a.store.List()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, d := range saved {
				got[d.PackID] = strings.TrimSpace(d.Text)
			}
			for pack, text := range want {
				if got[pack] != text {
					t.Errorf("pack %s: compose holds %q, disk has %q", pack, text, got[pack])
				}
			}
			for pack, text := range got {
				if _, ok := want[pack]; !ok && text != "" {
					t.Errorf("pack %s: a draft %q is on disk but no compose holds it", pack, text)
				}
			}
			t.Logf("seed %d: %d drafts kept, %d requests, %d sends", seed, len(want), len(a.sb.Requests()), a.count("POST", "/marketplace/messages/packs/"))
		})
	}
}

// TestDraftWrittenWhenTheProgramIsKilled ends the program without the quit key (as a signal
// does); FlushDrafts afterwards, as the CLI calls it, writes what the debounce still held.
func TestDraftWrittenWhenTheProgramIsKilled(t *testing.T) {
	a := newHostileApp(t)
	a.settleOn("All 19] · 7 new")
	a.open(packTopUnread)
	a.keys("r")
	a.settleOn("· pack " + packTopUnread)
	a.keys("Sim, emitimos nota fiscal.")
	a.settleOn("Sim, emitimos nota fiscal.")
	var root *Model
	a.inspect(func(m *Model) { root = m })
	_ = a.tm.Quit() // tea.Quit straight to the program: no flush on the way out
	a.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if err := root.FlushDrafts(); err != nil {
		t.Fatal(err)
	}
	d, err := a.store.Load(packTopUnread)
	if err != nil || d.Text != "Sim, emitimos nota fiscal." {
		t.Fatalf("draft on disk %+v, %v", d, err)
	}
}
