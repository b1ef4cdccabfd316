package compose

import (
	"strings"
	"testing"

	"github.com/postsale/postsale/ui/uitest"
)

// Someone else's reply is said with its start, its escape sequences and line breaks made
// inert (a teammate's words and name are as hostile as a buyer's); ctrl+s then asks once and
// the next sends, after which the notice goes.
func TestSentElsewhereIsSaidCleanAndAsksOnce(t *testing.T) {
	e := newEnv(t)
	m := newCompose(t, e, packOpen)
	typeText(m, "Sale hoy")
	m.SentElsewhere("Ana\x1b[2J", "Ya\x1b]52;c;ZXZpbA==\x07 salió\r\nhoy, \x1b[31mrastreo 4410\x1b[0m")
	v := m.View()
	if strings.ContainsAny(v, "\x1b\x07\r") {
		t.Errorf("someone else's reply reached the screen with control characters: %q", v)
	}
	if !strings.Contains(v, "⚠ Ana just replied: “Ya salió hoy, rastreo 4410”") {
		t.Errorf("the notice does not quote the reply on one clean line:\n%s", v)
	}
	uitest.Press(m, "ctrl+s")
	if n := len(posts(e.Sandbox)); n != 0 || !strings.Contains(m.View(), "ctrl+s again to send anyway") {
		t.Fatalf("the first ctrl+s after someone else's reply: %d sends, view:\n%s", n, m.View())
	}
	uitest.Press(m, "ctrl+s")
	if p := posts(e.Sandbox); len(p) != 1 || p[0].Text != "Sale hoy" {
		t.Fatalf("the second ctrl+s sent %+v, want the reply", p)
	}
	if strings.Contains(m.View(), "just replied") {
		t.Errorf("the notice stayed after this compose's own reply went:\n%s", m.View())
	}

	// A reply heard while this compose's own is on its way is still said, and asked about,
	// after it went.
	typeText(m, "Mais uma coisa")
	_, cmd := m.Update(uitest.Key("ctrl+s"))
	m.SentElsewhere("Carla", "Já respondi")
	uitest.Play(m, cmd, uitest.Returned)
	if n := len(posts(e.Sandbox)); n != 2 || !strings.Contains(m.View(), "⚠ Carla just replied: “Já respondi”") {
		t.Fatalf("after a send during which Carla replied: %d sends, view:\n%s", n, m.View())
	}
	typeText(m, "E outra")
	uitest.Press(m, "ctrl+s")
	if n := len(posts(e.Sandbox)); n != 2 || !strings.Contains(m.View(), "ctrl+s again to send anyway") {
		t.Errorf("the next ctrl+s after Carla's reply did not ask (%d sends):\n%s", n, m.View())
	}
}
