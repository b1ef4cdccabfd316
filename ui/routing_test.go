package ui

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/ui/uitest"
)

// Keys that arrive in one read (a paste, tmux send-keys, a fast typist) reach the view the first
// of them opened: Bubble Tea delivers "rhola" as one KeyMsg, and "enter" then "x" as two messages
// before any command's result, so navigation must happen inside Update.

func TestKeysAfterReplyInTheSameReadGoToCompose(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.openPack(packLinks)
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("rhola")})
	view := a.settleOn("· pack "+packLinks, "│ hola")
	if strings.Contains(view, "no links") || strings.Contains(view, "There are no") {
		t.Fatalf("o or a ran in the conversation:\n%s", view)
	}
}

func TestKeysAfterEnterInTheSameReadGoToTheConversation(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.settleOn("All 17] · 7 new")
	a.keys("/", packLinks, "enter")
	a.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("rhi")})
	a.settleOn("· pack "+packLinks, "│ hi")
}

func TestKeysAfterEscInTheSameReadGoToTheConversation(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.openPack(packLinks)
	a.keys("r")
	a.settleOn("· pack " + packLinks)
	a.tm.Type("hola")
	a.settleOn("│ hola")
	// esc leaves compose; the r in the same read is the conversation's reply key, not a letter.
	a.tm.Send(tea.KeyMsg{Type: tea.KeyEscape})
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("r")})
	view := a.settleOn("· pack "+packLinks, "│ hola")
	if strings.Contains(view, "holar") {
		t.Fatalf("the key after esc was typed into the draft:\n%s", view)
	}
}

func TestFailedDraftSaveIsSaid(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	e := uitest.New(t, uitest.At(testNow))
	e.Common.Drafts = drafts.NewStore(filepath.Join(file, "drafts"))
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	a.openPack(packLinks)
	a.keys("r")
	a.settleOn("· pack " + packLinks)
	a.tm.Type("hola")
	a.settle("a failed save said", func(v string) bool {
		flat := strings.Join(strings.Fields(v), " ")
		return strings.Contains(flat, "draft could not be saved") && strings.Contains(flat, "│ hola")
	})
}

// gatedDownloads answers attachment downloads in three parts, waiting for the test between them.
type gatedDownloads struct {
	next  http.Handler
	gates [2]chan struct{}
}

func (g *gatedDownloads) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/marketplace/messages/attachments/") {
		g.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	g.next.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	cuts := []int{len(body) / 4, len(body) * 3 / 4, len(body)}
	from := 0
	for i, to := range cuts {
		w.Write(body[from:to])
		w.(http.Flusher).Flush()
		from = to
		if i < len(g.gates) {
			select {
			case <-g.gates[i]:
			case <-r.Context().Done():
				return
			}
		}
	}
}

func TestDownloadProgressGoesOnAfterLeavingTheConversation(t *testing.T) {
	t.Parallel()
	g := &gatedDownloads{gates: [2]chan struct{}{make(chan struct{}), make(chan struct{})}}
	e := uitest.New(t, uitest.At(testNow),
		uitest.Behind(func(sb *sandbox.Server) http.Handler { g.next = sb; return g }))
	e.Common.DownloadsDir = t.TempDir()
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	t.Cleanup(func() {
		for _, c := range g.gates {
			select {
			case <-c:
			default:
				close(c)
			}
		}
	})
	a.openPack(packFiles)
	a.keys("a", "shift+tab", "s") // configuracion.png
	a.busyOn("downloading 24%")   // the first quarter arrived
	a.keys("esc", "esc")          // out of the attachments, then back to the list
	a.busyOn("1 of 17")
	close(g.gates[0]) // 75% arrives while the list is shown
	a.keys("enter")
	a.busyOn("downloading 74%")
	close(g.gates[1])
	a.settleOn("Saved to " + e.Common.DownloadsDir)
}

// busyOn waits until the root's view shows text, whether or not work is in flight.
func (a *app) busyOn(text string) string {
	a.t.Helper()
	return a.settle("view showing "+text, func(string) bool { return true }, text)
}

// The saved draft is read in a command; keys typed in the same read as r land after it, and
// nothing is written over it before it is read.
func TestKeysTypedWhileTheDraftLoadsFollowIt(t *testing.T) {
	t.Parallel()
	e := uitest.New(t, uitest.At(testNow))
	store := drafts.NewStore(filepath.Join(t.TempDir(), "drafts"))
	if err := store.Save(drafts.Draft{PackID: packLinks, Text: "Hola "}); err != nil {
		t.Fatal(err)
	}
	e.Common.Drafts = store
	a := startApp(t, e, probed{New(e.Common, Options{})}, 5*time.Second)
	a.openPack(packLinks)
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("rmundo")})
	a.settleOn("· pack "+packLinks, "│ Hola mundo")
}

// esc and a key in the same read reach Bubble Tea as alt+key ("\x1br"): it is esc, then the key.
func TestEscAndAKeyInOneReadAreBoth(t *testing.T) {
	t.Parallel()
	a := newApp(t, Options{})
	a.openPack(packLinks)
	a.keys("r")
	a.settleOn("· pack " + packLinks)
	a.tm.Type("hola")
	a.settleOn("│ hola")
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t"), Alt: true}) // esc, then t: translation
	view := a.settleOn("Conversations › Pack "+packLinks, "translation: translated")
	if strings.Contains(view, "· pack ") {
		t.Fatalf("alt+t stayed in compose:\n%s", view)
	}
	// In the text, alt+b still moves back a word.
	a.keys("r")
	a.settleOn("│ hola")
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("b"), Alt: true})
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("¡")})
	a.settleOn("│ ¡hola")
}
