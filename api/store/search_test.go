package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
)

func searchFixture(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s := openTest(t)
	pages := []Page{
		page(t, "2000001111", wireMessage("a1", "2000001111", true, "João Pereira", "A câmara chegou quebrada", base),
			wireMessage("a2", "2000001111", false, "João Pereira", "Sinto muito, envio outra", base.Add(time.Hour), "etiqueta_troca.pdf")),
		page(t, "2000002222", wireMessage("b1", "2000002222", true, "María López", "¿Cuándo llega el envío? camara camara camara", base.Add(24*time.Hour))),
		page(t, "2000003333", wireMessage("c1", "2000003333", true, "Pedro", "Gracias, todo bien", base.Add(48*time.Hour))),
	}
	for _, p := range pages {
		if err := s.PutPage(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	// The domestic order search brings the items' titles.
	if err := s.PutOrders(ctx, []api.Pack{{ID: "2000003333", SiteID: "MLB", Titles: []string{"Tripé Profissional"}}}, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

func ids(rs []Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.MessageID)
	}
	return out
}

func TestSearchAccentsCaseAndPrefixes(t *testing.T) {
	s := searchFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"joao", []string{"a2"}}, // buyer name, accent folded: the pack once, at its newest message
		{"JOÃO", []string{"a2"}},
		{"camara quebrada", []string{"a1"}},
		{"quebr", []string{"a1"}}, // prefix as you type
		{"quebr ", nil},           // a finished word is not a prefix
		{"cuando", []string{"b1"}},
		{"etiqueta", []string{"a2"}}, // attachment name
		{"tripe", []string{"c1"}},    // item title
		{"20000033", []string{"c1"}}, // pack id prefix
		{"maria lopez", []string{"b1"}},
		{"nothing here", nil},
	} {
		got, err := results(s.Search(ctx, SearchQuery{Text: tc.q}))
		if err != nil {
			t.Errorf("%q: %v", tc.q, err)
			continue
		}
		if !sameSet(ids(got), tc.want) {
			t.Errorf("search %q = %v, want %v", tc.q, ids(got), tc.want)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestSearchRanksByBM25(t *testing.T) {
	s := searchFixture(t)
	// b1 says "camara" four times in a short text; a1 once.
	got, err := results(s.Search(context.Background(), SearchQuery{Text: "camara"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].MessageID != "b1" || got[1].MessageID != "a1" {
		t.Errorf("ranking = %v, want [b1 a1]", ids(got))
	}
}

func TestSearchResultsCarrySnippetAndMarks(t *testing.T) {
	s := searchFixture(t)
	got, err := results(s.Search(context.Background(), SearchQuery{Text: "camara"}))
	if err != nil || len(got) == 0 {
		t.Fatal(got, err)
	}
	r := got[1]
	if r.PackID != "2000001111" || r.Buyer != "João Pereira" || !r.Date.Equal(base) {
		t.Errorf("result = %+v", r)
	}
	if len(r.Marks) != 1 || r.Snippet[r.Marks[0].Start:r.Marks[0].End] != "câmara" {
		t.Errorf("snippet %q marks %v, want câmara marked", r.Snippet, r.Marks)
	}
	var matched []string
	for _, seg := range r.Segments() {
		if seg.Match {
			matched = append(matched, seg.Text)
		}
	}
	if len(matched) != 1 || matched[0] != "câmara" {
		t.Errorf("segments matched %v", matched)
	}
}

func TestSearchFilters(t *testing.T) {
	s := searchFixture(t)
	ctx := context.Background()
	got, _ := results(s.Search(ctx, SearchQuery{Text: "camara", PackID: "2000001111"}))
	if !sameSet(ids(got), []string{"a1"}) {
		t.Errorf("pack filter = %v", ids(got))
	}
	got, _ = results(s.Search(ctx, SearchQuery{Text: "camara", Since: base.Add(time.Hour)}))
	if !sameSet(ids(got), []string{"b1"}) {
		t.Errorf("since filter = %v", ids(got))
	}
}

func TestSearchHostileQueriesNeverFail(t *testing.T) {
	s := searchFixture(t)
	for _, q := range []string{`"`, `camara"`, `*`, `AND`, `OR camara`, `NEAR(`, `a:b`, `(((`, `^`, `-x`, "\x00", "\x1b[31m", `col:camara`, `"" * ""`, "  ", "", "💥", "text:quebrada"} {
		if _, err := results(s.Search(context.Background(), SearchQuery{Text: q})); err != nil {
			t.Errorf("query %q: %v", q, err)
		}
	}
	got, _ := results(s.Search(context.Background(), SearchQuery{Text: "camara:quebrada"}))
	if !sameSet(ids(got), []string{"a1"}) {
		t.Errorf("column syntax in input is treated as words: %v", ids(got))
	}
}

func TestMatchQuery(t *testing.T) {
	for in, want := range map[string]string{
		"joao":         `"joao"*`,
		"joao ":        `"joao"`,
		`a"b OR c`:     `"a" "b" "OR" "c"*`,
		"":             "",
		"***":          "",
		"câmara quebr": `"câmara" "quebr"*`,
	} {
		if got := MatchQuery(in); got != want {
			t.Errorf("MatchQuery(%q) = %s, want %s", in, got, want)
		}
	}
}

func FuzzSearch(f *testing.F) {
	for _, seed := range []string{"camara", `"`, "NEAR(a b)", "a*", "x:y"} {
		f.Add(seed)
	}
	s := openTest(f)
	s.PutPage(context.Background(), page(f, "P1", wireMessage("m1", "P1", true, "Ana", "hola câmara", base)))
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := results(s.Search(context.Background(), SearchQuery{Text: q})); err != nil {
			t.Fatalf("query %q: %v", q, err)
		}
	})
}

// A long message is cut around its matches, "…" where it was cut, and the marks still point at
// the matched words (accents folded, the last word a prefix).
func TestSearchSnippetIsCutAroundTheMatch(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	long := "uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis " +
		"la Câmara llegó rota y la caja también, necesito el reembolso " +
		"veinte veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete."
	if err := s.PutPage(ctx, page(t, "2000004444", wireMessage("d1", "2000004444", true, "Ana Souza", long, base))); err != nil {
		t.Fatal(err)
	}
	got, err := results(s.Search(ctx, SearchQuery{Text: "camara reemb"}))
	if err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
	r := got[0]
	if !strings.HasPrefix(r.Snippet, "…") || !strings.HasSuffix(r.Snippet, "…") {
		t.Errorf("snippet %q: want it cut on both sides", r.Snippet)
	}
	var matched []string
	for _, seg := range r.Segments() {
		if seg.Match {
			matched = append(matched, seg.Text)
		}
	}
	if !slices.Equal(matched, []string{"Câmara", "reembolso"}) {
		t.Errorf("snippet %q marks %v", r.Snippet, matched)
	}
	if strings.Contains(r.Snippet, "uno dos") || strings.Contains(r.Snippet, "veintisiete") {
		t.Errorf("snippet %q shows words far from the match", r.Snippet)
	}
}

// A pack found by its buyer's name shows the name, marked: the text holds none of the words.
func TestSearchSnippetShowsTheColumnThatMatched(t *testing.T) {
	s := searchFixture(t)
	got, err := results(s.Search(context.Background(), SearchQuery{Text: "pereira"}))
	if err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
	for _, r := range got {
		if len(r.Marks) != 1 || r.Snippet[r.Marks[0].Start:r.Marks[0].End] != "Pereira" {
			t.Errorf("%s: snippet %q marks %v, want Pereira marked", r.MessageID, r.Snippet, r.Marks)
		}
	}
	// Words spread over columns: the one holding more of them is shown.
	got, _ = results(s.Search(context.Background(), SearchQuery{Text: "joao envio outra"}))
	if len(got) != 1 || got[0].MessageID != "a2" || !strings.Contains(got[0].Snippet, "envio outra") {
		t.Errorf("joao envio outra = %+v", got)
	}
}

// The snippet is the message's raw text (the views sanitise it); escape bytes never make a
// mark that is not a match.
func TestSearchSnippetKeepsRawTextAndHonestMarks(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	hostile := "\x1b[31mcâmara\x1b[0m \x02falsa\x03 quebrada"
	if err := s.PutPage(ctx, page(t, "2000005555", wireMessage("e1", "2000005555", true, "Ana", hostile, base))); err != nil {
		t.Fatal(err)
	}
	got, err := results(s.Search(ctx, SearchQuery{Text: "quebrada"}))
	if err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
	if got[0].Snippet != hostile {
		t.Errorf("snippet %q, want the raw text %q", got[0].Snippet, hostile)
	}
	var matched []string
	for _, seg := range got[0].Segments() {
		if seg.Match {
			matched = append(matched, seg.Text)
		}
	}
	if !slices.Equal(matched, []string{"quebrada"}) {
		t.Errorf("marks %v, want only quebrada", matched)
	}
}

// results is Search's results alone.
func results(f Found, err error) ([]Result, error) { return f.Results, err }

// A search cut at its limit says how many matched within the ranked window, and whether the
// window was full (older matches may be beyond it).
func TestSearchCountsTheMatchesBeyondTheLimit(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	put := func(pack string, n int, word string) {
		var raws []json.RawMessage
		for i := range n {
			raws = append(raws, wireMessage(fmt.Sprintf("%s-%d", pack, i), pack, i%2 == 0, "Ana Souza", fmt.Sprintf("la %s número %d", word, i), base.Add(time.Duration(i)*time.Minute)))
		}
		if err := s.PutPage(ctx, page(t, pack, raws...)); err != nil {
			t.Fatal(err)
		}
	}
	put("2000006666", 66, "frambuesa")
	put("2000007777", RankWindow+100, "zarzamora")

	f, err := s.Search(ctx, SearchQuery{Text: "frambuesa"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Results) != 50 || f.Matched != 66 || f.More {
		t.Errorf("frambuesa: %d results, matched %d, more %v; want 50 of 66", len(f.Results), f.Matched, f.More)
	}
	f, _ = s.Search(ctx, SearchQuery{Text: "frambuesa", Limit: 100})
	if len(f.Results) != 66 || f.Matched != 66 || f.More {
		t.Errorf("frambuesa, limit 100: %d results, matched %d, more %v; want all 66", len(f.Results), f.Matched, f.More)
	}
	f, _ = s.Search(ctx, SearchQuery{Text: "zarzamora"})
	if len(f.Results) != 50 || f.Matched != RankWindow || !f.More {
		t.Errorf("zarzamora: %d results, matched %d, more %v; want 50 of %d+", len(f.Results), f.Matched, f.More, RankWindow)
	}
	f, _ = s.Search(ctx, SearchQuery{Text: "nada"})
	if len(f.Results) != 0 || f.Matched != 0 || f.More {
		t.Errorf("nothing found: %+v", f)
	}
}

// Every message of a pack carries its buyer, pack id and item titles: a search that matches only
// those shows the pack once, at its newest message so matched, while messages that hold the words
// themselves stay one result each.
func TestSearchShowsAPackOnceWhenOnlyItsFieldsMatch(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	const pack = "2000004777000111"
	var raws []json.RawMessage
	for i := range 50 {
		raws = append(raws, wireMessage(fmt.Sprintf("v%02d", i), pack, i%2 == 0, "Valentina Rojas", fmt.Sprintf("mensaje %d sobre el pedido", i), base.Add(time.Duration(i)*time.Hour)))
	}
	// The seller's newest message names her: a match of its own.
	raws = append(raws, wireMessage("v50", pack, false, "Valentina Rojas", "Gracias, Valentina, ya sale", base.Add(50*time.Hour)))
	if err := s.PutPage(ctx, page(t, pack, raws...)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPage(ctx, page(t, "2000001111", wireMessage("o1", "2000001111", true, "Otro Comprador", "Valentina me recomendó la tienda", base))); err != nil {
		t.Fatal(err)
	}
	f, err := s.Search(ctx, SearchQuery{Text: "valentina"})
	if err != nil {
		t.Fatal(err)
	}
	if !sameSet(ids(f.Results), []string{"v50", "v49", "o1"}) || f.Matched != 3 {
		t.Fatalf("valentina = %v (matched %d), want v50 and o1 by their text, and the pack once at v49", ids(f.Results), f.Matched)
	}
	for _, r := range f.Results {
		if wantPack := r.MessageID == "v49"; r.Pack != wantPack {
			t.Errorf("%s: Pack = %v, want %v", r.MessageID, r.Pack, wantPack)
		}
		if r.MessageID == "v49" && (r.Snippet != "Valentina Rojas" || len(r.Marks) != 1 || !r.Date.Equal(base.Add(49*time.Hour))) {
			t.Errorf("the pack's result: %+v", r)
		}
	}
	// Words in the text and the pack's fields at once are the message's match.
	f, _ = s.Search(ctx, SearchQuery{Text: "rojas mensaje 7"})
	if !sameSet(ids(f.Results), []string{"v07"}) || f.Results[0].Pack {
		t.Errorf("rojas mensaje 7 = %+v", f.Results)
	}
	// The pack filter and the pack id itself.
	f, _ = s.Search(ctx, SearchQuery{Text: pack})
	if !sameSet(ids(f.Results), []string{"v50"}) || !f.Results[0].Pack {
		t.Errorf("the pack id = %+v", f.Results)
	}
}

// A pack without messages (a sale the seller must write first) is found by its buyer, pack id
// and item titles; once its first message is stored, its messages stand for it, never twice.
func TestSearchFindsPacksWithoutMessages(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	const pack = "2000009100000003"
	p := api.Pack{ID: pack, SiteID: "MLB", Titles: []string{"Caixa de som Aurora Mini"}}
	p.Buyer.ID, p.Buyer.Nickname = "99", "CARLOS.LIMA"
	p.DateCreated.Time = base
	if err := s.PutOrders(ctx, []api.Pack{p}, nil); err != nil {
		t.Fatal(err)
	}
	// A pack only the unread counts name so far: its id is all there is to find.
	if err := s.SetUnread(ctx, map[string]int{"2000009100000009": 1}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{"carlos": pack, "CARLOS.LIMA": pack, "aurora mini": pack, "2000009100000003": pack, "20000091000000": "", "2000009100000009": "2000009100000009"} {
		f, err := s.Search(ctx, SearchQuery{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if want == "" { // both packs
			if len(f.Results) != 2 || f.Matched != 2 {
				t.Errorf("%q = %+v, want both packs", q, f)
			}
			continue
		}
		if len(f.Results) != 1 || f.Results[0].PackID != want || f.Results[0].MessageID != "" || !f.Results[0].Pack {
			t.Errorf("%q = %+v, want pack %s without a message", q, f.Results, want)
		}
	}
	f, _ := s.Search(ctx, SearchQuery{Text: "carlos"})
	if r := f.Results[0]; r.Buyer != "CARLOS.LIMA" || !r.Date.Equal(base) || len(r.Marks) != 1 || r.Snippet[r.Marks[0].Start:r.Marks[0].End] != "CARLOS" {
		t.Errorf("carlos = %+v", r)
	}
	if f, _ := s.Search(ctx, SearchQuery{Text: "carlos", Since: base.Add(time.Hour)}); len(f.Results) != 0 {
		t.Errorf("a pack bought before --since is found: %+v", f.Results)
	}
	if f, _ := s.Search(ctx, SearchQuery{Text: "carlos", PackID: pack}); len(f.Results) != 1 {
		t.Errorf("the pack filter loses the pack: %+v", f.Results)
	}
	// The order search brings a new title: the pack is found by it, not by the old one.
	p.Titles = []string{"Fone Aurora Max"}
	if err := s.PutOrders(ctx, []api.Pack{p}, nil); err != nil {
		t.Fatal(err)
	}
	if f, _ := s.Search(ctx, SearchQuery{Text: "fone"}); len(f.Results) != 1 || f.Results[0].PackID != pack {
		t.Errorf("the new title: %+v", f.Results)
	}
	if f, _ := s.Search(ctx, SearchQuery{Text: "caixa"}); len(f.Results) != 0 {
		t.Errorf("the old title still finds the pack: %+v", f.Results)
	}
	// The first message: the pack is found through it, once.
	if err := s.PutPage(ctx, page(t, pack, wireMessage("c1", pack, false, "Carlos Lima", "Olá Carlos, seu pedido sai amanhã", base.Add(time.Hour)))); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]bool{"carlos": false, "fone": true, pack: true} {
		f, _ := s.Search(ctx, SearchQuery{Text: q})
		if len(f.Results) != 1 || f.Results[0].MessageID != "c1" || f.Results[0].Pack != want {
			t.Errorf("%q after the first message = %+v, want c1 once (pack %v)", q, f.Results, want)
		}
	}
	var rows int
	s.db.get(context.Background()).QueryRow("SELECT count(*) FROM search WHERE rowid >= " + packRowFloor).Scan(&rows)
	if rows != 1 { // the unread-only pack's
		t.Errorf("%d pack rows left in the index, want 1", rows)
	}
}

// Attachments are found, and shown, by their original names: never by the stored id.
func TestSearchShowsAttachmentsByTheirOriginalName(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if err := s.PutPage(ctx, page(t, "2000005555", wireMessage("f1", "2000005555", true, "Ana", "mire", base, "foto rota.png"))); err != nil {
		t.Fatal(err)
	}
	f, err := s.Search(ctx, SearchQuery{Text: "foto rota"})
	if err != nil || len(f.Results) != 1 {
		t.Fatal(f, err)
	}
	if r := f.Results[0]; r.Snippet != "foto rota.png" || strings.Contains(r.Snippet, "stored") {
		t.Errorf("snippet %q, want the original name alone", r.Snippet)
	}
	if f, _ := s.Search(ctx, SearchQuery{Text: "f1_stored"}); len(f.Results) != 0 {
		t.Errorf("the stored id is searchable: %+v", f.Results)
	}
}

// The views show a snippet on one line, each segment sanitised on its own: a snippet is on one
// line already, so no line break between item titles or in a message runs words together, and
// no space beside a match is lost. Item titles are separated by " · ".
func TestSearchSnippetIsOneLine(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	const pack = "2000009100000002"
	if err := s.PutPage(ctx, page(t, pack, wireMessage("j1", pack, true, "Juliana Martins", "Olá!\n\nA câmara\tchegou,\r\nmas sem  manual.", base))); err != nil {
		t.Fatal(err)
	}
	if err := s.PutOrders(ctx, []api.Pack{{ID: pack, SiteID: "MLB", Titles: []string{"Carregador USB-C 30W", "Cabo USB-C 2 m"}}}, nil); err != nil {
		t.Fatal(err)
	}
	// And a sale without messages, found by its own search row.
	if err := s.PutOrders(ctx, []api.Pack{{ID: "2000009100000003", SiteID: "MLB", Titles: []string{"Fone USB", "Capa"}}}, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q, pack, want string
		marks         []string
	}{
		{"usb", pack, "Carregador USB-C 30W · Cabo USB-C 2 m", []string{"USB", "USB"}},
		{"30w", pack, "Carregador USB-C 30W · Cabo USB-C 2 m", []string{"30W"}},
		{"cabo", pack, "Carregador USB-C 30W · Cabo USB-C 2 m", []string{"Cabo"}},
		{"capa", "2000009100000003", "Fone USB · Capa", []string{"Capa"}},
		{"camara", pack, "Olá! A câmara chegou, mas sem manual.", []string{"câmara"}},
		{"chegou", pack, "Olá! A câmara chegou, mas sem manual.", []string{"chegou"}},
	} {
		f, err := s.Search(ctx, SearchQuery{Text: tc.q, PackID: tc.pack})
		if err != nil || len(f.Results) != 1 {
			t.Fatalf("%q: %+v, %v", tc.q, f, err)
		}
		r := f.Results[0]
		if r.Snippet != tc.want {
			t.Errorf("%q: snippet %q, want %q", tc.q, r.Snippet, tc.want)
		}
		var matched []string
		var shown strings.Builder
		for _, seg := range r.Segments() {
			if seg.Match {
				matched = append(matched, seg.Text)
			}
			shown.WriteString(sanitize.Line(seg.Text)) // as the inbox and the CLI draw it
		}
		if !slices.Equal(matched, tc.marks) {
			t.Errorf("%q: marks %v in %q, want %v", tc.q, matched, r.Snippet, tc.marks)
		}
		if shown.String() != tc.want {
			t.Errorf("%q: drawn %q, want %q", tc.q, shown.String(), tc.want)
		}
	}
	// A long text cut around its match is on one line too.
	long := strings.Repeat("linha\n", 20) + "a câmara\n\nchegou" + strings.Repeat("\nfim", 20)
	if err := s.PutPage(ctx, page(t, "2000004444", wireMessage("d1", "2000004444", true, "Ana", long, base))); err != nil {
		t.Fatal(err)
	}
	f, _ := s.Search(ctx, SearchQuery{Text: "camara", PackID: "2000004444"})
	if len(f.Results) != 1 || f.Results[0].Snippet != "…linha a câmara chegou fim fim fim fim fim fim fim fim fim fim fim fim…" {
		t.Errorf("long text: %+v", f.Results)
	}
}

// A message's snippet is its own text (or translation) when that holds any searched word, even
// when its buyer's name holds more of them: two messages found by the buyer's name read apart.
// The buyer's name is the snippet of the conversation found by it alone.
func TestSearchSnippetPrefersTheMessagesOwnWords(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	const pack = "2000004522334455"
	p := api.Pack{ID: pack, SiteID: "MLC"}
	p.Buyer.ID, p.Buyer.Nickname = testBuyer, "CAMILA_SOTO"
	if err := s.PutOrders(ctx, []api.Pack{p}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPage(ctx, page(t, pack,
		translated(t, wireMessage("c1", pack, true, "Camila Soto", "Hola, quiero devolver el producto", base), "Hi, I want to return the product"),
		wireMessage("c2", pack, false, "Camila Soto", "No problem, Camila. Start the return here.", base.Add(time.Hour)),
		wireMessage("c3", pack, true, "Camila Soto", "Gracias", base.Add(2*time.Hour)),
	)); err != nil {
		t.Fatal(err)
	}
	snippets := func(q string) map[string]Result {
		t.Helper()
		f, err := s.Search(ctx, SearchQuery{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]Result{}
		for _, r := range f.Results {
			out[r.MessageID] = r
		}
		return out
	}
	marked := func(r Result) []string {
		var out []string
		for _, seg := range r.Segments() {
			if seg.Match {
				out = append(out, seg.Text)
			}
		}
		return out
	}
	got := snippets("cam")
	if len(got) != 2 {
		t.Fatalf("cam = %+v, want c2 by its text and the pack at c3", got)
	}
	if r := got["c2"]; r.Pack || r.Snippet != "No problem, Camila. Start the return here." || !slices.Equal(marked(r), []string{"Camila"}) {
		t.Errorf("cam: the reply's snippet %q marks %v, want its own text", r.Snippet, marked(r))
	}
	if r := got["c3"]; !r.Pack || r.Snippet != "Camila Soto CAMILA_SOTO" || !slices.Equal(marked(r), []string{"Camila", "CAMILA"}) {
		t.Errorf("cam: the conversation's snippet %q marks %v, want the buyer", r.Snippet, marked(r))
	}
	// Both words in the buyer's name against one in the translation: the translation is shown.
	got = snippets("camila return")
	if r := got["c1"]; r.Snippet != "Hi, I want to return the product" || !slices.Equal(marked(r), []string{"return"}) || !r.InTranslation {
		t.Errorf("camila return: c1's snippet %q marks %v (in translation %v), want its translation", r.Snippet, marked(r), r.InTranslation)
	}
	if r := got["c2"]; r.Snippet != "No problem, Camila. Start the return here." || !slices.Equal(marked(r), []string{"Camila", "return"}) || r.InTranslation {
		t.Errorf("camila return: c2's snippet %q marks %v (in translation %v)", r.Snippet, marked(r), r.InTranslation)
	}
}

// InTranslation says the translation holds searched words the text does not: a view shows the
// translation to show them. Words in the text alone, or in both, do not need it.
func TestSearchSaysWhenTheMatchIsInTheTranslation(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	const pack = "2000004777000111"
	if err := s.PutPage(ctx, page(t, pack,
		translated(t, wireMessage("w1", pack, true, "Valentina Rojas", "Última pregunta: ¿tienen garantía en Chile?", base), "Last question: do you have a warranty in Chile?"),
	)); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]bool{"warranty": true, "garantia": false, "chile": false, "chile warranty": true, "garantia warranty": true, "valentina": false} {
		f, err := s.Search(ctx, SearchQuery{Text: q})
		if err != nil || len(f.Results) != 1 {
			t.Fatalf("%q: %+v, %v", q, f, err)
		}
		if r := f.Results[0]; r.InTranslation != want {
			t.Errorf("%q: InTranslation = %v, want %v (snippet %q)", q, r.InTranslation, want, r.Snippet)
		}
	}
	f, _ := s.Search(ctx, SearchQuery{Text: "warranty"})
	if r := f.Results[0]; r.Snippet != "Last question: do you have a warranty in Chile?" {
		t.Errorf("warranty: snippet %q, want the translation", r.Snippet)
	}
}
