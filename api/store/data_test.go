package store

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/postsale/postsale/api"
)

// A conversation read through Data is stored (merged by id: reading it twice duplicates
// nothing); with the API gone the same window comes from the store, users/me too, and Offline
// says so until the API answers again.
func TestDataStoresWhatItReadsAndAnswersOffline(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d := NewData(f.store, f.client, SyncOptions{})
	if _, err := d.Me(ctx); err != nil {
		t.Fatal(err)
	}
	unread, err := f.client.UnreadPacks(ctx)
	if err != nil || len(unread.Results) == 0 {
		t.Fatalf("unread: %v", err)
	}
	pack := unread.Results[0].PackID()
	live, err := d.PackMessages(ctx, pack, api.PageOptions{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.PackMessages(ctx, pack, api.PageOptions{Limit: 50}); err != nil {
		t.Fatal(err)
	}
	stored, _ := f.store.Messages(ctx, pack)
	if len(stored) != len(live.Messages) || len(stored) == 0 {
		t.Fatalf("stored %d messages of %d read", len(stored), len(live.Messages))
	}
	if d.Offline() {
		t.Fatal("offline after an answer")
	}

	dead := httptest.NewServer(nil)
	dead.Close()
	gone, err := api.New(api.StaticToken(f.sb.Token()), api.WithBaseURL(dead.URL))
	if err != nil {
		t.Fatal(err)
	}
	off := NewData(f.store, gone, SyncOptions{})
	conv, err := off.PackMessages(ctx, pack, api.PageOptions{Limit: 50})
	if err != nil {
		t.Fatalf("offline read of a stored conversation: %v", err)
	}
	if len(conv.Messages) != len(live.Messages) || conv.Messages[0].ID != live.Messages[0].ID || conv.Paging.Total != live.Paging.Total {
		t.Fatalf("offline window differs: %d messages (newest %s), total %d; live %d (%s), %d",
			len(conv.Messages), conv.Messages[0].ID, conv.Paging.Total, len(live.Messages), live.Messages[0].ID, live.Paging.Total)
	}
	if !off.Offline() {
		t.Fatal("a stored answer while unreachable must leave Offline set")
	}
	// A window past the stored ones is empty, not an error.
	if older, err := off.PackMessages(ctx, pack, api.PageOptions{Limit: 50, Offset: 50}); err != nil || len(older.Messages) != 0 {
		t.Fatalf("offline older window: %v %v", older, err)
	}
	me, err := off.Me(ctx)
	if err != nil || string(me.ID) != f.sb.SellerID() {
		t.Fatalf("offline users/me: %v %v", me, err)
	}
	// A pack never stored has nothing to answer with: the network error stays.
	if _, err := off.PackMessages(ctx, "2000000000000000", api.PageOptions{Limit: 50}); !Unreachable(ctx, err) {
		t.Fatalf("never stored, offline: %v", err)
	}
	// Refused answers are not offline.
	if _, err := d.PackMessages(ctx, "1", api.PageOptions{Limit: 50}); err == nil || Unreachable(ctx, err) {
		t.Fatalf("unknown pack: %v", err)
	}
	if d.Offline() {
		t.Fatal("an HTTP answer is not offline")
	}
}

// The seller's send (and upload) pauses the backfill while it is in flight, and only then.
func TestDataSendPausesTheBackfill(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sending := make(chan struct{})
	release := make(chan struct{})
	d := NewData(f.store, &slowSend{API: f.client, sending: sending, release: release}, SyncOptions{})
	paused := func() bool {
		c, cancel := context.WithCancel(ctx)
		cancel()
		return d.syncer.waitUnpaused(c) != nil // a paused walk waits; a cancelled wait fails
	}
	if paused() {
		t.Fatal("paused before any send")
	}
	done := make(chan error, 1)
	go func() {
		_, err := d.SendMessage(ctx, "2000004533445566", api.SendRequest{Text: "hola"})
		done <- err
	}()
	<-sending
	if !paused() {
		t.Fatal("the backfill is not paused during a send")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if paused() {
		t.Fatal("the backfill stays paused after the send")
	}
}

type slowSend struct {
	API
	sending, release chan struct{}
}

func (s *slowSend) SendMessage(ctx context.Context, packID string, msg api.SendRequest) (*api.Message, error) {
	close(s.sending)
	<-s.release
	return s.API.SendMessage(ctx, packID, msg)
}

// Data passes the API's flavour through, so a session over the store knows a domestic account as
// one; an API that does not know its flavour is not guessed to be either.
func TestDataPassesTheFlavourThrough(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	domestic, err := api.New(api.StaticToken(f.sb.Token()), api.WithBaseURL(f.srv.URL), api.WithFlavor(api.FlavorDomestic), api.WithSeller("1", "MLB"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		client API
		want   api.Flavor
	}{{f.client, api.FlavorMarketplace}, {domestic, api.FlavorDomestic}} {
		if got, err := NewData(f.store, c.client, SyncOptions{}).Flavor(ctx); err != nil || got != c.want {
			t.Errorf("Flavor() = %q, %v; want %q", got, err, c.want)
		}
	}
	if got, err := NewData(f.store, struct{ API }{f.client}, SyncOptions{}).Flavor(ctx); err == nil {
		t.Errorf("an API without a flavour gave %q", got)
	}
}
