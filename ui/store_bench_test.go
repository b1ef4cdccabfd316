package ui

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// The budgets' store: 5,000 packs of 10 messages each (50,000), built once per test binary.
const (
	storeBenchPacks   = 5000
	storeBenchPerPack = 10
	storeBenchSeller  = "1234"
)

var (
	benchStoreOnce sync.Once
	benchStorePath string
	benchStoreTemp bool // built in a temporary folder, removed at the end
	benchStoreErr  error
)

var benchWords = strings.Fields(`hola olá pedido encomenda envío entrega chegou llegó quebrada câmara cámara factura
nota fiscal reembolso devolución troca garantía semana paquete rastreio código precio cuotas dirección producto
calidad batería cargador foto etiqueta comprobante urgente gracias obrigado favor ayuda`)

func benchStore(tb testing.TB) string {
	if p := os.Getenv("POSTSALE_BENCH_STORE"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p // kept from an earlier run (POSTSALE_RSS_STORE's helper reads it too)
		}
	}
	benchStoreOnce.Do(func() {
		if keep := os.Getenv("POSTSALE_BENCH_STORE"); keep != "" {
			benchStorePath = keep // built where asked and kept, for tries by hand
		} else {
			dir, err := os.MkdirTemp("", "postsale-ui-store-bench-")
			if err != nil {
				benchStoreErr = err
				return
			}
			benchStorePath = filepath.Join(dir, "store.db")
			defer func() { benchStoreTemp = true }()
		}
		ctx := context.Background()
		st, err := store.Open(ctx, benchStorePath)
		if err != nil {
			benchStoreErr = err
			return
		}
		defer st.Close()
		st.SetMeta(ctx, store.MetaSeller, storeBenchSeller)
		r := rand.New(rand.NewPCG(3, 4))
		start := time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)
		for i := range storeBenchPacks {
			pack := strconv.Itoa(2000000000000000 + i)
			buyer := api.Party{UserID: api.ID(strconv.Itoa(90000000 + i)), Name: fmt.Sprintf("Comprador %d", i)}
			seller := api.Party{UserID: storeBenchSeller, Name: "Demo Seller"}
			var msgs []api.Message
			for j := storeBenchPerPack - 1; j >= 0; j-- {
				w := make([]string, 8+r.IntN(25))
				for k := range w {
					w[k] = benchWords[r.IntN(len(benchWords))]
				}
				at := start.Add(time.Duration(i)*time.Hour + time.Duration(j)*time.Minute)
				m := api.Message{ID: fmt.Sprintf("%s-%02d", pack, j), SiteID: "MLB", Status: api.StatusAvailable, Text: strings.Join(w, " "),
					MessageDate: api.MessageDate{Created: api.Time{Time: at}, Received: api.Time{Time: at}},
					From:        buyer, To: seller,
					Resources: []api.Resource{{ID: api.ID(pack), Name: "packs"}}}
				if j%2 == 1 {
					m.From, m.To = seller, buyer
				}
				msgs = append(msgs, m)
			}
			if benchStoreErr = st.PutPage(ctx, store.Page{PackID: pack, Messages: msgs, Total: storeBenchPerPack, Fetched: true}); benchStoreErr != nil {
				return
			}
		}
	})
	if benchStoreErr != nil {
		tb.Fatal(benchStoreErr)
	}
	return benchStorePath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchStoreTemp {
		os.RemoveAll(filepath.Dir(benchStorePath))
	}
	os.Exit(code)
}

// firstFrame is a program that draws its model's first frame and quits: what a start costs up to
// the first full frame, with Bubble Tea's own start and renderer included.
type firstFrame struct{ m tea.Model }

func (f firstFrame) Init() tea.Cmd                       { return tea.Quit }
func (f firstFrame) Update(tea.Msg) (tea.Model, tea.Cmd) { return f, nil }
func (f firstFrame) View() string                        { return f.m.View() }

// bare is the bare Bubble Tea program the budget compares with: one line of text.
type bare struct{}

func (bare) Init() tea.Cmd                       { return nil }
func (bare) Update(tea.Msg) (tea.Model, tea.Cmd) { return bare{}, nil }
func (bare) View() string                        { return "hello" }

func runFirstFrame(b *testing.B, m tea.Model) {
	p := tea.NewProgram(firstFrame{m}, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignalHandler())
	if _, err := p.Run(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkFirstFrame compares a start up to the first full frame: a bare Bubble Tea program,
// and the inbox opening the 5,000-pack / 50,000-message store (open, read every stored pack,
// build the session, draw 120×40). The process's own start (the same for both) is not in it, so
// the ratio of the two is the worst case of the tmux time-to-first-frame ratio.
func BenchmarkFirstFrame(b *testing.B) {
	path := benchStore(b)
	b.Run("bare", func(b *testing.B) {
		for b.Loop() {
			runFirstFrame(b, bare{})
		}
	})
	b.Run("store-5000-packs", func(b *testing.B) {
		for b.Loop() {
			ctx, cancel := context.WithCancel(context.Background())
			st, err := store.Open(ctx, path)
			if err != nil {
				b.Fatal(err)
			}
			m, err := NewSession(SessionOptions{Ctx: ctx, Data: store.NewData(st, deadAPI{}, store.SyncOptions{}),
				Renderer: uitest.Renderer(termenv.TrueColor), Width: 120, Height: 40, Now: func() time.Time { return testNow }})
			if err != nil {
				b.Fatal(err)
			}
			if v := m.View(); !strings.Contains(v, "Comprador 4999") {
				b.Fatalf("first frame lacks the newest stored pack:\n%s", v)
			}
			runFirstFrame(b, m)
			cancel()
			st.Close()
		}
	})
}

// BenchmarkInboxRSS reports the resident memory of a fresh process with the 5,000-pack store
// open and the inbox in use: the list drawn, filtered, scrolled, a conversation read and five
// searches shown (a re-executed test binary, so building the store does not count).
func BenchmarkInboxRSS(b *testing.B) {
	path := benchStore(b)
	var rss float64
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestInboxRSSHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), "POSTSALE_RSS_STORE="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		_, after, ok := strings.Cut(string(out), "RSS_KB=")
		if !ok {
			b.Fatalf("no RSS in %s", out)
		}
		kb, _ := strconv.Atoi(strings.Fields(after)[0])
		rss = float64(kb) / 1024
	}
	b.ReportMetric(rss, "MB-RSS")
}

func TestInboxRSSHelper(t *testing.T) {
	path := os.Getenv("POSTSALE_RSS_STORE")
	if path == "" {
		t.Skip("only run by BenchmarkInboxRSS")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m, err := NewSession(SessionOptions{Ctx: ctx, Data: store.NewData(st, deadAPI{}, store.SyncOptions{}),
		Renderer: uitest.Renderer(termenv.TrueColor), Width: 120, Height: 40, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	p := tea.NewProgram(probed{m}, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithoutSignalHandler())
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	// wait polls the program (a benchmark's helper: no test waits on it) until the view shows want.
	wait := func(want string) {
		var last string
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			ch := make(probeMsg, 1)
			p.Send(ch)
			if last = (<-ch).view; strings.Contains(last, want) {
				return
			}
		}
		t.Fatalf("the inbox never showed %q:\n%s", want, last)
	}
	keys := func(ks ...string) {
		for _, k := range ks {
			p.Send(uitest.Key(k))
		}
	}
	wait("offline")
	// The quick filter over every stored row (read after the first frame, which has only the
	// first screen's).
	keys("/")
	for _, r := range "comprador 12" {
		p.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	wait("of 5000")
	keys("esc", "esc")
	for range 200 {
		keys("j")
	}
	keys("enter")
	wait("› Pack 2000000000004799") // the 201st newest pack's conversation, read from the store
	wait("Buyer · ")
	keys("esc", "s")
	for _, q := range []string{"cam", "camara", "nota fiscal", "comprador 42", "entreg"} {
		for _, r := range q {
			p.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
		wait(" match") // the count line: "50 of 1,000+ matches ·", "3 matches ·"
		for range len(q) {
			keys("backspace")
		}
	}
	p.Quit()
	<-done
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc")
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			fmt.Println("RSS_KB=" + strings.Fields(line)[1])
		}
	}
}

// deadAPI is Mercado Libre unreachable: every call fails as a network error at once.
type deadAPI struct{}

var errDead = &api.NetworkError{Method: "GET", Path: "/", Err: io.ErrUnexpectedEOF}

func (deadAPI) Me(context.Context) (*api.User, error)            { return nil, errDead }
func (deadAPI) UnreadPacks(context.Context) (*api.Unread, error) { return nil, errDead }
func (deadAPI) SearchOrders(context.Context, api.OrderSearchOptions) (*api.OrderSearch, error) {
	return nil, errDead
}
func (deadAPI) PackMessages(context.Context, string, api.PageOptions) (*api.Conversation, error) {
	return nil, errDead
}
func (deadAPI) SendMessage(context.Context, string, api.SendRequest) (*api.Message, error) {
	return nil, errDead
}
func (deadAPI) UploadAttachment(context.Context, string, api.UploadFile) (*api.Upload, error) {
	return nil, errDead
}
func (deadAPI) DownloadAttachment(context.Context, string, string, io.Writer) (*api.Download, error) {
	return nil, errDead
}

var _ common.Data = (*store.Data)(nil)
