package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
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
		{"joao", []string{"a1", "a2"}}, // buyer name, accent folded
		{"JOÃO", []string{"a1", "a2"}},
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
		got, err := s.Search(ctx, SearchQuery{Text: tc.q})
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
	got, err := s.Search(context.Background(), SearchQuery{Text: "camara"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].MessageID != "b1" || got[1].MessageID != "a1" {
		t.Errorf("ranking = %v, want [b1 a1]", ids(got))
	}
}

func TestSearchResultsCarrySnippetAndMarks(t *testing.T) {
	s := searchFixture(t)
	got, err := s.Search(context.Background(), SearchQuery{Text: "camara"})
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
	got, _ := s.Search(ctx, SearchQuery{Text: "camara", PackID: "2000001111"})
	if !sameSet(ids(got), []string{"a1"}) {
		t.Errorf("pack filter = %v", ids(got))
	}
	got, _ = s.Search(ctx, SearchQuery{Text: "camara", Since: base.Add(time.Hour)})
	if !sameSet(ids(got), []string{"b1"}) {
		t.Errorf("since filter = %v", ids(got))
	}
}

func TestSearchHostileQueriesNeverFail(t *testing.T) {
	s := searchFixture(t)
	for _, q := range []string{`"`, `camara"`, `*`, `AND`, `OR camara`, `NEAR(`, `a:b`, `(((`, `^`, `-x`, "\x00", "\x1b[31m", `col:camara`, `"" * ""`, "  ", "", "💥", "text:quebrada"} {
		if _, err := s.Search(context.Background(), SearchQuery{Text: q}); err != nil {
			t.Errorf("query %q: %v", q, err)
		}
	}
	got, _ := s.Search(context.Background(), SearchQuery{Text: "camara:quebrada"})
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
		if _, err := s.Search(context.Background(), SearchQuery{Text: q}); err != nil {
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
	got, err := s.Search(ctx, SearchQuery{Text: "camara reemb"})
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

// A message found by its buyer's name shows the name, marked: the text holds none of the words.
func TestSearchSnippetShowsTheColumnThatMatched(t *testing.T) {
	s := searchFixture(t)
	got, err := s.Search(context.Background(), SearchQuery{Text: "pereira"})
	if err != nil || len(got) != 2 {
		t.Fatal(got, err)
	}
	for _, r := range got {
		if len(r.Marks) != 1 || r.Snippet[r.Marks[0].Start:r.Marks[0].End] != "Pereira" {
			t.Errorf("%s: snippet %q marks %v, want Pereira marked", r.MessageID, r.Snippet, r.Marks)
		}
	}
	// Words spread over columns: the one holding more of them is shown.
	got, _ = s.Search(context.Background(), SearchQuery{Text: "joao envio outra"})
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
	got, err := s.Search(ctx, SearchQuery{Text: "quebrada"})
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
