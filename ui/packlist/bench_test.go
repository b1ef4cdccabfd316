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

// BenchmarkView renders a full list of MaxPacks conversations at 100×30, as every keypress does.
func BenchmarkView(b *testing.B) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	c := common.New(context.Background(), nil, r)
	c.Now = func() time.Time { return testNow }
	m := New(c)
	m.SetSize(100, 30)
	var unread []api.UnreadPack
	var packs []api.Pack
	for i := range MaxPacks {
		id := strconv.Itoa(2000004000000000 + i)
		packs = append(packs, api.Pack{ID: api.ID(id), Buyer: api.UserRef{Nickname: "BUYER_" + id}, SiteID: "MLM",
			DateCreated: api.Time{Time: testNow.Add(-time.Duration(i) * time.Hour)}})
		if i%3 == 0 {
			unread = append(unread, api.UnreadPack{Resource: "/packs/" + id, Count: i%5 + 1})
		}
	}
	m.merge(packsLoadedMsg{Full: true, Unread: unread, Packs: packs}, true)
	for i, row := range m.rows {
		m.setHeader(row, &api.Conversation{Messages: []api.Message{{
			Text:        "¿Cuándo llega mi pedido? Lo necesito para el viernes 🙏 " + strconv.Itoa(i),
			SiteID:      "MLM",
			From:        api.Party{UserID: "9", Name: "Ana Lucía Pérez"},
			MessageDate: api.MessageDate{Created: api.Time{Time: testNow.Add(-time.Duration(i) * time.Minute)}},
		}}})
	}
	m.applyFilter("")
	b.ReportAllocs()
	for b.Loop() {
		m.cursor = (m.cursor + 1) % len(m.visible)
		m.clampScroll()
		_ = m.View()
	}
}
