package api_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/sandbox/sandboxtest"
)

// msgAt is a message dated at a second of fixedNow's minute. Ids in these tests run against
// the order the messages were written in, so an order taken from the ids shows.
func msgAt(id, text string, second int) api.Message {
	m := api.Message{ID: id, Text: text}
	m.MessageDate.Created = api.Time{Time: time.Date(2026, 3, 1, 12, 0, second, 0, time.UTC)}
	return m
}

func texts(msgs []api.Message) string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Text)
	}
	return strings.Join(out, " ")
}

// Messages the sandbox dates to the same second come in a page newest first, as written; the
// client keeps that order (their ids are random and say nothing).
func TestSameSecondMessagesKeepTheServersOrder(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t) // the sandbox's clock stands still: every send has the same date
	want, conv := sendEight(t, f)
	if got := texts(conv.Messages); got != strings.Join(want, " ") {
		t.Errorf("page = %s, want %s (newest first)", got, strings.Join(want, " "))
	}
	// Read as three pages of a walk, merged as one batch or page by page.
	var pages [][]api.Message
	var joined []api.Message
	for offset := 0; offset < 8; offset += 3 {
		p, err := f.client.PackMessages(ctx, packAna, api.PageOptions{Limit: 3, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p.Messages)
		joined = append(joined, p.Messages...)
	}
	if got := texts(api.MergeMessages(joined)[:8]); got != strings.Join(want, " ") {
		t.Errorf("pages joined = %s, want %s", got, strings.Join(want, " "))
	}
	// Page by page, a page with nothing but that second cannot say whether it is an older page
	// or a poll (it counts as a later read): the pages of a walk go in one batch. A page that
	// reaches an older date says it is the older one.
	older, err := f.client.PackMessages(ctx, packAna, api.PageOptions{Limit: 3, Offset: 6})
	if err != nil || len(older.Messages) != 3 || older.Messages[2].Date().Equal(fixedNow) {
		t.Fatalf("demo data changed: the page after the sends = %+v, %v", older, err)
	}
	got := api.MergeMessages(slices.Concat(pages[0], pages[1]), older.Messages)
	if g := texts(got[:8]); g != strings.Join(want, " ") {
		t.Errorf("pages merged as two reads = %s, want %s", g, strings.Join(want, " "))
	}
}

// Within one second, a date written without milliseconds ("…:26Z") may belong to a message
// written after one with them ("…:26.130Z"): dates say nothing within a second, and the page's
// order stands.
func TestMessagesOfOneSecondWithAndWithoutMilliseconds(t *testing.T) {
	f := newFixture(t, sandbox.WithClock(sandboxtest.TickingClock(fixedNow.Add(100*time.Millisecond))))
	want, conv := sendEight(t, f)
	millis, whole := 0, 0
	for _, m := range conv.Messages {
		if !m.Date().Truncate(time.Second).Equal(fixedNow) {
			t.Fatalf("%s dated %s, not in %s's second", m.Text, m.Date(), fixedNow)
		}
		if m.Date().Nanosecond() != 0 {
			millis++
		} else {
			whole++
		}
	}
	if millis == 0 || whole == 0 {
		t.Fatalf("the sandbox wrote %d dates with milliseconds and %d without: want both", millis, whole)
	}
	if got := texts(conv.Messages); got != strings.Join(want, " ") {
		t.Errorf("page = %s, want %s (newest first)", got, strings.Join(want, " "))
	}
	if got := texts(api.MergeMessages(conv.Messages)); got != strings.Join(want, " ") {
		t.Errorf("merged = %s, want %s", got, strings.Join(want, " "))
	}
}

func TestMergeMessagesPlacesTiesByTheReads(t *testing.T) {
	uno, dos, tres := msgAt("z", "uno", 0), msgAt("m", "dos", 0), msgAt("a", "tres", 0)
	// Written with milliseconds, as tres without: within the second the dates say nothing.
	dos.MessageDate.Created.Time = dos.MessageDate.Created.Add(400 * time.Millisecond)
	older := msgAt("q", "older", -1)
	newer := msgAt("b", "newer", 5)
	for _, tc := range []struct {
		name    string
		batches [][]api.Message
		want    string
	}{
		{"one page as served", [][]api.Message{{tres, dos, uno}}, "tres dos uno"},
		{"a poll brings a newer one", [][]api.Message{{dos, uno}, {tres, dos, uno}}, "tres dos uno"},
		{"polls of one message each: the later read is newer", [][]api.Message{{uno}, {dos}, {tres}}, "tres dos uno"},
		{"an older page reaching an older date: older", [][]api.Message{{newer, tres}, {dos, uno, older}}, "newer tres dos uno older"},
		{"a page reaching a newer date: newer than the ones it lacks", [][]api.Message{{uno, older}, {newer, dos}}, "newer dos uno older"},
		{"a new one the read puts between held ones", [][]api.Message{{tres, uno}, {tres, dos, uno}}, "tres dos uno"},
		{"a new one older than the held one the read puts after it", [][]api.Message{{tres}, {tres, dos, uno}}, "tres dos uno"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := texts(api.MergeMessages(tc.batches...)); got != tc.want {
				t.Errorf("merged %s, want %s", got, tc.want)
			}
		})
	}
}

// A message already merged keeps its place among its date's messages, whatever a later read
// says; its fresher copy replaces it there.
func TestMergeOrderKeepsHeldPlaces(t *testing.T) {
	uno, dos, tres := msgAt("z", "uno", 0), msgAt("m", "dos", 0), msgAt("a", "tres", 0)
	held := []api.Message{uno, dos} // oldest first
	edited := uno
	edited.Text = "uno (moderated)"
	refs := api.MergeOrder(held, []api.Message{tres, edited, dos}) // this read disagrees on uno/dos
	want := []api.MergeRef{{I: 0}, {I: 1}, {Batch: true, I: 0}}
	if !slices.Equal(refs, want) {
		t.Errorf("MergeOrder = %+v, want %+v", refs, want)
	}
	got := api.MergeMessages([]api.Message{dos, uno}, []api.Message{tres, edited, dos})
	if texts(got) != "tres dos uno (moderated)" {
		t.Errorf("merged %s", texts(got))
	}
}

// sendEight sends m1…m8 to Ana's pack and reads them back in one page: the texts newest first
// (as sent), and the page.
func sendEight(t *testing.T, f *fixture) ([]string, *api.Conversation) {
	t.Helper()
	ctx := context.Background()
	var want []string
	for i := 1; i <= 8; i++ {
		text := fmt.Sprintf("m%d", i)
		if _, err := f.client.SendMessage(ctx, packAna, api.SendRequest{Text: text}); err != nil {
			t.Fatal(err)
		}
		want = append([]string{text}, want...)
	}
	conv, err := f.client.PackMessages(ctx, packAna, api.PageOptions{Limit: 8})
	if err != nil {
		t.Fatal(err)
	}
	return want, conv
}
