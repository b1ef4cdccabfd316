package templates

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	tpl "github.com/postsale/postsale/config/templates"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

const pack = "2000004512345671" // MLM, buyer Ana Lucía Pérez, orders 4512345671 and 4512345672

// sized adapts the picker (whose Update returns *Model, as bubbles components do) for uitest.Root.
type sized struct{ m *Model }

func (s sized) Init() tea.Cmd                           { return s.m.Init() }
func (s sized) Update(msg tea.Msg) (tea.Model, tea.Cmd) { _, cmd := s.m.Update(msg); return s, cmd }
func (s sized) View() string                            { return s.m.View() }
func (s sized) SetSize(w, h int)                        { s.m.SetSize(w, h) }

// waitAll waits until one stretch of output holds every want (teatest's output is read once).
func waitAll(t *testing.T, tm *teatest.TestModel, wants ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range wants {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for k, v := range files {
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return fsys
}

func TestPickerFiltersPreviewsAndInserts(t *testing.T) {
	e := uitest.New(t, uitest.AsSeller("MLM", "Demo Seller"))
	e.Common.Templates = []tpl.Layer{{Source: "personal", FS: mapFS(map[string]string{
		"delay.txt":       "Hi {{buyer_first_name}}, order {{order_id}} is late.",
		"delay.es.txt":    "Hola {{buyer_first_name}}, el pedido {{order_id}} va tarde.",
		"item-review.txt": "Do you like your {{item_title}}? {{tpyo}}",
		"thanks.txt":      "Thanks!",
	})}}
	m := New(e.Common, common.ComposeOwner(pack), pack, "MLM")
	var mu sync.Mutex
	var chosen []ChosenMsg
	root := &uitest.Root{Child: sized{m}, Handle: func(msg tea.Msg) (tea.Cmd, bool) {
		if c, ok := msg.(ChosenMsg); ok {
			mu.Lock()
			chosen = append(chosen, c)
			mu.Unlock()
			return tea.Quit, true
		}
		return nil, false
	}}
	tm := teatest.NewTestModel(t, root, teatest.WithInitialTermSize(100, 24))
	// All three, the first (by name) previewed with the pack's buyer and orders.
	waitAll(t, tm, "Hi Ana, order 4512345671, 4512345672 is late.", "Hola Ana, el pedido 4512345671, 4512345672 va tarde.",
		"45/350 ✓ Latin-1", "  item-review", "  thanks")
	// Fuzzy: "irv" matches item-review only; its variables without a value are listed.
	tm.Type("irv")
	waitAll(t, tm, "> item-review", "{{item_title}} (no value), {{tpyo}} (unknown")
	tm.Send(uitest.Key("backspace"))
	tm.Send(uitest.Key("backspace"))
	tm.Send(uitest.Key("backspace"))
	tm.Type("dly")
	uitest.WaitFor(t, tm, "> delay")
	tm.Send(uitest.Key("enter"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
	mu.Lock()
	defer mu.Unlock()
	if len(chosen) != 1 {
		t.Fatalf("chosen = %+v", chosen)
	}
	c := chosen[0]
	if c.Name != "delay" || c.Text != "Hi Ana, order 4512345671, 4512345672 is late." || c.Translation != "Hola Ana, el pedido 4512345671, 4512345672 va tarde." || len(c.Missing) != 0 {
		t.Errorf("chosen = %+v", c)
	}
}

func TestPickerShowsLimitsAfterExpansion(t *testing.T) {
	e := uitest.New(t, uitest.AsSeller("MLM", "Demo Seller"))
	e.Common.Templates = []tpl.Layer{{Source: "personal", FS: mapFS(map[string]string{
		"long.txt": "{{buyer_name}} " + strings.Repeat("x", 340),
	})}}
	m := New(e.Common, common.ComposeOwner(pack), pack, "MLM")
	m.SetSize(100, 24)
	uitest.Run(sized{m}, m.Init())
	if !m.Loaded() {
		t.Fatal("not loaded")
	}
	v := m.View()
	if !strings.Contains(v, "356/350 too long") {
		t.Errorf("the expanded length is not flagged:\n%s", v)
	}
	r, _ := m.Preview()
	if r.Check() == nil {
		t.Error("an over-long expansion passes the check")
	}
	m.info.Vars[tpl.VarBuyerName] = "Ωmega" // not Latin-1
	if v := m.View(); !strings.Contains(v, "✗ 1 character(s) not accepted") {
		t.Errorf("non-Latin-1 not flagged:\n%s", v)
	}
}
