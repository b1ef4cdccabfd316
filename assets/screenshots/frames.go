//go:build ignore

// frames renders the README pictures' frames from the demo, through the real inbox models at a
// fixed size and clock, as ANSI text: packlist.ansi, conversation.ansi and compose.ansi. make.sh
// runs it and turns the frames into PNGs with freeze, so the pictures follow the screens.
//
//	go run ./assets/screenshots/frames.go -out assets/screenshots
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/assets"
	"github.com/postsale/postsale/config"
	tpl "github.com/postsale/postsale/config/templates"
	"github.com/postsale/postsale/ui"
	"github.com/postsale/postsale/ui/common"
)

const (
	width, height = 110, 26
	conversation  = "2000004600112233" // Carlos Restrepo, MCO: translations and an invoice PDF
	reply         = "2000004512345671" // Ana Lucía Pérez, MLM
)

func main() {
	out := flag.String("out", ".", "folder for the .ansi frames")
	theme := flag.String("theme", config.ThemeDefault, "default, high-contrast or mono")
	flag.Parse()
	if err := run(*out, *theme); err != nil {
		fmt.Fprintln(os.Stderr, "frames:", err)
		os.Exit(1)
	}
}

func run(out, theme string) error {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	sb := sandbox.New(sandbox.WithClock(clock))
	ts := httptest.NewServer(sb)
	defer ts.Close()
	client, err := api.New(api.StaticToken(sb.Token()), api.WithBaseURL(ts.URL))
	if err != nil {
		return err
	}
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true) // the pictures are dark; nothing asks a terminal
	c := common.New(context.Background(), client, r)
	c.Styles = common.StylesFor(r, theme)
	c.Now, c.Location = clock, time.UTC
	c.Templates = []tpl.Layer{{Source: "demo", FS: assets.Templates()}}
	root := ui.New(c, ui.Options{})
	d := &driver{m: root}
	d.run(root.Init())
	d.send(tea.WindowSizeMsg{Width: width, Height: height})
	frames := map[string]string{"packlist": root.View()}

	d.send(common.OpenPackMsg{PackID: conversation, Site: "MCO"})
	for range 2 { // t cycles original → translated → both: the buyer's words and their translation
		d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t")})
	}
	frames["conversation"] = root.View()

	d.send(tea.KeyMsg{Type: tea.KeyEsc})
	d.send(common.OpenPackMsg{PackID: reply, Site: "MLM"})
	d.send(common.ComposeMsg{PackID: reply, Site: "MLM"})
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Hola Ana, ")})
	d.send(tea.KeyMsg{Type: tea.KeyCtrlT})
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("dla")})
	frames["compose"] = root.View()

	for name, f := range frames {
		if err := os.WriteFile(filepath.Join(out, name+".ansi"), []byte(f+"\n"), 0o644); err != nil {
			return err
		}
		if strings.TrimSpace(f) == "" {
			return fmt.Errorf("frame %s is empty", name)
		}
	}
	return nil
}

// driver plays a model like the Bubble Tea runtime, without a terminal: each command runs, its
// message goes back to the model; commands that wait (blinking cursors, spinners, the refresh
// timer) are dropped after a moment, which freezes the frame.
type driver struct{ m tea.Model }

func (d *driver) send(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := wait(c)
		if msg == nil {
			continue
		}
		if cmds, ok := unpack(msg); ok {
			queue = append(cmds, queue...)
			continue
		}
		if _, quit := msg.(tea.QuitMsg); quit {
			return
		}
		_, next := d.m.Update(msg)
		queue = append(queue, next)
	}
}

// wait runs c, giving up after 300 ms (a tick, not work: the sandbox answers in microseconds).
func wait(c tea.Cmd) tea.Msg {
	ch := make(chan tea.Msg, 1)
	go func() { ch <- c() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(300 * time.Millisecond):
		return nil
	}
}

// unpack opens tea.Batch and tea.Sequence (whose type is unexported).
func unpack(msg tea.Msg) ([]tea.Cmd, bool) {
	if b, ok := msg.(tea.BatchMsg); ok {
		return b, true
	}
	v := reflect.ValueOf(msg)
	if v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		cmds := make([]tea.Cmd, v.Len())
		for i := range cmds {
			cmds[i] = v.Index(i).Interface().(tea.Cmd)
		}
		return cmds, true
	}
	return nil, false
}
