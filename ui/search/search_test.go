package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/ui/uitest"
)

var base = time.Date(2025, 3, 2, 10, 0, 0, 0, time.UTC)

// message writes a buyer message as the API serves it.
func message(id, pack, buyer, text string, at time.Time) (api.Message, json.RawMessage) {
	raw, _ := json.Marshal(map[string]any{
		"id": id, "site_id": "MLB", "from": map[string]any{"user_id": 42, "name": buyer}, "to": map[string]any{"user_id": 7},
		"status": "available", "text": text, "text_translated": "",
		"message_date":      map[string]any{"created": at.Format(time.RFC3339), "received": at.Format(time.RFC3339)},
		"message_resources": []map[string]any{{"id": pack, "name": "packs"}},
	})
	var m api.Message
	json.Unmarshal(raw, &m)
	return m, raw
}

func fixture(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.SetMeta(ctx, store.MetaSeller, "7")
	for i, tc := range []struct{ pack, buyer, text string }{
		{"2000001111", "João Pereira", "A câmara chegou quebrada"},
		{"2000002222", "María López", "la camara no enciende, \x1b[31m rojo \x1b[0m"},
		{"2000003333", "Pedro", "Gracias, todo bien"},
	} {
		m, raw := message(fmt.Sprintf("m%d", i), tc.pack, tc.buyer, tc.text, base.Add(time.Duration(i)*time.Hour))
		if err := s.PutPage(ctx, store.Page{PackID: tc.pack, Messages: []api.Message{m}, Raw: []json.RawMessage{raw}, Total: -1}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// host is a root for the view: it records what the view asks for and quits on OpenMsg.
type host struct {
	m      Model
	opened *OpenMsg
}

func (h host) Init() tea.Cmd { return h.m.Init() }

func (h host) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if o, ok := msg.(OpenMsg); ok {
		h.opened = &o
		return h, tea.Quit
	}
	var cmd tea.Cmd
	h.m, cmd = h.m.Update(msg)
	return h, cmd
}

func (h host) View() string { return h.m.View() }

func TestTypeSearchAndOpen(t *testing.T) {
	s := fixture(t)
	m := New(s, DefaultStyles(uitest.Renderer(termenv.Ascii)))
	tm := teatest.NewTestModel(t, host{m: m}, teatest.WithInitialTermSize(80, 20))
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("cam")}) // a prefix, as typed so far
	uitest.WaitFor(t, tm, "pack 2000002222")                      // the second of the two results
	tm.Send(uitest.Key("down"))
	tm.Send(uitest.Key("enter"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	final := tm.FinalModel(t).(host)
	res := final.m.Results()
	if final.opened == nil || len(res) != 2 || *final.opened != (OpenMsg{PackID: res[1].PackID, MessageID: res[1].MessageID}) {
		t.Fatalf("opened %+v, results %+v", final.opened, res)
	}
}

func TestAccentsAndHighlight(t *testing.T) {
	s := fixture(t)
	m := New(s, DefaultStyles(uitest.Renderer(termenv.TrueColor)))
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 20})
	m = typeAndAnswer(t, m, "joao")
	view := m.View()
	if !strings.Contains(view, "João Pereira") || !strings.Contains(view, "pack 2000001111") {
		t.Fatalf("view:\n%s", view)
	}
	m = typeAndAnswer(t, New(s, DefaultStyles(uitest.Renderer(termenv.TrueColor))), "rojo")
	view = m.View()
	if strings.Contains(view, "\x1b[31m") {
		t.Errorf("a buyer's escape sequence reached the screen: %q", view)
	}
	if !strings.Contains(view, "\x1b[1;7mrojo") {
		t.Errorf("the match is not highlighted: %q", view)
	}
}

// typeAndAnswer types text and runs the search it starts, as the runtime would.
func typeAndAnswer(t *testing.T, m Model, text string) Model {
	t.Helper()
	m, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(text)})
	for _, msg := range uitest.Drain(cmd, nil) {
		if r, ok := msg.(resultsMsg); ok {
			m, _ = m.Update(r)
		}
	}
	return m
}

func TestStaleAnswersAreDropped(t *testing.T) {
	s := fixture(t)
	m := New(s, DefaultStyles(uitest.Renderer(termenv.Ascii)))
	m, first := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("pedro")})
	m = typeAndAnswer(t, m, "x") // "pedrox": nothing
	for _, msg := range uitest.Drain(first, nil) {
		if r, ok := msg.(resultsMsg); ok {
			m, _ = m.Update(r) // the answer to "pedro" arrives late
		}
	}
	if len(m.Results()) != 0 || !strings.Contains(m.View(), "No stored message matches.") {
		t.Errorf("a late answer replaced the current one: %v\n%s", m.Results(), m.View())
	}
}

func TestEscCloses(t *testing.T) {
	m := New(fixture(t), DefaultStyles(uitest.Renderer(termenv.Ascii)))
	_, cmd := m.Update(uitest.Key("esc"))
	if _, ok := cmd().(CloseMsg); !ok {
		t.Error("esc did not ask to close")
	}
}

// Dates show in the view's time zone (a served session's, not the server process's).
func TestDatesInTheSessionsTimeZone(t *testing.T) {
	s := fixture(t)
	tokyo := time.FixedZone("JST", 9*3600)
	m := New(s, DefaultStyles(uitest.Renderer(termenv.Ascii))).WithLocation(tokyo)
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 20})
	m = typeAndAnswer(t, m, "pedro")
	if want := base.Add(2 * time.Hour).In(tokyo).Format("2006-01-02 15:04"); !strings.Contains(m.View(), "Pedro · "+want) {
		t.Fatalf("want the date %s (JST):\n%s", want, m.View())
	}
}

// put stores one page of buyer messages in pack.
func put(t *testing.T, s *store.Store, pack, buyer string, texts ...string) {
	t.Helper()
	var p store.Page
	p.PackID, p.Total = pack, -1
	for i, text := range texts {
		m, raw := message(fmt.Sprintf("%s-%d", pack, i), pack, buyer, text, base.Add(time.Duration(i)*time.Minute))
		p.Messages, p.Raw = append(p.Messages, m), append(p.Raw, raw)
	}
	if err := s.PutPage(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}

// jamStore is the fixture with one buyer's 66 messages that all match "frambuesa".
func jamStore(t *testing.T) *store.Store {
	s := fixture(t)
	var texts []string
	for i := range 66 {
		texts = append(texts, fmt.Sprintf("mermelada de frambuesa, frasco %d", i))
	}
	put(t, s, "2000006666", "Rosa Díaz", texts...)
	return s
}

// Cut at 50, the count says how many matched.
func TestCountSaysHowManyMatched(t *testing.T) {
	tm := teatest.NewTestModel(t, host{m: New(jamStore(t), DefaultStyles(uitest.Renderer(termenv.Ascii)))}, teatest.WithInitialTermSize(80, 20))
	tm.Type("frambuesa")
	uitest.WaitFor(t, tm, "50 of 66 matches · ↓ past the last shows more · enter opens")
	tm.Quit()
}

// ↓ past the last result brings the next page of the same query, the cursor on the first of
// the new results; once everything is shown, ↓ stays on the last.
func TestDownPastTheLastShowsMore(t *testing.T) {
	tm := teatest.NewTestModel(t, host{m: New(jamStore(t), DefaultStyles(uitest.Renderer(termenv.Ascii)))}, teatest.WithInitialTermSize(80, 20))
	tm.Type("frambuesa")
	uitest.WaitFor(t, tm, "50 of 66 matches")
	for range 50 {
		tm.Send(uitest.Key("down"))
	}
	uitest.WaitFor(t, tm, "66 results · enter opens")
	for range 20 {
		tm.Send(uitest.Key("down"))
	}
	tm.Send(uitest.Key("enter"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	final := tm.FinalModel(t).(host)
	res := final.m.Results()
	if len(res) != 66 || final.opened == nil || final.opened.MessageID != res[65].MessageID {
		t.Fatalf("%d results, opened %+v; want all 66 and the last one opened", len(res), final.opened)
	}
}

// The count: the results alone when all are shown, "of" the matches when the limit cut them,
// "+" when the ranked window was full.
func TestCountText(t *testing.T) {
	for _, tc := range []struct {
		shown int
		f     store.Found
		want  string
	}{
		{1, store.Found{Matched: 1}, "1 result"},
		{12, store.Found{Matched: 12}, "12 results"},
		{50, store.Found{Matched: 66}, "50 of 66 matches"},
		{50, store.Found{Matched: 1000, More: true}, "50 of 1,000+ matches"},
		{30, store.Found{Matched: 30, More: true}, "30 of 30+ matches"},
		{50, store.Found{Matched: 1234567}, "50 of 1,234,567 matches"},
	} {
		if got := CountText(tc.shown, tc.f); got != tc.want {
			t.Errorf("CountText(%d, %+v) = %q, want %q", tc.shown, tc.f, got, tc.want)
		}
	}
}

// At any width the snippet shows its first match whole, however far into the text it is; a new
// width fits it again.
func TestSnippetKeepsItsFirstMatchInSight(t *testing.T) {
	s := fixture(t)
	put(t, s, "2000004533445566", "Beatriz Souza", "Vocês emitem nota fiscal? Comprei três itens no mesmo carrinho.")
	put(t, s, "2000007777", "Lucía Gómez", "Saludos cordiales desde Córdoba, quería preguntarles si todavía tienen la mermelada de zarza")
	for _, tc := range []struct {
		query string
		width int
		match string
	}{{"carrinho", 60, "carrinho"}, {"zarza", 40, "zarza"}, {"carrinho", 20, "carrinho"}, {"zarza", 12, "zarza"}, {"nota", 40, "nota"}} {
		m := New(s, DefaultStyles(uitest.Renderer(termenv.TrueColor)))
		m, _ = m.Update(tea.WindowSizeMsg{Width: 100, Height: 20})
		m = typeAndAnswer(t, m, tc.query)
		m, _ = m.Update(tea.WindowSizeMsg{Width: tc.width, Height: 20})
		lines := strings.Split(m.View(), "\n")
		if len(lines) < 4 {
			t.Fatalf("%s at %d: %q", tc.query, tc.width, lines)
		}
		snippet := lines[3]
		if !strings.Contains(snippet, "\x1b[1;7m"+tc.match) || !strings.Contains(ansi.Strip(snippet), tc.match) {
			t.Errorf("%s at %d columns: the match is off screen: %q", tc.query, tc.width, ansi.Strip(snippet))
		}
		if w := ansi.StringWidth(snippet); w > tc.width {
			t.Errorf("%s at %d columns: the snippet is %d wide", tc.query, tc.width, w)
		}
	}
}

// Reset empties the query: what is typed next is a new search, and an answer still coming for
// the old one is dropped.
func TestResetStartsAFreshSearch(t *testing.T) {
	s := fixture(t)
	m := New(s, DefaultStyles(uitest.Renderer(termenv.Ascii)))
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 20})
	m = typeAndAnswer(t, m, "joao")
	m, late := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(" ")})
	m = m.Reset()
	if m.Query() != "" || len(m.Results()) != 0 || !strings.Contains(m.View(), "Type to search every stored message.") {
		t.Fatalf("after Reset: query %q, results %v\n%s", m.Query(), m.Results(), m.View())
	}
	for _, msg := range uitest.Drain(late, nil) {
		if r, ok := msg.(resultsMsg); ok {
			m, _ = m.Update(r)
		}
	}
	if len(m.Results()) != 0 {
		t.Errorf("the old query's answer arrived after Reset: %v", m.Results())
	}
	m = typeAndAnswer(t, m, "pedro")
	if m.Query() != "pedro" || len(m.Results()) != 1 {
		t.Errorf("typed after Reset: query %q, %d results", m.Query(), len(m.Results()))
	}
}

// A pack without messages is a result like any other: it says so, and enter opens it.
func TestPackWithoutMessagesOpens(t *testing.T) {
	s := fixture(t)
	p := api.Pack{ID: "2000009100000003", SiteID: "MLB", Titles: []string{"Caixa de som Aurora Mini"}}
	p.Buyer.ID, p.Buyer.Nickname = "99", "CARLOS.LIMA"
	if err := s.PutOrders(context.Background(), []api.Pack{p}, nil); err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, host{m: New(s, DefaultStyles(uitest.Renderer(termenv.Ascii)))}, teatest.WithInitialTermSize(80, 20))
	tm.Type("aurora")
	uitest.WaitFor(t, tm, "CARLOS.LIMA · pack 2000009100000003 · no messages yet")
	tm.Send(uitest.Key("enter"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	if o := tm.FinalModel(t).(host).opened; o == nil || *o != (OpenMsg{PackID: "2000009100000003"}) {
		t.Fatalf("opened %+v", o)
	}
}

// The snippet is one line as the store cut it: item titles stay apart (" · ") and the words
// beside a match keep their spaces.
func TestSnippetKeepsItemTitlesApart(t *testing.T) {
	s := fixture(t)
	p := api.Pack{ID: "2000009100000002", SiteID: "MLB", Titles: []string{"Carregador USB-C 30W", "Cabo USB-C 2 m"}}
	p.Buyer.ID, p.Buyer.Nickname = "98", "JULIANA.M"
	if err := s.PutOrders(context.Background(), []api.Pack{p}, nil); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"30w", "usb"} {
		m := New(s, DefaultStyles(uitest.Renderer(termenv.Ascii)))
		m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 20})
		m = typeAndAnswer(t, m, q)
		if view := m.View(); !strings.HasSuffix(view, "\n  Carregador USB-C 30W · Cabo USB-C 2 m") {
			t.Errorf("%s:\n%s", q, view)
		}
	}
}

// failing answers the first search and fails every later one (the next page), until healed.
type failing struct {
	s      *store.Store
	calls  int
	healed bool
}

func (f *failing) Search(ctx context.Context, q store.SearchQuery) (store.Found, error) {
	f.calls++
	if f.calls > 1 && !f.healed {
		return store.Found{}, errors.New("database is locked")
	}
	return f.s.Search(ctx, q)
}

// A next page that cannot be read leaves the page on display and says so, with the way to try
// again; the ↓ that tries again clears the sentence and brings the page.
func TestFailedNextPageSaysSo(t *testing.T) {
	f := &failing{s: jamStore(t)}
	m := typeAndAnswer(t, New(f, DefaultStyles(uitest.Renderer(termenv.Ascii))), "frambuesa")
	m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 20})
	for range 49 {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyDown})
	}
	down := func() {
		t.Helper()
		var cmd tea.Cmd
		m, cmd = m.Update(tea.KeyMsg{Type: tea.KeyDown})
		for _, msg := range uitest.Drain(cmd, nil) {
			if r, ok := msg.(resultsMsg); ok {
				m, _ = m.Update(r)
			}
		}
	}
	down()
	const says = "More results could not be read (database is locked); ↓ tries again · 50 of 66 matches · enter opens"
	if len(m.Results()) != 50 || !strings.Contains(m.View(), says) {
		t.Fatalf("after a failed next page: %d results, view:\n%s", len(m.Results()), m.View())
	}
	f.healed = true
	down()
	if len(m.Results()) != 66 || strings.Contains(m.View(), "could not be read") {
		t.Fatalf("after ↓ again: %d results, view:\n%s", len(m.Results()), m.View())
	}
}
