package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/open"
)

// allPageSize is the page --all asks for; bigger pages mean fewer of the 500 requests a minute.
const allPageSize = 50

// maxAllMessages stops --all on a server that keeps reporting more (a bug there must not loop).
const maxAllMessages = 100_000

func (a *app) messagesCommand() *cobra.Command {
	var limit, offset int
	var all, markRead bool
	cmd := &cobra.Command{
		Use:   "messages PACK_ID",
		Short: "List a pack's messages, newest first",
		Long: `List the messages of a pack (or of an order without a pack), newest first, one page at a
time with --limit and --offset, or every page with --all. Reading never marks messages as read,
unless --mark-read asks for it (domestic sellers: as opening the conversation on Mercado Libre
does). With --json it prints Mercado Libre's JSON as served; --all joins the pages' messages
under one envelope.`,
		Example: "  postsale messages 2000001234567890 --limit 10\n  postsale messages 2000001234567890 --all --json > pack.json",
		Args:    idArgs("a pack id"),
		RunE: func(cmd *cobra.Command, list []string) error {
			if limit <= 0 || offset < 0 {
				return &usageError{fmt.Errorf("--limit must be greater than 0 and --offset at least 0 (see %s --help)", cmd.CommandPath())}
			}
			if all && (cmd.Flags().Changed("limit") || cmd.Flags().Changed("offset")) {
				return &usageError{fmt.Errorf("--all reads every page: drop --limit and --offset (see %s --help)", cmd.CommandPath())}
			}
			if err := a.setup(cmd.Context()); err != nil {
				return err
			}
			packID := list[0]
			var conv *api.Conversation
			var err error
			if all {
				conv, err = a.allMessages(cmd, packID, markRead)
			} else {
				conv, err = a.client.PackMessages(cmd.Context(), packID, api.PageOptions{Limit: limit, Offset: offset, MarkRead: markRead})
			}
			if err != nil {
				return err
			}
			if a.json {
				return writeRaw(a.io.Out, conv.Raw, conv)
			}
			printConversationHeader(a.io.Out, packID, conv)
			links := open.NewParser()
			for i := range conv.Messages {
				fmt.Fprintln(a.io.Out)
				printMessage(a.io.Out, links, &conv.Messages[i], time.Now(), time.Local)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 10, "messages per page")
	cmd.Flags().IntVar(&offset, "offset", 0, "messages to skip from the newest")
	cmd.Flags().BoolVar(&all, "all", false, "page through the whole conversation")
	cmd.Flags().BoolVar(&markRead, "mark-read", false, "mark the buyer's messages read (domestic flavour; the marketplace one never marks by reading)")
	return cmd
}

// allMessages pages through a conversation until the API's total is reached or a page brings
// no new message; an absurd total is refused.
func (a *app) allMessages(cmd *cobra.Command, packID string, markRead bool) (*api.Conversation, error) {
	out := &api.Conversation{Messages: []api.Message{}}
	seen := map[string]bool{}
	var first json.RawMessage
	for offset := 0; offset < maxAllMessages; {
		page, err := a.client.PackMessages(cmd.Context(), packID, api.PageOptions{Limit: allPageSize, Offset: offset, MarkRead: markRead})
		if err != nil {
			return nil, fmt.Errorf("pack %s at offset %d: %w", packID, offset, err)
		}
		if first == nil {
			first = page.Raw
			out.ConversationStatus = page.ConversationStatus
			out.SellerMaxMessageLength, out.BuyerMaxMessageLength = page.SellerMaxMessageLength, page.BuyerMaxMessageLength
		}
		// A message arriving while paging shifts offsets by one: skip what was already read.
		fresh := 0
		for _, m := range page.Messages {
			if !seen[m.ID] {
				seen[m.ID] = true
				fresh++
				out.Messages = append(out.Messages, m)
			}
		}
		offset += len(page.Messages)
		total := offset
		if page.Paging != nil {
			total = page.Paging.Total
		}
		if total > maxAllMessages || total < 0 {
			return nil, fmt.Errorf("pack %s: Mercado Libre reports %d messages, more than postsale pages through (%d): use --limit and --offset", packID, total, maxAllMessages)
		}
		// A page that brings no message not seen before ends the paging: a server repeating
		// the same page would otherwise be asked again and again.
		if len(page.Messages) == 0 || fresh == 0 || offset >= total {
			out.Messages = api.MergeMessages(out.Messages)
			out.Paging = &api.Paging{Limit: len(out.Messages), Offset: 0, Total: max(total, len(out.Messages))}
			raw, err := joinPages(first, out)
			if err != nil {
				return nil, err
			}
			out.Raw = raw
			return out, nil
		}
	}
	return nil, fmt.Errorf("pack %s: more than %d messages, stopped", packID, maxAllMessages)
}

func (a *app) messageCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "message MESSAGE_ID",
		Short:   "Show one message",
		Example: "  postsale message 0123456789abcdef0123456789abcdef",
		Args:    idArgs("a message id"),
		RunE: func(cmd *cobra.Command, list []string) error {
			if err := a.setup(cmd.Context()); err != nil {
				return err
			}
			m, err := a.client.Message(cmd.Context(), list[0])
			if err != nil {
				return err
			}
			if a.json {
				return writeRaw(a.io.Out, m.Raw, m)
			}
			if p := m.PackID(); p != "" {
				fmt.Fprintf(a.io.Out, "Pack %s\n", sanitize.Line(p))
			}
			printMessage(a.io.Out, open.NewParser(), m, time.Now(), time.Local)
			return nil
		},
	}
}

func (a *app) unreadCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "unread",
		Short:   "List the conversations with unread buyer messages: buyer, count, age, last message",
		Example: "  postsale unread\n  postsale unread --json",
		Args:    args(noArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.setup(cmd.Context()); err != nil {
				return err
			}
			u, err := a.client.UnreadPacks(cmd.Context())
			if err != nil {
				return err
			}
			if a.json {
				if u.Results == nil {
					u.Results = []api.UnreadPack{}
				}
				return writeRaw(a.io.Out, u.Raw, u)
			}
			if len(u.Results) == 0 {
				fmt.Fprintln(a.io.Out, "No unread messages.")
				return nil
			}
			a.writeUnread(cmd.Context(), u) // unread.go: buyer, age and last message per pack
			return nil
		},
	}
}

// joinPages writes the envelope of --all --json: the first page's envelope as served (its
// conversation_status and any field postsale does not know), paging over the whole
// conversation, and every page's messages as served, newest first, each once.
func joinPages(first json.RawMessage, conv *api.Conversation) (json.RawMessage, error) {
	env := map[string]json.RawMessage{}
	if len(first) > 0 {
		if err := json.Unmarshal(first, &env); err != nil {
			return nil, fmt.Errorf("join pages: %w", err)
		}
	}
	msgs := make([]json.RawMessage, 0, len(conv.Messages))
	for i := range conv.Messages {
		raw := conv.Messages[i].Raw
		if raw == nil {
			b, err := json.Marshal(&conv.Messages[i])
			if err != nil {
				return nil, err
			}
			raw = b
		}
		msgs = append(msgs, raw)
	}
	var err error
	if env["messages"], err = json.Marshal(msgs); err != nil {
		return nil, err
	}
	if env["paging"], err = json.Marshal(conv.Paging); err != nil {
		return nil, err
	}
	return json.Marshal(env)
}
