package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
)

// The budgets' store: 5,000 packs and 50,000 messages of Spanish and Portuguese post-sale talk.
const (
	benchPacks       = 5000
	benchPerPack     = 10
	benchMessagesAll = benchPacks * benchPerPack
)

var vocabulary = strings.Fields(`hola olá buenos días bom dia gracias obrigado obrigada pedido encomenda envío envio
entrega chegou llegó quebrada rota câmara cámara camiseta zapatilla tênis talla tamanho color cor azul rojo vermelho
negro preto factura nota fiscal reembolso devolución devolução troca cambio garantía garantia semana mañana amanhã
hoy hoje problema defeito defecto caja caixa paquete pacote seguimiento rastreio código correo correios transportadora
precio preço descuento desconto cuotas parcelas tarjeta cartão pago pagamento dirección endereço número calle rua
ciudad cidade São Paulo México Bogotá Santiago Córdoba João María José Lucía Pérez González Araújo Gómez está funciona
no não sí sim cuando quando dónde onde cómo como por favor favor urgente rápido ayuda ajuda gracias muito mucho
bien bem mal todo tudo nada producto produto original calidad qualidade batería bateria cargador carregador manual
instrucciones instruções foto fotos vídeo adjunto anexo etiqueta recibo comprobante comprovante`)

var names = []string{"João Silva", "María López", "José Araújo", "Lucía Gómez", "Ana Pérez", "Pedro Souza", "Camila Díaz", "Tomás Núñez", "Fernanda Lima", "Martín Castro"}

func benchText(r *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary[r.IntN(len(vocabulary))]
	}
	return strings.Join(w, " ")
}

// benchPage is pack i's conversation, newest first, as the API serves it.
func benchPage(tb testing.TB, r *rand.Rand, i int, start time.Time) Page {
	pack := strconv.Itoa(2000000000000000 + i)
	name := names[i%len(names)] + " " + strconv.Itoa(i)
	var raws []json.RawMessage
	for j := benchPerPack - 1; j >= 0; j-- {
		var files []string
		if r.IntN(10) == 0 {
			files = []string{"foto_" + strconv.Itoa(j) + ".jpg"}
		}
		raws = append(raws, wireMessage(fmt.Sprintf("%s-%02d", pack, j), pack, j%2 == 0, name, benchText(r, 8+r.IntN(30)),
			start.Add(time.Duration(i)*time.Hour+time.Duration(j)*time.Minute), files...))
	}
	p := page(tb, pack, raws...)
	p.Total, p.Fetched = benchPerPack, true
	return p
}

var (
	bigOnce sync.Once
	bigPath string
	bigErr  error
)

// bigStore builds the 5,000-pack store once per test binary run and returns its path.
func bigStore(tb testing.TB) string {
	bigOnce.Do(func() {
		dir, err := os.MkdirTemp("", "postsale-store-bench-")
		if err != nil {
			bigErr = err
			return
		}
		bigPath = filepath.Join(dir, "store.db")
		s, err := Open(context.Background(), bigPath)
		if err != nil {
			bigErr = err
			return
		}
		defer s.Close()
		s.SetMeta(context.Background(), MetaSeller, testSeller)
		r := rand.New(rand.NewPCG(1, 2))
		start := time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)
		for i := range benchPacks {
			if bigErr = s.PutPage(context.Background(), benchPage(tb, r, i, start)); bigErr != nil {
				return
			}
		}
		_, bigErr = s.db.get(context.Background()).Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	})
	if bigErr != nil {
		tb.Fatal(bigErr)
	}
	return bigPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bigPath != "" {
		os.RemoveAll(filepath.Dir(bigPath))
	}
	os.Exit(code)
}

// BenchmarkSearch runs typical queries (whole words, accents folded, prefixes as typed,
// several words) over 50,000 messages, snippets included, and reports the median.
func BenchmarkSearch(b *testing.B) {
	s, err := Open(context.Background(), bigStore(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	queries := []string{"camara", "joao", "reembolso", "nota fiscal", "entreg", "garantia bateria", "sao paulo", "lucia 12", "2000000000004", "foto_3", "qualidade produto original", "cuotas", "rastreio codigo", "defe", "xyznotfound"}
	var times []time.Duration
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; b.Loop(); i++ {
		q := queries[i%len(queries)]
		t0 := time.Now()
		res, err := results(s.Search(context.Background(), SearchQuery{Text: q, Limit: 50}))
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(t0))
		if q != "xyznotfound" && len(res) == 0 {
			b.Fatalf("%q found nothing", q)
		}
	}
	reportCPU(b, cpu0)
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median/query")
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "ms-p95/query")
}

// BenchmarkPutPage stores a page of 50 new messages into the big store.
func BenchmarkPutPage(b *testing.B) {
	s, err := Open(context.Background(), bigStore(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(3, 4))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	var pages []Page
	for range 200 {
		pack := "bench-" + strconv.Itoa(n)
		var raws []json.RawMessage
		for j := range 50 {
			raws = append(raws, wireMessage(fmt.Sprintf("%s-%d", pack, j), pack, j%2 == 0, "Bench Buyer", benchText(r, 20), start.Add(time.Duration(j)*time.Minute)))
		}
		pages = append(pages, page(b, pack, raws...))
		n++
	}
	i := 0
	cpu0 := cpuTime()
	defer func() { reportCPU(b, cpu0) }()
	for b.Loop() {
		p := pages[i%len(pages)]
		if i >= len(pages) { // fresh ids each round, made outside the timing
			b.StopTimer()
			p = renamed(b, p, i)
			b.StartTimer()
		}
		if err := s.PutPage(context.Background(), p); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func renamed(tb testing.TB, p Page, round int) Page {
	tb.Helper()
	var raws []json.RawMessage
	for _, r := range p.Raw {
		raws = append(raws, json.RawMessage(strings.ReplaceAll(string(r), `"bench-`, `"r`+strconv.Itoa(round)+`-bench-`)))
	}
	return page(tb, "r"+strconv.Itoa(round)+"-"+p.PackID, raws...)
}

// BenchmarkPutPageUnchanged stores a page already stored (the common refresh).
func BenchmarkPutPageUnchanged(b *testing.B) {
	s, err := Open(context.Background(), bigStore(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	p := benchPage(b, rand.New(rand.NewPCG(1, 2)), 0, time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC))
	for b.Loop() {
		if err := s.PutPage(context.Background(), p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeltaSyncNothingChanged is a start with nothing new, over a loopback sandbox: the
// requests per sync and the wall time (sandbox and loopback HTTP included, so local work is
// less than this).
func BenchmarkDeltaSyncNothingChanged(b *testing.B) {
	sb := sandbox.New()
	srv := httptest.NewServer(sb)
	defer srv.Close()
	c, _ := api.New(api.StaticToken(sb.Token()), api.WithBaseURL(srv.URL))
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "store.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	sy := NewSyncer(s, c, SyncOptions{})
	if _, err := sy.Sync(context.Background()); err != nil {
		b.Fatal(err)
	}
	reqs := 0
	cpu0 := cpuTime()
	defer func() { reportCPU(b, cpu0) }()
	for b.Loop() {
		rep, err := sy.Sync(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		reqs = max(reqs, rep.Requests)
	}
	b.ReportMetric(float64(reqs), "requests/sync")
}

// BenchmarkOpenFirstScreen opens the 5,000-pack store and reads the list's first screen and
// the top conversation: what a start shows before any request returns.
func BenchmarkOpenFirstScreen(b *testing.B) {
	path := bigStore(b)
	cpu0 := cpuTime()
	defer func() { reportCPU(b, cpu0) }()
	for b.Loop() {
		s, err := Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		packs, err := s.Packs(context.Background(), 50, 0)
		if err != nil || len(packs) != 50 {
			b.Fatal(len(packs), err)
		}
		if _, err := s.Messages(context.Background(), packs[0].ID); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkRSS reports the resident memory of a fresh process that opened the 5,000-pack store,
// read the first screen and ran searches (a re-executed test binary, so the fixture's build
// does not count).
func BenchmarkRSS(b *testing.B) {
	path := bigStore(b)
	var rss float64
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRSSHelper$", "-test.count=1")
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

func TestRSSHelper(t *testing.T) {
	path := os.Getenv("POSTSALE_RSS_STORE")
	if path == "" {
		t.Skip("only run by BenchmarkRSS")
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	packs, _ := s.Packs(context.Background(), 50, 0)
	for _, p := range packs {
		s.Messages(context.Background(), p.ID)
	}
	for _, q := range []string{"camara", "joao", "nota fiscal", "entreg"} {
		s.Search(context.Background(), SearchQuery{Text: q})
	}
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

// cpuTime is the process's user+system CPU time. On a shared, loaded machine wall time per op
// is inflated by waiting for a core; CPU per op is the work itself (sandbox included where the
// benchmark runs one).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64((cpuTime()-start).Microseconds())/1000/float64(b.N), "ms-cpu/op")
	}
}

// BenchmarkRowsAfterSync is what a list reads from the 5,000-pack store after a delta sync
// that changed nothing: every stored pack (as the list did before schema v5) against the rows
// changed since its last read (PacksSince).
func BenchmarkRowsAfterSync(b *testing.B) {
	path := bigStore(b)
	s, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	all, rev, err := s.PacksSince(context.Background(), -1)
	if err != nil || len(all) < benchPacks {
		b.Fatal(len(all), err)
	}
	b.Run("every pack", func(b *testing.B) {
		for b.Loop() {
			// Every pack stored: the 5,000, and those the page benchmarks added when they ran
			// first on the same store.
			if p, err := s.Packs(context.Background(), 0, 0); err != nil || len(p) != len(all) {
				b.Fatal(len(p), err)
			}
		}
	})
	b.Run("changed since", func(b *testing.B) {
		for b.Loop() {
			if p, _, err := s.PacksSince(context.Background(), rev); err != nil || len(p) != 0 {
				b.Fatal(len(p), err)
			}
		}
	})
}
