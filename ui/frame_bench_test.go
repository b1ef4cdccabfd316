package ui

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// bigData is the inbox's data seam answering from memory: packs conversations (all unread),
// and one conversation of msgs messages, every tenth with an attachment.
type bigData struct {
	packs int
	conv  *api.Conversation
}

const bigPack = "2000004777000111"

func newBigData(packs, msgs int) *bigData {
	conv := &api.Conversation{
		Paging:             &api.Paging{Limit: msgs, Total: msgs},
		ConversationStatus: &api.ConversationStatus{Status: api.ConversationActive},
	}
	for i := range msgs {
		at := testNow.Add(-time.Duration(i) * 7 * time.Minute)
		m := api.Message{ID: fmt.Sprintf("%032x", i), SiteID: "MLB", Status: api.StatusAvailable,
			MessageDate: api.MessageDate{Created: api.Time{Time: at}, Read: api.Time{Time: at.Add(time.Minute)}},
			From:        api.Party{UserID: "441782523", Name: "Beatriz Souza"}, To: api.Party{UserID: "1234", Name: "Demo Seller"},
			Text: "Olá! O pedido " + strconv.Itoa(i) + " ainda não chegou, vocês podem verificar o rastreio? Obrigada 🙏"}
		if i%2 == 1 {
			m.From, m.To = m.To, m.From
			m.Text = "Of course! It left our warehouse yesterday, here is the receipt."
		}
		if i%10 == 0 {
			m.Attachments = []api.Attachment{{Filename: fmt.Sprintf("%d_receipt.pdf", i), OriginalFilename: "receipt.pdf", Type: "application/pdf", Size: 2048}}
		}
		conv.Messages = append(conv.Messages, m)
	}
	return &bigData{packs: packs, conv: conv}
}

func (d *bigData) Me(context.Context) (*api.User, error) {
	return &api.User{ID: "1234", Nickname: "DEMO_SELLER", SiteID: "MLB"}, nil
}

func (d *bigData) UnreadPacks(context.Context) (*api.Unread, error) {
	u := &api.Unread{UserID: "1234"}
	for i := range d.packs {
		u.Results = append(u.Results, api.UnreadPack{Resource: "/packs/" + strconv.Itoa(2000004000000000+i), Count: i%5 + 1})
	}
	return u, nil
}

func (d *bigData) SearchOrders(context.Context, api.OrderSearchOptions) (*api.OrderSearch, error) {
	return &api.OrderSearch{}, nil
}

func (d *bigData) PackMessages(_ context.Context, packID string, opts api.PageOptions) (*api.Conversation, error) {
	if packID == bigPack {
		return d.conv, nil
	}
	at := testNow.Add(-time.Duration(len(packID)) * time.Minute)
	return &api.Conversation{Paging: &api.Paging{Limit: 1, Total: 1}, Messages: []api.Message{{
		ID: "m" + packID, SiteID: "MLB", Text: "O rastreio diz que está parado na alfândega, podem ajudar? 📦 " + packID,
		From:        api.Party{UserID: "9", Name: "Beatriz Souza"},
		MessageDate: api.MessageDate{Created: api.Time{Time: at}},
	}}}, nil
}

func (d *bigData) SendMessage(context.Context, string, api.SendRequest) (*api.Message, error) {
	return nil, fmt.Errorf("not in the benchmark")
}

func (d *bigData) UploadAttachment(context.Context, string, api.UploadFile) (*api.Upload, error) {
	return nil, fmt.Errorf("not in the benchmark")
}

func (d *bigData) DownloadAttachment(context.Context, string, string, io.Writer) (*api.Download, error) {
	return nil, fmt.Errorf("not in the benchmark")
}

// loadedRoot runs the real root on data in a program until it is idle with the view showing
// want (after open, when set, was sent), then stops the program and returns the root, sized
// 100×30 and drawn in true colour.
func loadedRoot(b *testing.B, data common.Data, open tea.Msg, want string) *Model {
	b.Helper()
	c := uitest.Offline(testNow, termenv.TrueColor)
	c.Client = data
	m := New(c, Options{})
	p := tea.NewProgram(probed{m}, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithoutSignalHandler())
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	p.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	wait := func(text string) {
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			ch := make(probeMsg, 1)
			p.Send(ch)
			if pr := <-ch; pr.idle && strings.Contains(pr.view, text) {
				return
			}
		}
		b.Fatalf("the root never showed %q", text)
	}
	wait("Beatriz Souza")
	if open != nil {
		p.Send(open)
	}
	wait(want)
	p.Quit()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	return m
}

// frame is one spinner tick's redraw: the root's whole View.
func benchFrames(b *testing.B, m *Model, move func(i int)) {
	_ = m.View()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		move(i)
		_ = m.View()
		i++
	}
}

// BenchmarkRootFrameTenThousandMessages is one frame of the whole screen (header, conversation,
// status line, help) with a 10,000-message conversation open (budget: 1 ms, a few kB).
// "tick" is the redraw of a spinner frame (nothing moved); "scrolling" adds a k every other
// frame, its Update included.
func BenchmarkRootFrameTenThousandMessages(b *testing.B) {
	m := loadedRoot(b, newBigData(20, 10_000), common.OpenPackMsg{PackID: bigPack, Site: "MLB"}, "Pack "+bigPack)
	b.Run("tick", func(b *testing.B) { benchFrames(b, m, func(int) {}) })
	b.Run("scrolling", func(b *testing.B) {
		benchFrames(b, m, func(i int) {
			if i%2 == 0 {
				m.Update(uitest.Key("k")) // reading back through the history
			}
		})
	})
}

// BenchmarkRootFrameFiveThousandPacks is one frame of the whole screen with a 5,000-pack list
// while the cursor moves (budget: 1 ms, a few kB).
func BenchmarkRootFrameFiveThousandPacks(b *testing.B) {
	m := loadedRoot(b, newBigData(5_000, 1), nil, "5000 new")
	b.Run("tick", func(b *testing.B) { benchFrames(b, m, func(int) {}) })
	b.Run("moving", func(b *testing.B) {
		benchFrames(b, m, func(i int) {
			if i%2 == 0 {
				m.Update(uitest.Key("j"))
			}
		})
	})
}
