package sandbox_test

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/sanitize"
)

const (
	hostilePack     = "2000009990000001"
	hostileNamePack = "2000009990000002"
)

func hostileClient(t *testing.T, opts ...sandbox.Option) (*api.Client, *sandbox.Server) {
	t.Helper()
	sb := sandbox.New(opts...)
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	c, err := api.New(api.StaticToken(sb.Token()), api.WithBaseURL(ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	return c, sb
}

// TestHostileCorpusIsServedRaw checks the corpus reaches the client byte for byte (the sandbox
// must not clean it: the UI's sanitising is what is under test) and that it covers every attack
// the issue lists, in texts, names and attachment names.
func TestHostileCorpusIsServedRaw(t *testing.T) {
	c, sb := hostileClient(t, sandbox.WithHostilePacks())
	ctx := t.Context()
	var texts, names, files []string
	for _, pack := range []string{hostilePack, hostileNamePack} {
		for offset := 0; ; offset += 50 {
			conv, err := c.PackMessages(ctx, pack, api.PageOptions{Limit: 50, Offset: offset})
			if err != nil {
				t.Fatalf("pack %s: %v", pack, err)
			}
			for _, m := range conv.Messages {
				texts = append(texts, m.Text, m.TextTranslated)
				names = append(names, m.From.Name, m.To.Name)
				for _, a := range m.Attachments {
					files = append(files, a.OriginalFilename)
				}
			}
			if offset+50 >= conv.Paging.Total {
				break
			}
		}
	}
	orders, err := c.SearchOrders(ctx, api.OrderSearchOptions{Seller: sb.SellerID(), Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range orders.Results {
		names = append(names, p.Buyer.Nickname)
	}
	all := strings.Join(texts, "\n")
	checks := map[string]string{
		"OSC 52":        "\x1b]52;",
		"OSC 8":         "\x1b]8;;",
		"window title":  "\x1b]0;",
		"CSI clear":     "\x1b[2J",
		"CSI move":      "\x1b[999;999H",
		"C1 CSI":        "\u009b",
		"C1 NEL":        "\u0085",
		"bidi override": "\u202e",
		"bidi isolate":  "\u2066",
		"zero width":    "\u200b",
		"BOM":           "\ufeff",
		"emoji run":     strings.Repeat("📦", 1000),
		"10k word":      strings.Repeat("ação", 2500),
	}
	for what, needle := range checks {
		if !strings.Contains(all, needle) {
			t.Errorf("message texts lack %s", what)
		}
	}
	joinedNames := strings.Join(names, "\n")
	for what, needle := range map[string]string{"OSC title in a name": "\x1b]0;", "C1 in a name": "\u0085", "bidi in a name": "\u202e", "CSI in a nickname": "\x1b[31m", "10k-character nickname": strings.Repeat("Ж", 10000)} {
		if !strings.Contains(joinedNames, needle) {
			t.Errorf("buyer names lack %s", what)
		}
	}
	joinedFiles := strings.Join(files, "\n")
	for what, needle := range map[string]string{"OSC 52 in a file name": "\x1b]52;", "CSI in a file name": "\x1b[2J", "bidi in a file name": "\u202e", "OSC 8 in a file name": "\x1b]8;;"} {
		if !strings.Contains(joinedFiles, needle) {
			t.Errorf("attachment names lack %s", what)
		}
	}
	// Every one of them comes out of the sanitiser inert.
	for _, s := range append(append(texts, names...), files...) {
		clean := sanitize.String(s)
		if strings.ContainsAny(clean, "\x1b\x07\u0085\u009b\u009c\u009d\u202e\u2066\u200b\ufeff") || !utf8.ValidString(clean) {
			t.Fatalf("sanitised corpus string still holds a control: %q", clean)
		}
	}
}

func TestHostileAttachmentsDownload(t *testing.T) {
	c, _ := hostileClient(t, sandbox.WithHostilePacks())
	conv, err := c.PackMessages(t.Context(), hostilePack, api.PageOptions{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range conv.Messages {
		for _, a := range m.Attachments {
			var buf bytes.Buffer
			if _, err := c.DownloadAttachment(t.Context(), "MLB", a.Filename, &buf); err != nil {
				t.Fatalf("download %q: %v", a.Filename, err)
			}
			if buf.Len() == 0 {
				t.Fatalf("download %q is empty", a.Filename)
			}
			n++
		}
	}
	if n < 5 {
		t.Fatalf("downloaded %d hostile attachments, want 5", n)
	}
}

func TestHostilePacksAreOptIn(t *testing.T) {
	c, _ := hostileClient(t)
	if _, err := c.PackMessages(t.Context(), hostilePack, api.PageOptions{Limit: 1}); err == nil {
		t.Fatal("the plain demo serves the hostile pack; it must be opt-in (sandbox.WithHostilePacks)")
	}
}
