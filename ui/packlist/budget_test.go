package packlist

import "testing"

// BenchmarkViewFiveThousandPacks is one frame of a list holding 5,000 conversations (far past
// what the first order search loads: unread counts can add any number) while the cursor moves,
// at 100×30 (budget: 1 ms a frame).
func BenchmarkViewFiveThousandPacks(b *testing.B) {
	const n = 5000
	m := fakeList{n: n, unreadEvery: 4, site: "MLB", nick: "COMPRADOR_", buyer: "Beatriz Souza",
		text: "O rastreio diz que está parado na alfândega há três dias, podem ajudar? 📦 "}.model()
	if len(m.visible) != n {
		b.Fatalf("list shows %d packs, want %d", len(m.visible), n)
	}
	_ = m.View()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.cursor = (i * 37) % len(m.visible) // jumps: g/G, pgdn, filter results
		m.clampScroll()
		_ = m.View()
		i++
	}
}
