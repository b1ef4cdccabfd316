package compose

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

func newCompose(t *testing.T, e *env, packID string) *Model {
	t.Helper()
	m := New(e.Common, packID, "MLM")
	staticCursor(m)
	m.SetSize(100, 30)
	m.Focus()
	return m
}

// staticCursor stops the text fields' cursors blinking: a blink tick is a real wait for a test
// that runs a key's commands (one such test went from 2 s to 0.01 s).
func staticCursor(m *Model) {
	m.text.Cursor.SetMode(cursor.CursorStatic)
	m.translated.Cursor.SetMode(cursor.CursorStatic)
}

func typeText(m *Model, s string) {
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}

// posts returns the bodies of the send requests the sandbox received.
func posts(sb *sandbox.Server) []api.SendRequest {
	var out []api.SendRequest
	for _, r := range sb.Requests() {
		if r.Method == "POST" && strings.HasPrefix(r.Path, "/marketplace/messages/packs/") {
			var req api.SendRequest
			_ = json.Unmarshal(r.Body, &req)
			out = append(out, req)
		}
	}
	return out
}

func TestCounterCountsCharacters(t *testing.T) {
	e := newEnv(t)
	m := newCompose(t, e, packOpen)
	if !m.Typing() {
		t.Fatal("a focused compose must take every key (q types a q)")
	}
	typeText(m, "Olá, já saiu 🚚")
	if v := m.View(); !strings.Contains(v, "14/350") {
		t.Fatalf("counter not 14/350 for 14 characters:\n%s", v)
	}
	if m.Empty() || m.Draft().Text != "Olá, já saiu 🚚" {
		t.Fatalf("draft = %+v", m.Draft())
	}
}

func TestRefusesOverTheLimit(t *testing.T) {
	e := newEnv(t)
	m := newCompose(t, e, packOpen)
	typeText(m, strings.Repeat("a", 351))
	v := m.View()
	if !strings.Contains(v, "351/350") || !strings.Contains(v, "Message too long: 351/350 characters, remove 1.") {
		t.Fatalf("over-limit draft not flagged:\n%s", v)
	}
	if _, bad := m.counter(m.Draft().Text); !bad {
		t.Error("counter not highlighted over the limit")
	}
	out := uitest.Press(m, "ctrl+s")
	st, ok := uitest.Find[common.StatusMsg](out)
	var ve *api.ValidationError
	if !ok || !errors.As(st.Err, &ve) || !strings.Contains(st.Text, "351 characters") || !strings.Contains(m.Err(), "Not sent") {
		t.Fatalf("ctrl+s over the limit gave %+v", out)
	}
	if _, started := uitest.Find[common.SendStartedMsg](out); started || m.Sending() {
		t.Fatal("an over-long message was sent")
	}
	if len(posts(e.Sandbox)) != 0 {
		t.Fatal("the sandbox received a send")
	}
	if v := m.View(); !strings.Contains(v, "351/350 characters") || !strings.Contains(v, "Not sent") {
		t.Errorf("the refusal is not shown in compose:\n%s", v)
	}
	if m.Draft().Text != strings.Repeat("a", 351) {
		t.Error("the refused draft changed")
	}
	// Fixing the draft clears the refusal.
	m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	if v := m.View(); strings.Contains(v, "Not sent") || strings.Contains(v, "too long") || !strings.Contains(v, "350/350") {
		t.Errorf("after fixing the length:\n%s", v)
	}
}

// A translation over the limit is refused as the translation, in the status bar as in the
// inline check, never as "the text".
func TestRefusesAnOverLongTranslationByName(t *testing.T) {
	e := newEnv(t)
	m := newCompose(t, e, packOpen)
	typeText(m, "hi")
	uitest.Press(m, "tab")
	typeText(m, strings.Repeat("b", 361))
	if v := m.View(); !strings.Contains(v, "Translation too long: 361/350 characters, remove 11.") {
		t.Fatalf("over-long translation not flagged:\n%s", v)
	}
	out := uitest.Press(m, "ctrl+s")
	st, ok := uitest.Find[common.StatusMsg](out)
	if want := "The translation has 361 characters; Mercado Libre accepts at most 350."; !ok || st.Err == nil || st.Text != want {
		t.Fatalf("ctrl+s said %q, want %q", st.Text, want)
	}
	if _, started := uitest.Find[common.SendStartedMsg](out); started || len(posts(e.Sandbox)) != 0 {
		t.Fatal("an over-long translation was sent")
	}
}

func TestRefusesUnsupportedCharacters(t *testing.T) {
	e := newEnv(t)
	m := newCompose(t, e, packOpen)
	typeText(m, "Привет, ok")
	v := m.View()
	if !strings.Contains(v, "characters Mercado Libre does not accept") || !strings.Contains(v, "П (U+041F)") {
		t.Fatalf("offending characters not listed:\n%s", v)
	}
	if _, bad := m.counter(m.Draft().Text); !bad {
		t.Error("counter not highlighted with unsupported characters")
	}
	out := uitest.Press(m, "ctrl+s")
	if st, ok := uitest.Find[common.StatusMsg](out); !ok || st.Err == nil || !strings.Contains(st.Text, "U+041F") {
		t.Fatalf("ctrl+s with Cyrillic gave %+v", out)
	}
	if len(posts(e.Sandbox)) != 0 {
		t.Fatal("the sandbox received a send")
	}
}

func TestSendSuccess(t *testing.T) {
	e := newEnv(t)
	m := newCompose(t, e, packOpen)
	typeText(m, "Your order ships today")
	uitest.Press(m, "tab")
	if m.Field() != FieldTranslation {
		t.Fatal("tab did not move to the translation")
	}
	typeText(m, "Tu pedido sale hoy")
	_, cmd := m.Update(uitest.Key("ctrl+s"))
	if !m.Sending() {
		t.Fatal("not sending after ctrl+s")
	}
	if _, again := m.Update(uitest.Key("ctrl+s")); again != nil {
		t.Fatal("a second ctrl+s while sending started another send")
	}
	out := uitest.Run(m, cmd)
	started, ok := uitest.Find[common.SendStartedMsg](out)
	if !ok || started.PackID != packOpen || started.Request.Text != "Your order ships today" || started.LocalID == "" {
		t.Fatalf("SendStartedMsg = %+v", started)
	}
	done, ok := uitest.Find[common.SendDoneMsg](out)
	if !ok || done.Err != nil || done.Message == nil || done.Message.ID == "" || done.LocalID != started.LocalID {
		t.Fatalf("SendDoneMsg = %+v", done)
	}
	if ts, ok := uitest.Find[common.TaskFinishedMsg](out); !ok || ts.Task.Owner != common.ComposeOwner(packOpen) {
		t.Errorf("task owner = %+v", ts)
	}
	got := posts(e.Sandbox)
	if len(got) != 1 || got[0].Text != "Your order ships today" || got[0].TextTranslated != "Tu pedido sale hoy" {
		t.Fatalf("sandbox received %+v", got)
	}
	if !m.Empty() || m.Sending() || m.Err() != "" {
		t.Fatalf("after success: empty %v, sending %v, err %q", m.Empty(), m.Sending(), m.Err())
	}
	// The message is in the conversation the API serves.
	conv, err := e.Common.Client.PackMessages(e.Common.Ctx, packOpen, api.PageOptions{Limit: 1})
	if err != nil || len(conv.Messages) != 1 || conv.Messages[0].Text != "Your order ships today" {
		t.Fatalf("newest message after send: %+v, %v", conv, err)
	}
}

// A refusal (here the rate limit: nothing was stored) keeps the draft and a retry sends it. A 5xx
// is read back first instead (TestSend5xxIsReadBackBeforeAnythingIsSaid).
func TestScriptedRefusalKeepsTheDraft(t *testing.T) {
	e := newEnv(t)
	e.Sandbox.Fail(sandbox.RouteSend, sandbox.FailRateLimit, 1)
	m := newCompose(t, e, packOpen)
	typeText(m, "Please confirm the address")
	out := uitest.Press(m, "ctrl+s")
	done, ok := uitest.Find[common.SendDoneMsg](out)
	if !ok || done.Err == nil {
		t.Fatalf("SendDoneMsg = %+v", done)
	}
	if m.Draft().Text != "Please confirm the address" || m.Sending() {
		t.Fatalf("draft after failure: %+v (sending %v)", m.Draft(), m.Sending())
	}
	if v := m.View(); !strings.Contains(v, "Not sent: Mercado Libre's rate limit") || !strings.Contains(v, "draft is kept") {
		t.Fatalf("failure not shown in compose:\n%s", v)
	}
	// Trying again works and clears the draft.
	out = uitest.Press(m, "ctrl+s")
	if done, ok := uitest.Find[common.SendDoneMsg](out); !ok || done.Err != nil || !m.Empty() {
		t.Fatalf("retry: %+v, draft %+v", done, m.Draft())
	}
}

// A long error at a narrow width takes lines from the fields rather than losing its end off the
// bottom of the screen.
func TestLongErrorIsNeverCut(t *testing.T) {
	e := newEnv(t)
	e.Sandbox.Fail(sandbox.RouteSend, sandbox.FailRateLimit, 1)
	m := newCompose(t, e, packOpen)
	m.SetSize(40, 16)
	typeText(m, "Please confirm the address")
	uitest.Press(m, "ctrl+s")
	v := m.View()
	if lines := strings.Split(v, "\n"); len(lines) != 16 {
		t.Fatalf("the view has %d lines, want 16:\n%s", len(lines), v)
	}
	if words := strings.Join(strings.Fields(ansi.Strip(v)), " "); !strings.Contains(words, "Your draft is kept; ctrl+s tries again.") {
		t.Fatalf("the error's end is cut:\n%s", v)
	}
	if !strings.Contains(v, "Please confirm") {
		t.Fatalf("the message's text is no longer shown:\n%s", v)
	}
}

// A window made narrower measures the notes again at once: the hint that wraps onto more lines
// keeps its end, before any key or message reaches the composer.
func TestNarrowerWindowKeepsTheHintsEnd(t *testing.T) {
	e := newEnv(t)
	m := newCompose(t, e, packOpen)
	m.SetSize(80, 24)
	typeText(m, "Hola")
	m.SetSize(40, 12)
	v := m.View()
	if lines := strings.Split(v, "\n"); len(lines) != 12 {
		t.Fatalf("the view has %d lines, want 12:\n%s", len(lines), v)
	}
	if words := strings.Join(strings.Fields(ansi.Strip(v)), " "); !strings.Contains(words, "keeps the draft") {
		t.Fatalf("the hint's end is cut:\n%s", v)
	}
}

func TestBlockedSendExplains(t *testing.T) {
	e := newEnv(t)
	m := newCompose(t, e, packBlocked)
	typeText(m, "Hello?")
	out := uitest.Press(m, "ctrl+s")
	if done, ok := uitest.Find[common.SendDoneMsg](out); !ok || done.Err == nil {
		t.Fatalf("send in a blocked conversation: %+v", done)
	}
	if !strings.Contains(m.View(), "This conversation is blocked") || m.Draft().Text != "Hello?" {
		t.Fatalf("blocked refusal not shown or draft lost:\n%s", m.View())
	}
}

func TestTypingWhileSendingIsKept(t *testing.T) {
	e := newEnv(t)
	m := newCompose(t, e, packOpen)
	typeText(m, "First")
	_, cmd := m.Update(uitest.Key("ctrl+s"))
	typeText(m, " and more")
	uitest.Run(m, cmd)
	if m.Draft().Text != "First and more" {
		t.Fatalf("text typed while sending was lost: %q", m.Draft().Text)
	}
}

func TestEscGoesBackAndKeepsTheDraft(t *testing.T) {
	e := newEnv(t)
	m := newCompose(t, e, packOpen)
	typeText(m, "half written")
	uitest.Press(m, "esc")
	if _, ok := uitest.Find[common.BackMsg](e.Common.Nav.Take()); !ok {
		t.Fatal("esc did not ask to go back")
	}
	if m.Draft().Text != "half written" {
		t.Fatalf("draft after esc: %q", m.Draft().Text)
	}
}

func TestComposeGoldenAndTeatest(t *testing.T) {
	e := newEnv(t)
	m := New(e.Common, packOpen, "MLM")
	staticCursor(m)
	h := newHarness(m)
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(100, 30))
	tm.Send(focusMsg{})
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Hola Ana, ¿me confirmas la dirección?")}) // Type sends bytes, not runes
	uitest.WaitFor(t, tm, "37/350")
	tm.Send(uitest.Key("tab"))
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Hi Ana, can you confirm the address? Привет")})
	uitest.WaitFor(t, tm, "U+0440")
	tm.Send(uitest.Key("ctrl+s"))
	uitest.WaitFor(t, tm, "Not sent: fix what is marked above first.")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	for _, msg := range h.Recorded() {
		if _, ok := msg.(common.SendStartedMsg); ok {
			t.Fatal("a draft with unsupported characters was sent")
		}
	}
	golden.RequireEqual(t, []byte(m.View()))
}

// focusMsg makes the harness focus compose, as the root does when it shows it.
type focusMsg struct{}

func TestNoPanicAndNoOverflowAtAnySize(t *testing.T) {
	e := newEnv(t)
	m := newCompose(t, e, packOpen)
	typeText(m, strings.Repeat("palabra ", 50)+"Ж")
	for _, size := range [][2]int{{1, 1}, {0, 0}, {2, 1}, {1, 5}, {5, 2}, {10, 3}, {20, 6}, {40, 10}, {60, 20}, {80, 24}, {100, 30}} {
		m.SetSize(size[0], size[1])
		typeText(m, "x")
		v := m.View()
		w, hgt := size[0], size[1]
		what := fmt.Sprintf("%dx%d", w, hgt)
		if w < 1 || hgt < 1 {
			if v != "" {
				t.Errorf("%s: want empty view, got %q", what, v)
			}
			continue
		}
		ls := strings.Split(v, "\n")
		if len(ls) != hgt {
			t.Errorf("%s: %d lines", what, len(ls))
		}
		for i, l := range ls {
			if ansi.StringWidth(l) > w {
				t.Errorf("%s: line %d is %d wide", what, i, ansi.StringWidth(l))
			}
		}
	}
}

func TestThreadLimitDrivesTheCounter(t *testing.T) {
	e := newEnv(t)
	m := newCompose(t, e, "2000004512345671")
	if !strings.Contains(m.View(), "0/350") {
		t.Fatalf("default counter:\n%s", m.View())
	}
	m.SetTextLimit(120)
	typeText(m, strings.Repeat("a", 121))
	if v := m.View(); !strings.Contains(v, "121/120") || !strings.Contains(v, "0/350") {
		t.Errorf("the message counter does not use the thread's limit (the translation keeps 350):\n%s", v)
	}
	if p := strings.Join(m.Problems(), "\n"); !strings.Contains(p, "121/120") {
		t.Errorf("problems %q", p)
	}
}

// TestComposeInTrueColour is compose's own area in true colour, so its styles are checked too.
func TestComposeInTrueColour(t *testing.T) {
	e := newEnv(t)
	r := uitest.Renderer(termenv.TrueColor)
	e.Common.Renderer, e.Common.Styles = r, common.DefaultStyles(r)
	m := newCompose(t, e, packOpen)
	m.SetSize(100, 16)
	typeText(m, "Hola Ana, ¿me confirmas la dirección? Привет")
	v := m.View()
	if !strings.Contains(v, "\x1b[38;2;") {
		t.Fatalf("compose is not in true colour:\n%s", v)
	}
	golden.RequireEqual(t, []byte(v))
}
