package oauth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/postsale/postsale/api/oauth"
	"github.com/postsale/postsale/api/sandbox"
)

// reservingStore is a memStore that takes room before a save, and can be out of room.
type reservingStore struct {
	*memStore
	full     error
	reserved int
}

func (r *reservingStore) Reserve(context.Context) (oauth.Reservation, error) {
	if r.full != nil {
		return nil, r.full
	}
	r.reserved++
	return &memReservation{r.memStore}, nil
}

type memReservation struct{ m *memStore }

func (m *memReservation) Commit(ctx context.Context, t *oauth.Token) error { return m.m.Save(ctx, t) }
func (m *memReservation) Abort()                                           {}

// The single-use refresh token is never spent when the new pair could not be saved: with no
// room (a full disk), nothing reaches /oauth/token and the saved session stays as it was.
func TestRefreshTokenIsNotSpentWithoutRoomToSaveTheNewOne(t *testing.T) {
	e := newEnv(t, sandbox.WithTokenExpiry(time.Hour))
	mem := &memStore{tok: e.login(t)}
	st := &reservingStore{memStore: mem, full: errors.New("no space left on device")}
	clk := &clock{now: time.Now()}
	src, err := oauth.NewSource(e.app, st, oauth.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	before := mem.current()
	clk.Add(time.Hour)
	_, err = src.AccessToken(context.Background())
	if err == nil || !strings.Contains(err.Error(), "current one is kept") {
		t.Fatalf("err = %v", err)
	}
	if n := e.tokenCalls("refresh_token"); n != 0 {
		t.Fatalf("the refresh token was spent (%d refresh requests) with nowhere to save the new pair", n)
	}
	if got := mem.current(); got.Refresh != before.Refresh {
		t.Fatal("the saved session changed")
	}
	// With room again, the refresh goes through and is saved into the reservation.
	st.full = nil
	if _, err := src.AccessToken(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.reserved != 1 || mem.saves != 1 || e.tokenCalls("refresh_token") != 1 {
		t.Fatalf("reserved %d, saves %d, refreshes %d", st.reserved, mem.saves, e.tokenCalls("refresh_token"))
	}
}
