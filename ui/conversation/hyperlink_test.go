package conversation

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
	"github.com/postsale/postsale/ui/uitest"
)

const trackingURL = "https://www.mercadolibre.com.mx/envios/43210987651"

// hyperlinkEnv is the demo seller with OSC 8 hyperlinks switched on (the `osc8` setting).
func hyperlinkEnv(t *testing.T, on bool) *env {
	e := newEnv(t)
	e.Common.Opener = open.New(open.Print, nil, open.WithHyperlinks(on))
	return e
}

func TestHyperlinksWhenEnabled(t *testing.T) {
	e := hyperlinkEnv(t, true)
	for _, w := range []int{200, 100, 40, 24} {
		m := openPack(t, e, packLinks, w, 60)
		uitest.Press(m, "g")
		v := m.View()
		if w >= 200 && !strings.Contains(v, "\x1b]8;;"+trackingURL+"\x1b\\tracking\x1b]8;;\x1b\\ ("+trackingURL+")") {
			t.Errorf("%d columns: the link is not an OSC 8 hyperlink on its label:\n%q", w, v)
		}
		for i, l := range lines(v) {
			// Each line closes what it opens: a wrapped label never runs into the next line.
			if strings.Count(l, "\x1b]8;;"+trackingURL) != strings.Count(l, "\x1b]8;;\x1b\\") {
				t.Errorf("%d columns, line %d leaves a hyperlink open: %q", w, i, l)
			}
			if got := ansi.StringWidth(l); got != w {
				t.Errorf("%d columns, line %d is %d cells wide: %q", w, i, got, l)
			}
		}
		if !strings.Contains(v, "\x1b]8;;"+trackingURL+"\x1b\\tracking") {
			t.Errorf("%d columns: the label is not hyperlinked:\n%q", w, v)
		}
		if !strings.Contains(ansi.Strip(v), "tracking") {
			t.Errorf("%d columns: label lost:\n%s", w, ansi.Strip(v))
		}
	}
}

// With hyperlinks on, what the seller reads is exactly what they read with them off, in colour
// too: the sequences take no cells.
func TestHyperlinksChangeNothingVisible(t *testing.T) {
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.TrueColor} {
		views := map[bool]string{}
		for _, on := range []bool{false, true} {
			e := hyperlinkEnv(t, on)
			e.Common.Renderer = uitest.Renderer(profile)
			e.Common.Styles = common.DefaultStyles(e.Common.Renderer)
			m := openPack(t, e, packFiles, 60, 40)
			uitest.Press(m, "t")
			uitest.Press(m, "t") // both texts
			views[on] = m.View()
		}
		if strings.Contains(views[false], "\x1b]8;") {
			t.Errorf("profile %v: hyperlinks off, yet an OSC 8 sequence was drawn: %q", profile, views[false])
		}
		if !strings.Contains(views[true], "\x1b]8;;https://northwind.example.com/c2/firmware\x1b\\") {
			t.Errorf("profile %v: no hyperlink drawn with hyperlinks on: %q", profile, views[true])
		}
		if got, want := ansi.Strip(views[true]), ansi.Strip(views[false]); got != want {
			t.Errorf("profile %v: visible text differs with hyperlinks on:\n%s\n---\n%s", profile, got, want)
		}
	}
}

func TestHostileLinksNeverBecomeHyperlinks(t *testing.T) {
	e := hyperlinkEnv(t, true)
	m := openPack(t, e, packLinks, 120, 30)
	target := regexp.MustCompile("\x1b]8;;([^\x1b\x07]*)")
	for i, c := range []struct{ text, target string }{
		{`<a href="javascript:alert(1)">click</a>`, ""},
		{`<a href="https://bank.example@evil.example/">bank</a>`, ""},
		{`<a href="data:text/html,hi">hi</a> and file:///etc/passwd`, ""},
		// The decoded escape is removed before the URL is judged: what is left is the target.
		{`<a href="https://x.example/&#27;]8;;https://evil.example&#27;\">bank</a>`, "https://x.example/"},
	} {
		msg := api.Message{ID: fmt.Sprint("h", i), Text: c.text}
		got := strings.Join((&entry{msg: msg}).lines(120, ModeOriginal, m.c, m.links), "\n")
		var targets []string
		for _, sm := range target.FindAllStringSubmatch(got, -1) {
			if sm[1] != "" {
				targets = append(targets, sm[1])
			}
		}
		want := []string{}
		if c.target != "" {
			want = append(want, c.target)
		}
		if fmt.Sprint(targets) != fmt.Sprint(want) {
			t.Errorf("%q: hyperlink targets %q, want %q", c.text, targets, want)
		}
		if rest := target.ReplaceAllString(got, ""); strings.ContainsAny(strings.ReplaceAll(rest, "\x1b\\", ""), "\x1b\x07\u009b") {
			t.Errorf("%q: an escape sequence other than OSC 8 was drawn: %q", c.text, got)
		}
	}
}
