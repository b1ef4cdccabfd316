package firstrun

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

func plain() *common.Styles {
	return common.DefaultStyles(lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii)))
}

// A seller without an account sees what to do, with the exact redirect URI login sends, and the
// text stays on the terminal after q so the commands can be copied.
func TestFirstRunSaysHowToLogIn(t *testing.T) {
	const uri = "https://example.com/postsale/callback"
	m := New(plain(), Options{RedirectURI: uri, Site: "MLB", ConfigFile: "/home/x/.config/postsale/config.toml"})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	want := []string{"No Mercado Libre account", DevelopersURL, uri, "postsale login --site MLB --client-id APP_ID", "postsale --demo", "config.toml"}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range want {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second))
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	final := m.View()
	for _, w := range want {
		if !strings.Contains(final, w) {
			t.Errorf("after q the terminal keeps no %q:\n%s", w, final)
		}
	}
	if strings.Contains(final, "q quits") {
		t.Errorf("the kept text still has the footer:\n%s", final)
	}
}

// Without a redirect URI configured, the screen says to register one and to pass the same.
func TestFirstRunWithoutRedirectURI(t *testing.T) {
	m := New(plain(), Options{})
	text := m.Text(200)
	for _, w := range []string{"HTTPS redirect URI", "--redirect-uri URI", "postsale login --site MLM"} {
		if !strings.Contains(text, w) {
			t.Errorf("first run lacks %q:\n%s", w, text)
		}
	}
}

// At 40×12 the text scrolls instead of being cut.
func TestFirstRunScrollsOnASmallTerminal(t *testing.T) {
	m := New(plain(), Options{RedirectURI: "https://example.com/cb"})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(40, 12))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("scroll")) }, teatest.WithDuration(10*time.Second))
	tm.Send(uitest.Key("end"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("--demo")) }, teatest.WithDuration(10*time.Second))
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
