package packlist

import (
	"strconv"
	"testing"
	"time"

	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/uitest"
)

// fakeList describes a list filled by hand for benchmarks: n packs, every unreadEvery-th unread,
// each header loaded with the buyer's text.
type fakeList struct {
	n, unreadEvery          int
	site, nick, buyer, text string
}

// model is the list at 100×30 with every row loaded, drawn as a real terminal gets it (TrueColor).
func (f fakeList) model() *Model {
	m := New(uitest.Offline(testNow, termenv.TrueColor))
	m.SetSize(100, 30)
	var unread []api.UnreadPack
	packs := make([]api.Pack, 0, f.n)
	for i := range f.n {
		id := strconv.Itoa(2000004000000000 + i)
		packs = append(packs, api.Pack{ID: api.ID(id), Buyer: api.UserRef{Nickname: f.nick + id}, SiteID: f.site,
			DateCreated: api.Time{Time: testNow.Add(-time.Duration(i) * time.Hour)}})
		if i%f.unreadEvery == 0 {
			unread = append(unread, api.UnreadPack{Resource: "/packs/" + id, Count: i%5 + 1})
		}
	}
	m.merge(packsLoadedMsg{Full: true, Unread: unread, Packs: packs}, true)
	for i, row := range m.rows {
		m.setHeader(row, &api.Conversation{Messages: []api.Message{{
			Text:        f.text + strconv.Itoa(i),
			SiteID:      f.site,
			From:        api.Party{UserID: "9", Name: f.buyer},
			MessageDate: api.MessageDate{Created: api.Time{Time: testNow.Add(-time.Duration(i) * time.Minute)}},
		}}})
	}
	m.applyFilter("")
	return m
}

// BenchmarkView renders a full list of MaxPacks conversations at 100×30, as every keypress does.
func BenchmarkView(b *testing.B) {
	m := fakeList{n: MaxPacks, unreadEvery: 3, site: "MLM", nick: "BUYER_", buyer: "Ana Lucía Pérez",
		text: "¿Cuándo llega mi pedido? Lo necesito para el viernes 🙏 "}.model()
	b.ReportAllocs()
	for b.Loop() {
		m.cursor = (m.cursor + 1) % len(m.visible)
		m.clampScroll()
		_ = m.View()
	}
}
