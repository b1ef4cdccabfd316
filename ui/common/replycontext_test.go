package common

import "testing"

func TestSaleURLPerSite(t *testing.T) {
	tests := []struct{ site, id, want string }{
		{"MLB", "2000001", "https://www.mercadolivre.com.br/vendas/2000001/detalhe"},
		{"mlm", "2000001", "https://www.mercadolibre.com.mx/ventas/2000001/detalle"},
		{"MLA", "7", "https://www.mercadolibre.com.ar/ventas/7/detalle"},
		{"MCO", "7", "https://www.mercadolibre.com.co/ventas/7/detalle"},
		{"MLC", "7", "https://www.mercadolibre.cl/ventas/7/detalle"},
		{"MLU", "7", "https://www.mercadolibre.com.uy/ventas/7/detalle"},
		{"MPE", "7", "https://www.mercadolibre.com.pe/ventas/7/detalle"},
		{"MCR", "7", "https://www.mercadolibre.co.cr/ventas/7/detalle"},
		{"CBT", "7", "https://www.mercadolibre.com.mx/ventas/7/detalle"},
		{"", "7", "https://www.mercadolibre.com.mx/ventas/7/detalle"},
		{"MLB", "", ""},
		{"MLB", "12/../x", ""},
	}
	for _, tt := range tests {
		if got := SaleURL(tt.site, tt.id); got != tt.want {
			t.Errorf("SaleURL(%q, %q) = %q, want %q", tt.site, tt.id, got, tt.want)
		}
	}
}

func TestLanguageAndPackInfoLine(t *testing.T) {
	if Language("MLB") != "Portuguese" || Language("mlm") != "Spanish" || Language("CBT") != "" {
		t.Errorf("languages: %q %q %q", Language("MLB"), Language("mlm"), Language("CBT"))
	}
	p := PackInfo{Orders: []string{"1", "2"}, Shipping: "40", Claims: []string{"5"}, Status: "blocked", Titles: []string{"Mug", "Lid"}}
	if got, want := p.Line(), "Orders 1, 2 · shipment 40 · claim 5 · blocked · Mug + Lid"; got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
	m := PackInfo{Claims: []string{"9"}}.Merge(p)
	if m.Shipping != "40" || m.Claims[0] != "9" || len(m.Orders) != 2 {
		t.Errorf("Merge = %+v", m)
	}
}

func TestTranslationModes(t *testing.T) {
	for _, w := range []string{"original", "buyer-translated", "translated", "both"} {
		m, err := ParseTranslation(w)
		if err != nil || m.String() != w {
			t.Errorf("ParseTranslation(%q) = %v, %v", w, m, err)
		}
	}
	if _, err := ParseTranslation("spanish"); err == nil {
		t.Error("a bad mode must be refused")
	}
	cycle := []TranslationMode{TranslationOriginal}
	for range 4 {
		cycle = append(cycle, cycle[len(cycle)-1].Next())
	}
	if cycle[1] != TranslationTranslated || cycle[2] != TranslationBoth || cycle[3] != TranslationBuyer || cycle[4] != TranslationOriginal {
		t.Errorf("t cycles %v", cycle)
	}
	b := TranslationBuyer
	if b.Preview("oi", "hi", false) != "hi" || b.Preview("hola", "hello", true) != "hola" || b.Preview("oi", "", false) != "oi" {
		t.Error("buyer-translated previews: the buyer's translated, the seller's as written")
	}
	if TranslationTranslated.Preview("hola", "hello", true) != "hello" || TranslationOriginal.Preview("oi", "hi", false) != "oi" {
		t.Error("translated and original previews")
	}
	if got := TranslationBoth.Preview("oi", "hi", false); got != "oi ↳ hi" {
		t.Errorf("both previews the text and its translation, as the conversation shows them: %q", got)
	}
	if got := TranslationBoth.Preview("oi", "", false); got != "oi" {
		t.Errorf("both without a translation: %q", got)
	}
}
