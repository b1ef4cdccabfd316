package packlist

import (
	"context"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/common"
)

// BenchmarkViewFiveThousandPacks is one frame of a list holding 5,000 conversations (far past
// what the first order search loads: unread counts can add any number) while the cursor moves,
// at 100×30 (budget: 1 ms a frame).
func BenchmarkViewFiveThousandPacks(b *testing.B) {
	const n = 5000
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	c := common.New(context.Background(), nil, r)
	c.Now = func() time.Time { return testNow }
	c.Location = time.UTC
	m := New(c)
	m.SetSize(100, 30)
	var unread []api.UnreadPack
	packs := make([]api.Pack, 0, n)
	for i := range n {
		id := strconv.Itoa(2000004000000000 + i)
		packs = append(packs, api.Pack{ID: api.ID(id), Buyer: api.UserRef{Nickname: "COMPRADOR_" + id}, SiteID: "MLB",
			DateCreated: api.Time{Time: testNow.Add(-time.Duration(i) * time.Hour)}})
		if i%4 == 0 {
			unread = append(unread, api.UnreadPack{Resource: "/packs/" + id, Count: i%5 + 1})
		}
	}
	m.merge(packsLoadedMsg{Full: true, Unread: unread, Packs: packs}, true)
	for i, row := range m.rows {
		m.setHeader(row, &api.Conversation{Messages: []api.Message{{
			Text:        "O rastreio diz que está parado na alfândega há três dias, podem ajudar? 📦 " + strconv.Itoa(i),
			SiteID:      "MLB",
			From:        api.Party{UserID: "9", Name: "Beatriz Souza"},
			MessageDate: api.MessageDate{Created: api.Time{Time: testNow.Add(-time.Duration(i) * time.Minute)}},
		}}})
	}
	m.applyFilter("")
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
