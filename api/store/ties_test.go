package store

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/sandbox/sandboxtest"
)

// storedTexts is the pack's stored messages' texts, oldest first.
func storedTexts(t *testing.T, s *Store, pack string) string {
	t.Helper()
	msgs, err := s.Messages(context.Background(), pack)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		out = append(out, m.Text)
	}
	return strings.Join(out, " ")
}

func exportedTexts(t *testing.T, s *Store, pack string) string {
	t.Helper()
	var out []string
	err := s.Export(context.Background(), ExportQuery{PackID: pack}, func(m Message) error {
		out = append(out, m.Text)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

func lastText(t *testing.T, s *Store, pack string) string {
	t.Helper()
	p, ok, err := s.Pack(context.Background(), pack)
	if err != nil || !ok {
		t.Fatalf("Pack(%s): %v, %v", pack, ok, err)
	}
	return p.LastMessageText
}

// Ids here run against the order the messages were written in (uno has the greatest), so an
// order taken from the ids shows.
func TestStoredTiesFollowTheAPIsOrder(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	uno := wireMessage("z1", "P1", true, "Ana", "uno", base)
	dos := wireMessage("m1", "P1", false, "Ana", "dos", base.Add(400*time.Millisecond)) // "…:00.4Z"
	tres := wireMessage("a1", "P1", true, "Ana", "tres", base)                          // "…:00Z"
	older := wireMessage("y0", "P1", true, "Ana", "older", base.Add(-time.Minute))

	// The first sync: a page as served, newest first.
	if err := s.PutPage(ctx, page(t, "P1", dos, uno, older)); err != nil {
		t.Fatal(err)
	}
	if got := storedTexts(t, s, "P1"); got != "older uno dos" {
		t.Fatalf("after the first sync: %s", got)
	}
	// The next sync brings one more of the same second, newest first again.
	if err := s.PutPage(ctx, page(t, "P1", tres, dos, uno, older)); err != nil {
		t.Fatal(err)
	}
	if got := storedTexts(t, s, "P1"); got != "older uno dos tres" {
		t.Errorf("after the second sync: %s", got)
	}
	if got := exportedTexts(t, s, "P1"); got != "older uno dos tres" {
		t.Errorf("exported: %s", got)
	}
	if got := lastText(t, s, "P1"); got != "tres" {
		t.Errorf("the pack's newest message: %q, want tres", got)
	}

	// A stored message seen again, changed (moderated), keeps its place even when a page
	// disagrees; a new one goes where the page puts it among the stored ones.
	var moderated map[string]any
	if err := json.Unmarshal(uno, &moderated); err != nil {
		t.Fatal(err)
	}
	moderated["text"] = "uno (moderated)"
	unoAgain, _ := json.Marshal(moderated)
	cuatro := wireMessage("b1", "P1", false, "Ana", "cuatro", base)
	if err := s.PutPage(ctx, page(t, "P1", cuatro, tres, unoAgain, dos)); err != nil {
		t.Fatal(err)
	}
	if got := storedTexts(t, s, "P1"); got != "older uno (moderated) dos tres cuatro" {
		t.Errorf("after an update and a page that disagrees: %s", got)
	}
	if got := lastText(t, s, "P1"); got != "cuatro" {
		t.Errorf("the pack's newest message: %q, want cuatro", got)
	}
}

// A page of one message (a poll, the list's header read) brings a message of a second already
// stored: it is the newer one. An older page of a walk brings one of the second its newest
// stored page ended at: the older one.
func TestStoredTiesByThePagesWindow(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	at := base.Add(time.Hour)
	c5 := wireMessage("a5", "P1", true, "Ana", "c5", at)
	c4 := wireMessage("b4", "P1", true, "Ana", "c4", at)
	c3 := wireMessage("c3", "P1", true, "Ana", "c3", at)
	c2 := wireMessage("d2", "P1", true, "Ana", "c2", at.Add(-time.Second))
	c6 := wireMessage("06", "P1", false, "Ana", "c6", at)
	p := page(t, "P1", c5, c4)
	p.Fetched = true
	if err := s.PutPage(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPage(ctx, page(t, "P1", c3, c2)); err != nil { // offset 2
		t.Fatal(err)
	}
	if got := storedTexts(t, s, "P1"); got != "c2 c3 c4 c5" {
		t.Errorf("after an older page: %s", got)
	}
	if err := s.PutPage(ctx, page(t, "P1", c6)); err != nil { // limit 1
		t.Fatal(err)
	}
	if got := storedTexts(t, s, "P1"); got != "c2 c3 c4 c5 c6" {
		t.Errorf("after a page of one: %s", got)
	}
	if got := lastText(t, s, "P1"); got != "c6" {
		t.Errorf("the pack's newest message: %q, want c6", got)
	}
}

// Messages stored before places were kept have none: the next page that brings them places
// them by its order, and they keep that place.
func TestStoredTiesWithoutAPlaceTakeThePages(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	uno := wireMessage("z1", "P1", true, "Ana", "uno", base)
	dos := wireMessage("m1", "P1", false, "Ana", "dos", base)
	if err := s.PutPage(ctx, page(t, "P1", dos, uno)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.get(context.Background()).Exec("UPDATE messages SET ord = NULL"); err != nil {
		t.Fatal(err)
	}
	if got := storedTexts(t, s, "P1"); got != "dos uno" {
		t.Fatalf("before places were kept (by id): %s", got)
	}
	if err := s.PutPage(ctx, page(t, "P1", dos, uno)); err != nil {
		t.Fatal(err)
	}
	if got := storedTexts(t, s, "P1"); got != "uno dos" {
		t.Errorf("after a page brings them again: %s", got)
	}
	var unplaced int
	if err := s.db.get(context.Background()).QueryRow("SELECT count(*) FROM messages WHERE ord IS NULL").Scan(&unplaced); err != nil || unplaced != 0 {
		t.Errorf("%d messages without a place, %v", unplaced, err)
	}
}

// Two syncs against the sandbox, whose clock stays in one second: every message the buyer and
// the seller write has a date of that second (some with milliseconds), and the stored conversation, its export and the pack's newest
// message follow the order they were written in, with pages of 50 (the sync's) and of 2 (a
// walk of several pages, whose first ones hold nothing stored).
func TestSyncsKeepTheOrderOfMessagesOfTheSameSecond(t *testing.T) {
	for _, size := range []int{0, 2} {
		t.Run(fmt.Sprintf("page size %d", size), func(t *testing.T) {
			ctx := context.Background()
			sb := sandbox.New(sandbox.WithClock(sandboxtest.TickingClock(time.Now().UTC().Truncate(time.Second))))
			srv := httptest.NewServer(sb)
			t.Cleanup(srv.Close)
			client, err := api.New(api.StaticToken(sb.Token()), api.WithBaseURL(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			st, err := Open(ctx, filepath.Join(t.TempDir(), "store.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			const pack = "2000004512345671"
			var want []string
			write := func(text string, buyer bool) {
				t.Helper()
				if buyer {
					_, err = sb.BuyerWrites(pack, text)
				} else {
					_, err = client.SendMessage(ctx, pack, api.SendRequest{Text: text})
				}
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, text)
			}
			sy := NewSyncer(st, client, SyncOptions{PageSize: size})
			syncAndCheck := func(when string, last bool) {
				t.Helper()
				if _, err := sy.Sync(ctx, pack); err != nil {
					t.Fatal(err)
				}
				msgs, err := st.Messages(ctx, pack)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				seconds, millis := map[int64]bool{}, 0
				for _, m := range msgs[len(msgs)-len(want):] {
					got = append(got, m.Text)
					seconds[m.Date().Unix()] = true
					if m.Date().Nanosecond() != 0 {
						millis++
					}
				}
				if len(seconds) != 1 || (last && (millis == 0 || millis == len(want))) {
					t.Fatalf("%s: %d seconds, %d of %d dates with milliseconds: want one second, some with", when, len(seconds), millis, len(want))
				}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s: stored %q, want %q", when, got, want)
				}
				if e := exportedTexts(t, st, pack); !strings.HasSuffix(e, strings.Join(want, " ")) {
					t.Errorf("%s: exported %q, want it to end %q", when, e, want)
				}
				if last := lastText(t, st, pack); last != want[len(want)-1] {
					t.Errorf("%s: the pack's newest message %q, want %q", when, last, want[len(want)-1])
				}
			}
			write("b1", true)
			write("s1", false)
			write("b2", true)
			syncAndCheck("first sync", false)
			write("b3", true)
			write("s2", false)
			write("b4", true)
			write("s3", false)
			syncAndCheck("second sync", true)
		})
	}
}
