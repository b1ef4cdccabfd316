package sandbox_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
)

const receiptsPack = "2000004688776655"

// movableClock is a clock a test moves forward instead of sleeping.
type movableClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *movableClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *movableClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func receiptsServer(t *testing.T, opts ...sandbox.Option) (*movableClock, *api.Client) {
	t.Helper()
	clock := &movableClock{now: fixedNow}
	sb := sandbox.New(append([]sandbox.Option{sandbox.WithClock(clock.Now), sandbox.WithReceiptsPack()}, opts...)...)
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	client, err := api.New(api.StaticToken(sb.Token()), api.WithBaseURL(ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	return clock, client
}

// byText fetches the receipts pack and indexes its messages by text.
func byText(t *testing.T, client *api.Client) map[string]api.Message {
	t.Helper()
	conv, err := client.PackMessages(context.Background(), receiptsPack, api.PageOptions{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]api.Message{}
	for _, m := range conv.Messages {
		out[m.Text] = m
	}
	return out
}

const (
	textRejected   = "Sure, here it is: https://bit.ly/nw-charger-manual"
	textRead       = "The manual is also on the product page, under Documents."
	textModeration = "If it helps, call us at 55 1234 5678 any weekday."
	textDelivered  = "Your order ships tomorrow morning."
	textSent       = "Tracking number: 43210988800."
)

func TestBuyersReadTheSellersMessagesOnTheClock(t *testing.T) {
	clock, client := receiptsServer(t, sandbox.WithBuyerReads(sandbox.DefaultBuyerReads()))
	msgs := byText(t, client)
	for _, text := range []string{textRejected, textRead, textModeration, textDelivered, textSent} {
		if _, ok := msgs[text]; !ok {
			t.Fatalf("the receipts pack lacks %q", text)
		}
	}
	check := func(text string, notified, read bool) {
		t.Helper()
		d := msgs[text].MessageDate
		if d.Notified.IsZero() == notified || d.Read.IsZero() == read {
			t.Errorf("%q: notified %v read %v, want notified %v read %v", text, d.Notified, d.Read, notified, read)
		}
	}
	check(textRead, true, true)
	check(textDelivered, true, false)
	check(textSent, false, false)
	check(textModeration, false, false)
	check(textRejected, false, false)
	if got, want := msgs[textDelivered].MessageDate.Notified.Time, fixedNow.Add(-2*time.Minute+30*time.Second); !got.Equal(want) {
		t.Errorf("delivered message notified at %v, want 30 s after it was sent (%v)", got, want)
	}
	if m := msgs[textRejected]; m.Moderation.Reason != "link_short_url" || m.Status != api.StatusRejected {
		t.Errorf("rejected message: status %q reason %q", m.Status, m.Moderation.Reason)
	}

	clock.Advance(10 * time.Minute)
	msgs = byText(t, client)
	check(textDelivered, true, true)
	check(textSent, true, true)
	check(textModeration, false, false) // moderation never lets it through on its own
	check(textRejected, false, false)
	if got, want := msgs[textSent].MessageDate.Read.Time, fixedNow.Add(-10*time.Second+30*time.Second+5*time.Minute); !got.Equal(want) {
		t.Errorf("sent message read at %v, want 5 min after its notification (%v)", got, want)
	}
}

func TestASentMessageIsNotifiedThenRead(t *testing.T) {
	clock, client := receiptsServer(t, sandbox.WithBuyerReads(sandbox.BuyerReads{NotifyAfter: time.Minute, ReadAfter: 2 * time.Hour}))
	ctx := context.Background()
	sent, err := client.SendMessage(ctx, receiptsPack, api.SendRequest{Text: "See you soon", TextTranslated: "Hasta pronto"})
	if err != nil {
		t.Fatal(err)
	}
	get := func() api.MessageDate {
		t.Helper()
		m, err := client.Message(ctx, sent.ID)
		if err != nil {
			t.Fatal(err)
		}
		return m.MessageDate
	}
	if d := get(); !d.Notified.IsZero() || !d.Read.IsZero() {
		t.Fatalf("just sent: notified %v read %v, want neither", d.Notified, d.Read)
	}
	clock.Advance(time.Minute)
	if d := get(); d.Notified.IsZero() || !d.Read.IsZero() {
		t.Fatalf("a minute later: notified %v read %v, want notified only", d.Notified, d.Read)
	}
	clock.Advance(2 * time.Hour)
	if d := get(); d.Read.IsZero() {
		t.Fatal("two hours after the notification the buyer has still not read it")
	}
}

func TestWithoutBuyerReadsNothingIsRead(t *testing.T) {
	clock, client := receiptsServer(t)
	clock.Advance(24 * time.Hour)
	msgs := byText(t, client)
	if d := msgs[textSent].MessageDate; !d.Notified.IsZero() || !d.Read.IsZero() {
		t.Fatalf("without WithBuyerReads the buyer noticed a message: %+v", d)
	}
}
