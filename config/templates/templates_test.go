package templates

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/assets"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestSiteLanguage(t *testing.T) {
	for _, site := range []string{"MLA", "MLM", "MCO", "MLC", "MLU", "MPE", "MEC", "MBO", "MPY", "MRD", "MCR", "MGT", "MHN", "MNI", "MSV", "MPA", "MCU", "MLV", "mlm"} {
		if got := SiteLanguage(site); got != LangES {
			t.Errorf("SiteLanguage(%q) = %q, want es", site, got)
		}
	}
	if got := SiteLanguage("MLB"); got != LangPT {
		t.Errorf("MLB = %q, want pt", got)
	}
	for _, site := range []string{"CBT", "", "XYZ"} {
		if got := SiteLanguage(site); got != "" {
			t.Errorf("SiteLanguage(%q) = %q, want the base file", site, got)
		}
	}
}

func loadMap(t *testing.T, m fstest.MapFS) *Set {
	t.Helper()
	s, err := Load(Layer{Source: "personal", FS: m})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPickBySiteAndFlavour(t *testing.T) {
	s := loadMap(t, fstest.MapFS{
		"thanks.txt":    file("Thanks"),
		"thanks.es.txt": file("Gracias"),
		"thanks.pt.txt": file("Obrigado"),
		"only.es.txt":   file("Solo"),
	})
	th := s.Get("thanks")
	cases := []struct {
		site    string
		flavour Flavour
		text    string
		tr      string
	}{
		{"MLM", Domestic, "Gracias", ""},
		{"MLB", Domestic, "Obrigado", ""},
		{"CBT", Domestic, "Thanks", ""},
		{"MLM", CrossBorder, "Thanks", "Gracias"},
		{"MLB", CrossBorder, "Obrigado", ""}, // replaced below
		{"CBT", CrossBorder, "Thanks", ""},
	}
	cases[4].text, cases[4].tr = "Thanks", "Obrigado"
	for _, c := range cases {
		text, tr, _ := th.Pick(c.site, c.flavour)
		if text != c.text || tr != c.tr {
			t.Errorf("%s flavour %d: got (%q, %q), want (%q, %q)", c.site, c.flavour, text, tr, c.text, c.tr)
		}
	}
	// No base file: the buyer variant is the message on a site that speaks it.
	if text, tr, _ := s.Get("only").Pick("MLA", CrossBorder); text != "Solo" || tr != "" {
		t.Errorf("only.es on MLA cross-border = (%q, %q)", text, tr)
	}
	if text, _, _ := s.Get("only").Pick("MLB", Domestic); text != "" {
		t.Errorf("only.es on MLB domestic should have no text, got %q", text)
	}
}

func TestExpandAndMissing(t *testing.T) {
	got, missing := Expand("Hi {{buyer_first_name}}, order {{ order_id }} · {{item_title}} {{tpyo}}!", Vars{
		VarBuyerFirstName: "Ana\x1b[31m\nLucía", VarOrderID: "451",
	})
	if want := "Hi Ana Lucía, order 451 · {{item_title}} {{tpyo}}!"; got != want {
		t.Fatalf("Expand = %q, want %q", got, want)
	}
	if len(missing) != 2 {
		t.Fatalf("missing = %+v", missing)
	}
	if m := missing[0]; m.Name != VarItemTitle || m.Unknown || got[m.Start:m.End] != "{{item_title}}" || m.Reason() != "no value" {
		t.Errorf("first missing = %+v", m)
	}
	if m := missing[1]; m.Name != "tpyo" || !m.Unknown || got[m.Start:m.End] != "{{tpyo}}" || m.Reason() != "unknown variable" {
		t.Errorf("second missing = %+v", m)
	}
	// A --var for a name postsale does not know makes it a variable, not a typo.
	if got, missing := Expand("{{coupon}}", Vars{"coupon": "SAVE10"}); got != "SAVE10" || len(missing) != 0 {
		t.Errorf("custom var: %q %+v", got, missing)
	}
}

func TestCheckBlocksPlaceholdersAndLimits(t *testing.T) {
	s := loadMap(t, fstest.MapFS{
		"long.txt":  file("{{buyer_name}} " + strings.Repeat("x", 340)),
		"kanji.txt": file("Hi {{buyer_first_name}}"),
		"left.txt":  file("Hi {{buyer_first_name}}, {{item_title}}"),
	})
	short := Vars{VarBuyerName: "Ann", VarBuyerFirstName: "Ann"}
	if err := s.Get("long").Render(Context{Site: "MLM", Vars: short}).Check(); err != nil {
		t.Errorf("344 characters should pass: %v", err)
	}
	long := Vars{VarBuyerName: "Ana Lucía Pérez González"}
	err := s.Get("long").Render(Context{Site: "MLM", Vars: long}).Check()
	var ve *api.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(ve.Problem, "at most 350") {
		t.Errorf("over 350 after expansion: %v", err)
	}
	err = s.Get("kanji").Render(Context{Vars: Vars{VarBuyerFirstName: "田中"}}).Check()
	if !errors.As(err, &ve) || len(ve.Offending) != 2 {
		t.Errorf("non-Latin-1 name after expansion: %v", err)
	}
	r := s.Get("left").Render(Context{Vars: short})
	err = r.Check()
	if !errors.As(err, &ve) || !strings.Contains(ve.Problem, "{{item_title}}") {
		t.Errorf("placeholder left: %v", err)
	}
	if !slices.Equal(r.MissingNames(), []string{VarItemTitle}) {
		t.Errorf("MissingNames = %v", r.MissingNames())
	}
	if CheckPlaceholders("text", "braces { } and {single} are fine") != nil {
		t.Error("plain braces refused")
	}
	if CheckPlaceholders("text_translated", "hola {{ x }}") == nil {
		t.Error("placeholder with spaces accepted")
	}
}

func TestLoadLayersAndHostileFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("thanks.txt", "Mine\r\n")
	write("evil\x1b[2J.txt", "x")
	write("a b.txt", "x")
	write("ok.de.txt", "x")
	write("esc.txt", "Hi\x1b]8;;http://x\x07there\u202e!\x00")
	write("big.txt", strings.Repeat("x", MaxFileSize+1))
	write("notes.md", "ignored")
	s, err := Load(DirLayer("personal", dir), Layer{Source: "team", FS: fstest.MapFS{
		"thanks.txt": file("Team"), "thanks.es.txt": file("Equipo"), "team-only.txt": file("T"),
	}}, DirLayer("missing", filepath.Join(dir, "nope")))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Names(); !slices.Equal(got, []string{"esc", "team-only", "thanks"}) {
		t.Errorf("names = %v", got)
	}
	th := s.Get("thanks")
	if th.Base != "Mine" || th.Source != "personal" || len(th.Variants) != 0 {
		t.Errorf("the personal layer must win as a whole: %+v", th)
	}
	if got := s.Get("esc").Base; got != "Hithere!" {
		t.Errorf("escape sequences kept: %q", got)
	}
	if len(s.Problems) != 4 {
		t.Errorf("problems = %q", s.Problems)
	}
	for _, p := range s.Problems {
		if strings.ContainsRune(p, 0x1b) {
			t.Errorf("a problem quotes an escape: %q", p)
		}
	}
}

func TestDemoTemplatesFitTheLimits(t *testing.T) {
	s, err := Load(Layer{Source: "demo", FS: assets.Templates()})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() < 5 || len(s.Problems) > 0 {
		t.Fatalf("demo templates: %v, problems %q", s.Names(), s.Problems)
	}
	vars := Vars{VarBuyerFirstName: "Maximiliano", VarBuyerName: "Maximiliano Fernández", VarOrderID: "2000012345678901",
		VarPackID: "2000012345678901", VarSellerName: "Northwind Gadgets", VarSite: "MLM"}
	for _, tpl := range s.Templates() {
		if !slices.Equal(tpl.Languages(), Languages()) || !tpl.HasBase {
			t.Errorf("%s: languages %v", tpl.Name, tpl.Languages())
		}
		for _, site := range []string{"MLM", "MLB", "CBT"} {
			for _, fl := range []Flavour{CrossBorder, Domestic} {
				r := tpl.Render(Context{Site: site, Flavour: fl, Vars: vars})
				if err := r.Check(); err != nil {
					t.Errorf("%s on %s: %v", tpl.Name, site, err)
				}
			}
		}
		for _, v := range tpl.Vars() {
			if !Known(v) {
				t.Errorf("%s uses unknown variable %s", tpl.Name, v)
			}
		}
	}
}
