package sanitize

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Ana Lucía PÉREZ": "ana lucia perez",
		"São Paulo":       "sao paulo",
		"Ñandú":           "nandu",
		"CÂMARA":          "camara",
		"田中":              "田中",
		"한국어":             "한국어",
		"Joa\u0303o":      "joao", // a combining tilde, not a precomposed ã
		"":                "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkFold(b *testing.B) {
	for b.Loop() {
		Fold("câmara")
		Fold("quebrada")
	}
}
