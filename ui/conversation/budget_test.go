package conversation

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/uitest"
)

// bigConversation is n messages, newest first as the API sends them: buyer and seller
// alternating, with translations, a link now and then and an attachment every 50th.
func bigConversation(n int) *api.Conversation {
	conv := &api.Conversation{
		Paging:             &api.Paging{Limit: n, Total: n},
		ConversationStatus: &api.ConversationStatus{Status: api.ConversationActive},
		Messages:           make([]api.Message, n),
	}
	for i := range n {
		at := clock.Add(-time.Duration(i) * 7 * time.Minute)
		m := api.Message{
			ID:          fmt.Sprintf("%032x", i),
			SiteID:      "MLB",
			Status:      api.StatusAvailable,
			MessageDate: api.MessageDate{Created: api.Time{Time: at}, Read: api.Time{Time: at.Add(time.Minute)}},
			Resources:   []api.Resource{{ID: "2000004777000111", Name: api.ResourcePacks}},
		}
		if i%2 == 0 {
			m.From = api.Party{UserID: "441782523", Name: "Beatriz Souza"}
			m.To = api.Party{UserID: "1234", Name: "Demo Seller"}
			m.Text = "Olá! O pedido " + strconv.Itoa(i) + " ainda não chegou, vocês podem verificar o rastreio? Obrigada 🙏"
			m.TextTranslated = "Hi! Order " + strconv.Itoa(i) + " has not arrived yet, can you check the tracking? Thanks 🙏"
		} else {
			m.From = api.Party{UserID: "1234", Name: "Demo Seller"}
			m.To = api.Party{UserID: "441782523", Name: "Beatriz Souza"}
			m.Text = `Of course! It left our warehouse yesterday: <a href="https://www.mercadolivre.com.br/envios/` + strconv.Itoa(i) + `">tracking</a>`
			m.TextTranslated = "Claro! Saiu do nosso armazém ontem."
		}
		if i%50 == 0 {
			m.Attachments = []api.Attachment{{Filename: "1234_abc" + strconv.Itoa(i) + ".png", OriginalFilename: "foto.png", Type: "image/png", Size: 53412}}
		}
		conv.Messages[i] = m
	}
	return conv
}

func loadedModel(tb testing.TB, n, width, height int) *Model {
	tb.Helper()
	c := uitest.Offline(clock, termenv.TrueColor) // the costlier styled output a real terminal gets
	c.Seller = "1234"
	m := New(c, "2000004777000111", "MLB")
	m.SetSize(width, height)
	m.applyPage(PageMsg{kind: loadNewest, Conversation: bigConversation(n)}, nil)
	if m.Len() != n {
		tb.Fatalf("model holds %d messages, want %d", m.Len(), n)
	}
	return m
}

// BenchmarkViewTenThousandMessages is one frame of a 10,000-message conversation at 100×30 while
// the seller scrolls through it (budget: 1 ms a frame).
func BenchmarkViewTenThousandMessages(b *testing.B) {
	m := loadedModel(b, 10_000, 100, 30)
	_ = m.View() // first frame wraps what is visible
	maxTop := m.maxTop()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.follow = false
		m.top = maxTop - (i*7)%maxTop // scroll up through history
		_ = m.View()
		i++
	}
}

// BenchmarkViewTenThousandMessagesFollowing is the frame when a new message arrives and the view
// follows the newest one.
func BenchmarkViewTenThousandMessagesFollowing(b *testing.B) {
	m := loadedModel(b, 10_000, 100, 30)
	_ = m.View()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// TestMemoryFiftyThousandMessages holds 50,000 messages in a conversation (and draws a frame) and
// checks the heap they take stays under the 100 MB budget.
func TestMemoryFiftyThousandMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates tens of megabytes")
	}
	const budget = 100 << 20
	before := heapInUse()
	m := loadedModel(t, 50_000, 100, 30)
	_ = m.View()
	m.SetSize(80, 24) // a resize re-wraps only what is shown
	_ = m.View()
	after := heapInUse()
	runtime.KeepAlive(m)
	used := int64(after) - int64(before)
	t.Logf("50,000 messages: %.1f MB of heap (budget %d MB)", float64(used)/(1<<20), budget>>20)
	if used > budget {
		t.Fatalf("50,000 messages take %d MB, over the %d MB budget", used>>20, budget>>20)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
