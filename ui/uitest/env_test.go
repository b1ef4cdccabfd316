package uitest

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
)

// counting counts the requests that pass through it on the way to the sandbox.
type counting struct {
	next http.Handler
	n    atomic.Int32
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	c.next.ServeHTTP(w, r)
}

// roundTrips counts the requests the client sends.
type roundTrips struct{ n atomic.Int32 }

func (r *roundTrips) RoundTrip(req *http.Request) (*http.Response, error) {
	r.n.Add(1)
	return http.DefaultTransport.RoundTrip(req)
}

func TestNewTalksToItsSandboxThroughTheOptions(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	netw, rt := &counting{}, &roundTrips{}
	var ctx context.Context
	t.Run("env", func(t *testing.T) {
		e := New(t, At(now), AsSeller("MLB", "Loja"),
			Behind(func(sb *sandbox.Server) http.Handler { netw.next = sb; return netw }),
			WithClient(api.WithHTTPClient(&http.Client{Transport: rt})))
		c := e.Common
		ctx = c.Ctx
		if c.Client != e.Client || !c.Now().Equal(now) || c.Location != time.UTC {
			t.Fatalf("Common: client %p (env %p), now %v, location %v", c.Client, e.Client, c.Now(), c.Location)
		}
		if c.Seller != e.Sandbox.SellerID() || c.Site != "MLB" || c.Account != "Loja" {
			t.Fatalf("seller %q site %q account %q", c.Seller, c.Site, c.Account)
		}
		if _, err := c.Client.UnreadPacks(context.Background()); err != nil {
			t.Fatal(err)
		}
		if netw.n.Load() != 1 || rt.n.Load() != 1 || RouteCount(e.Sandbox, sandbox.RouteUnread) != 1 ||
			CountRequests(e.Sandbox, http.MethodGet, "/marketplace/messages/unread") != 1 ||
			CountRequests(e.Sandbox, http.MethodPost, "/marketplace/") != 0 {
			t.Fatalf("network saw %d, client sent %d, sandbox logged %v", netw.n.Load(), rt.n.Load(), e.Sandbox.Requests())
		}
	})
	if ctx.Err() == nil {
		t.Fatal("the Common's context outlived its test")
	}
}

func TestNewWithoutSellerAndOffline(t *testing.T) {
	c := New(t).Common
	if c.Seller != "" || c.Site != "" || !c.Now().Equal(DefaultClock()) {
		t.Fatalf("plain env: seller %q site %q now %v", c.Seller, c.Site, c.Now())
	}
	off := Offline(DefaultClock(), termenv.Ascii)
	if off.Client != nil || !off.Now().Equal(DefaultClock()) || off.Location != time.UTC {
		t.Fatalf("offline Common: %+v", off)
	}
}

func TestFilesWritesPrivateFilesAndFolders(t *testing.T) {
	dir := Files(t, map[string]string{"a.txt": "hola", "fotos/caja.png": PNG})
	for name, want := range map[string]string{"a.txt": "hola", "fotos/caja.png": PNG} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		got, err := os.ReadFile(p)
		if err != nil || string(got) != want {
			t.Fatalf("%s: %q, %v", name, got, err)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s is %v, want 0600", name, fi.Mode().Perm())
		}
	}
	if len(PNG) != 33 {
		t.Fatalf("PNG is %d bytes; tests print its size as 33 B", len(PNG))
	}
}

// sized records its size and what reached it.
type sized struct {
	echo
	w, h int
}

func (s *sized) SetSize(w, h int) { s.w, s.h = w, h }

func TestRootSizesRecordsAndRoutes(t *testing.T) {
	child := &sized{}
	type custom struct{}
	handled := 0
	r := &Root{Child: child, Handle: func(msg tea.Msg) (tea.Cmd, bool) {
		_, ok := msg.(custom)
		if ok {
			handled++
		}
		return nil, ok
	}}
	r.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	r.Update(common.BackMsg{})
	r.Update(common.TaskFinishedMsg{})
	r.Update(custom{})
	if child.w != 80 || child.h != 24 || handled != 1 {
		t.Fatalf("size %dx%d, handled %d", child.w, child.h, handled)
	}
	if len(child.got) != 1 {
		t.Fatalf("the child got %v, want only the task result", child.got)
	}
	if got := r.Recorded(); len(got) != 2 {
		t.Fatalf("recorded %v, want the back message and the task result", got)
	}
}
