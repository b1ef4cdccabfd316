package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
)

// served is a sandbox listening on a real socket.
type served struct {
	url      string
	token    string
	seller   string
	domestic bool
	srv      *http.Server
	serveErr chan error
}

// serveSandbox starts the embedded sandbox on addr ("127.0.0.1:0" picks a free port).
func serveSandbox(addr string, opts ...sandbox.Option) (*served, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("start the sandbox on %s: %w", addr, err)
	}
	sb := sandbox.New(opts...)
	s := &served{
		url:      "http://" + ln.Addr().String(),
		token:    sb.Token(),
		seller:   sb.SellerID(),
		srv:      &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second},
		serveErr: make(chan error, 1),
	}
	go func() { s.serveErr <- s.srv.Serve(ln) }()
	return s, nil
}

// close stops the server, giving in-flight requests a moment to finish.
func (s *served) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
}

// startDemo is --demo: the sandbox on a loopback port, for this process only.
func startDemo(_ context.Context, opts ...sandbox.Option) (*served, error) {
	return serveSandbox("127.0.0.1:0", opts...)
}

// sandboxOptions are the options --hostile asks for, and buyers who read the seller's messages
// after a while (with a pack showing every delivery state) so the demo shows read receipts.
func (a *app) sandboxOptions() []sandbox.Option {
	opts := []sandbox.Option{sandbox.WithBuyerReads(sandbox.DefaultBuyerReads())}
	if a.domestic {
		opts = append(opts, sandbox.Domestic())
	} else {
		opts = append(opts, sandbox.WithReceiptsPack())
	}
	if a.hostile {
		opts = append(opts, sandbox.WithHostilePacks())
	}
	return opts
}

func (a *app) sandboxCommand() *cobra.Command {
	var addr string
	var allowRemote bool
	var tokenExpiry time.Duration
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the embedded sandbox API standalone, for curl and other tools",
		Long: `Serve postsale's embedded sandbox: the marketplace (cross-border) post-sale messaging
endpoints with demo data, or with --domestic the domestic ones of a Brazilian seller, enforcing
the same contract as Mercado Libre. It prints the base URL and the token it
accepts (a fake token made up by the sandbox, safe to share) so curl examples work against it.
Everything is kept in memory and lost when it stops (Ctrl+C).`,
		Example: "  postsale sandbox --addr 127.0.0.1:8080\n  postsale sandbox --domestic",
		Args:    args(noArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := loopbackOnly(addr, allowRemote); err != nil {
				return err
			}
			opts := a.sandboxOptions()
			if tokenExpiry > 0 {
				opts = append(opts, sandbox.WithTokenExpiry(tokenExpiry)) // watch logins refresh
			}
			s, err := serveSandbox(addr, opts...)
			if err != nil {
				return err
			}
			s.domestic = a.domestic
			defer s.close()
			a.printSandboxBanner(s)
			select {
			case <-cmd.Context().Done():
				fmt.Fprintln(a.io.Err, "postsale: sandbox stopped")
				return nil
			case err := <-s.serveErr:
				if errors.Is(err, http.ErrServerClosed) {
					return nil
				}
				return fmt.Errorf("sandbox: %w", err)
			}
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	cmd.Flags().BoolVar(&allowRemote, "allow-remote", false, "serve on a non-loopback address (the sandbox and its token become reachable from the network)")
	cmd.Flags().DurationVar(&tokenExpiry, "token-expiry", 0, "lifetime of the access tokens its OAuth issues (default 6h, like Mercado Libre)")
	return cmd
}

func (a *app) printSandboxBanner(s *served) {
	w := a.io.Out
	fmt.Fprintf(w, "postsale sandbox listening on %s\n", s.url)
	fmt.Fprintf(w, "Token (the sandbox's own fake token, not a Mercado Libre one): %s\n", s.token)
	fmt.Fprintf(w, "Demo seller id: %s\n\n", s.seller)
	fmt.Fprintf(w, "Use it from postsale:\n  MELI_API_URL=%s MELI_ACCESS_TOKEN=%s postsale unread\n\n", s.url, s.token)
	ex := sandboxExamples(s)
	fmt.Fprintf(w, "Or with curl (the ids are real demo data):\n  export ACCESS_TOKEN=%s\n", s.token)
	fmt.Fprintf(w, "  export PACK_ID=%s MESSAGE_ID=%s ATTACHMENT_ID=%s SITE_ID=%s\n", ex.pack, ex.message, ex.attachment, ex.site)
	if s.domestic {
		base := s.url + "/messages/packs/$PACK_ID/sellers/" + s.seller
		fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $ACCESS_TOKEN\" \"%s/messages/unread?role=seller&tag=post_sale\"\n", s.url)
		fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $ACCESS_TOKEN\" \"%s?tag=post_sale&mark_as_read=false&limit=2\"\n", base)
		fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $ACCESS_TOKEN\" \"%s/messages/$MESSAGE_ID?tag=post_sale\"\n", s.url)
		fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $ACCESS_TOKEN\" \"%s/orders/search?seller=%s&sort=date_desc\"\n", s.url, s.seller)
		fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $ACCESS_TOKEN\" -F 'file=@photo.jpg' \"%s/messages/attachments?tag=post_sale&site_id=$SITE_ID\"\n", s.url)
		fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $ACCESS_TOKEN\" -H 'content-type: application/json' -d '{\"from\":{\"user_id\":%s},\"to\":{\"user_id\":BUYER_ID},\"text\":\"Olá\"}' \"%s?tag=post_sale\"\n", s.seller, base)
		fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $ACCESS_TOKEN\" \"%s/messages/action_guide/packs/$PACK_ID?tag=post_sale\"\n", s.url)
	} else {
		fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $ACCESS_TOKEN\" \"%s/marketplace/messages/unread?role=seller&tag=post_sale\"\n", s.url)
		fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $ACCESS_TOKEN\" \"%s/marketplace/messages/packs/$PACK_ID?limit=2&offset=1\"\n", s.url)
		fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $ACCESS_TOKEN\" \"%s/marketplace/messages/$MESSAGE_ID\"\n", s.url)
		fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $ACCESS_TOKEN\" -F 'file=@photo.jpg' \"%s/marketplace/messages/attachments?site_id=$SITE_ID\"\n", s.url)
		fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $ACCESS_TOKEN\" -H 'content-type: application/json' -d '{\"text\":\"Hello\",\"text_translated\":\"\"}' \"%s/marketplace/messages/packs/$PACK_ID\"\n", s.url)
		fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $ACCESS_TOKEN\" -o attachment \"%s/marketplace/messages/attachments/$ATTACHMENT_ID?tag=post_sale&site_id=$SITE_ID\"\n", s.url)
	}
	fmt.Fprintf(w, "\nLog in through the sandbox's OAuth (its demo app; fake credentials, safe to share):\n")
	fmt.Fprintf(w, "  client_id %s  client_secret %s\n  redirect URIs %s (caught by postsale), %s (paste the address)\n",
		sandbox.DemoClientID, sandbox.DemoClientSecret, sandbox.DemoRedirectLoopback, sandbox.DemoRedirectPaste)
	fmt.Fprintf(w, "  MELI_CLIENT_SECRET=%s postsale login --api-url %s --client-id %s --redirect-uri %s\n",
		sandbox.DemoClientSecret, s.url, sandbox.DemoClientID, sandbox.DemoRedirectLoopback)
	fmt.Fprintf(w, "  then: postsale   (the inbox, on the saved session; the account remembers this URL)\n")
	fmt.Fprintf(w, "\nPress Ctrl+C to stop.\n")
}

// examples are real ids of the running sandbox's demo data, so the printed curl lines work as
// pasted: a pack with an attachment, one of its messages, and its site.
type examples struct{ pack, message, attachment, site string }

func sandboxExamples(s *served) examples {
	ex := examples{pack: "PACK_ID", message: "MESSAGE_ID", attachment: "ATTACHMENT_ID", site: "MLM"}
	client, err := api.New(api.StaticToken(s.token), api.WithBaseURL(s.url), api.WithFlavor(api.FlavorAuto))
	if err != nil {
		return ex
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	unread, err := client.UnreadPacks(ctx)
	if err != nil {
		return ex
	}
	for _, u := range unread.Results {
		conv, err := client.PackMessages(ctx, u.PackID(), api.PageOptions{Limit: 10})
		if err != nil || len(conv.Messages) == 0 {
			continue
		}
		ex.pack, ex.message, ex.site = u.PackID(), conv.Messages[0].ID, conv.Messages[0].SiteID
		for _, m := range conv.Messages {
			if len(m.Attachments) > 0 && !m.Attachments[0].PotentialSecurityThreat {
				ex.message, ex.attachment, ex.site = m.ID, m.Attachments[0].Filename, m.SiteID
				return ex
			}
		}
	}
	return ex
}

// loopbackOnly refuses an address other machines could reach (":8080", "0.0.0.0:…", a LAN IP)
// unless --allow-remote says so: the sandbox serves its token to whoever asks.
func loopbackOnly(addr string, allowRemote bool) error {
	if allowRemote {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return &usageError{fmt.Errorf("--addr %q is not host:port", addr)}
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return &usageError{fmt.Errorf("--addr %s would serve the sandbox and its token to the network: use 127.0.0.1:PORT, or add --allow-remote if that is what you want", addr)}
}
