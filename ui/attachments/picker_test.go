package attachments

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// pickerHost is the smallest program around a Picker: it records what was picked and quits.
type pickerHost struct {
	p      *Picker
	picked string
	cancel bool
}

func (h *pickerHost) Init() tea.Cmd { return h.p.Init() }

func (h *pickerHost) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case PickedMsg:
		h.picked = msg.Path
		return h, tea.Quit
	case PickCancelledMsg:
		h.cancel = true
		return h, tea.Quit
	}
	return h, h.p.Update(msg)
}

func (h *pickerHost) View() string { return h.p.View() }

func pickerDir(t *testing.T) string {
	t.Helper()
	return uitest.Files(t, map[string]string{
		"factura.pdf":    "%PDF-1.4\n",
		"notas.txt":      "hola",
		"fotos/caja.png": uitest.PNG,
	})
}

func startPicker(t *testing.T, c *common.Common, dir string) (*teatest.TestModel, *pickerHost) {
	t.Helper()
	p := NewPicker(c, dir)
	p.SetSize(70, 10)
	h := &pickerHost{p: p}
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(70, 12))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("notas.txt")) }, teatest.WithDuration(20*time.Second))
	return tm, h
}

func TestPickerBrowsesAndPicks(t *testing.T) {
	_, c := newCommon(t)
	dir := pickerDir(t)
	tm, h := startPicker(t, c, dir)
	// Folders first: fotos/, factura.pdf, notas.txt. Into fotos, pick caja.png.
	tm.Send(uitest.Key("enter"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("caja.png")) }, teatest.WithDuration(20*time.Second))
	tm.Send(uitest.Key("enter"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if want := filepath.Join(dir, "fotos", "caja.png"); h.picked != want {
		t.Fatalf("picked %q, want %q", h.picked, want)
	}
}

func TestPickerTypedPath(t *testing.T) {
	_, c := newCommon(t)
	dir := pickerDir(t)
	tm, h := startPicker(t, c, dir)
	tm.Send(uitest.Key("tab"))
	tm.Type("notas.txt")
	tm.Send(uitest.Key("enter"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if want := filepath.Join(dir, "notas.txt"); h.picked != want {
		t.Fatalf("typed path picked %q, want %q", h.picked, want)
	}
}

func TestPickerCancel(t *testing.T) {
	_, c := newCommon(t)
	tm, h := startPicker(t, c, pickerDir(t))
	tm.Send(uitest.Key("j"))
	tm.Send(uitest.Key("esc"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if !h.cancel || h.picked != "" {
		t.Fatalf("esc: cancelled %v, picked %q", h.cancel, h.picked)
	}
}
