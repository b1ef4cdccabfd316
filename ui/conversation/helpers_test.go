package conversation

import (
	"context"
	"io"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
)

// Demo packs used by the tests (assets/demo/demo.json).
const (
	packLinks   = "2000004512345671" // seller reply with an <a href> link
	packLong    = "2000004777000111" // 300+ generated messages
	packHostile = "2000004900001111" // buyer text with OSC 52, clear screen, colours
	packThreat  = "2000004400998877" // pdf flagged potential_security_threat
	packBlocked = "2000003999887766" // blocked_by_time
	packModer   = "2000004966554433" // seller message moderated (short URL)
)

// clock is the fixed time of the sandbox and the UI, so goldens are stable.
var clock = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

type env struct {
	sb *sandbox.Server
	c  *common.Common
}

func newEnv(t testing.TB) *env {
	t.Helper()
	now := func() time.Time { return clock }
	sb := sandbox.New(sandbox.WithClock(now))
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	client, err := api.New(api.StaticToken(sb.Token()), api.WithBaseURL(ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c := common.New(ctx, client, r)
	c.Now = now
	c.Location = time.UTC
	c.Seller = sb.SellerID()
	c.Site = "MLM"
	c.Account = "Demo Seller"
	return &env{sb: sb, c: c}
}

// run executes cmd like the Bubble Tea runtime and plays a minimal root: task results and send
// messages go back to m; everything else is returned for assertions.
func run(m tea.Model, cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if cmds, ok := asCmds(msg); ok {
			queue = append(cmds, queue...)
			continue
		}
		out = append(out, msg)
		switch msg.(type) {
		case common.TaskFinishedMsg, common.SendStartedMsg, common.SendDoneMsg:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
	return out
}

// asCmds unpacks tea.Batch and tea.Sequence results (the latter's type is unexported).
func asCmds(msg tea.Msg) ([]tea.Cmd, bool) {
	if b, ok := msg.(tea.BatchMsg); ok {
		return b, true
	}
	v := reflect.ValueOf(msg)
	if v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf((tea.Cmd)(nil)) {
		cmds := make([]tea.Cmd, v.Len())
		for i := range cmds {
			cmds[i] = v.Index(i).Interface().(tea.Cmd)
		}
		return cmds, true
	}
	return nil, false
}

// key builds a key press from its name ("k", "pgup", "esc", "ctrl+s").
func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "ctrl+s":
		return tea.KeyMsg{Type: tea.KeyCtrlS}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// press sends a key and runs what it starts.
func press(m tea.Model, k string) []tea.Msg {
	_, cmd := m.Update(keyMsg(k))
	return run(m, cmd)
}

// openPack builds the conversation of packID at w×h and loads its newest page.
func openPack(t testing.TB, e *env, packID string, w, h int) *Model {
	t.Helper()
	m := New(e.c, packID, "")
	m.SetSize(w, h)
	for _, msg := range run(m, m.Init()) {
		if f, ok := msg.(common.TaskFinishedMsg); ok && f.Err != nil {
			t.Fatalf("load %s: %v", packID, f.Err)
		}
	}
	return m
}

func find[T any](msgs []tea.Msg) (T, bool) {
	for _, msg := range msgs {
		if v, ok := msg.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// harness is a tiny root for teatest: it sizes the child, routes task results and records
// what the child asks of the root.
type harness struct {
	child interface {
		tea.Model
		SetSize(w, h int)
	}
	mu   sync.Mutex
	out  []tea.Msg
	view string
}

func (h *harness) Init() tea.Cmd { return h.child.Init() }

func (h *harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.child.SetSize(msg.Width, msg.Height)
		return h, nil
	case common.TaskStartedMsg, common.BackMsg, common.ComposeMsg, common.StatusMsg:
		h.record(msg)
		return h, nil
	case common.SendStartedMsg, common.SendDoneMsg, common.TaskFinishedMsg:
		h.record(msg)
	}
	_, cmd := h.child.Update(msg)
	return h, cmd
}

func (h *harness) record(msg tea.Msg) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.out = append(h.out, msg)
}

func (h *harness) View() string {
	v := h.child.View()
	h.mu.Lock()
	h.view = v
	h.mu.Unlock()
	return v
}

func (h *harness) recorded() []tea.Msg {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]tea.Msg(nil), h.out...)
}

func lines(view string) []string { return strings.Split(view, "\n") }

// deliver hands msg to m as the root would and runs what it starts.
func deliver(m tea.Model, msg tea.Msg) []tea.Msg {
	_, cmd := m.Update(msg)
	return run(m, cmd)
}
