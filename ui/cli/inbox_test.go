package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/ui/common"
)

func asciiCommon(t *testing.T, c *api.Client) *common.Common {
	t.Helper()
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return common.New(context.Background(), c, r)
}

func TestPlaceholderShowsTheAccount(t *testing.T) {
	h := newHarness(t)
	s := config.Defaults(h.lookup)
	s.APIURL = h.ts.URL
	tm := teatest.NewTestModel(t, newPlaceholder(asciiCommon(t, h.client()), s), teatest.WithInitialTermSize(100, 30))
	me, err := h.client().Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := "Seller " + me.Nickname + " (" + string(me.ID) + ", site " + me.SiteID + ")"
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte(want)) && bytes.Contains(b, []byte(" unread messages in "))
	}, teatest.WithDuration(10*time.Second))
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	var sawMe bool
	for _, r := range h.sb.Requests() {
		sawMe = sawMe || r.Path == "/users/me"
	}
	if !sawMe {
		t.Fatal("the placeholder never asked the sandbox who the seller is")
	}
}

func TestPlaceholderShowsTheErrorSentence(t *testing.T) {
	h := newHarness(t)
	bad, err := api.New(api.StaticToken("APP_USR-wrong"), api.WithBaseURL(h.ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	s := config.Defaults(h.lookup)
	s.APIURL = h.ts.URL
	tm := teatest.NewTestModel(t, newPlaceholder(asciiCommon(t, bad), s), teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("Your access token is invalid or expired"))
	}, teatest.WithDuration(10*time.Second))
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	if out := tm.FinalModel(t).View(); strings.TrimSpace(out) != "" {
		t.Fatalf("view after quit = %q", out)
	}
}
