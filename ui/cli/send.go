package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/api/transport"
	"github.com/postsale/postsale/config/logging"
	"github.com/postsale/postsale/config/templates"
)

func (a *app) sendCommand() *cobra.Command {
	var text, translated, textFile string
	var paths []string
	var template string // templates.go
	var vars []string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "send PACK_ID (--text TEXT | --text - | --text-file FILE | --template NAME)",
		Short: "Send a message to the buyer of a pack, with optional attachments",
		Long: `Send a message to the buyer of a pack. Each --attach file is checked first (name, size up to
25 MB, type detected from its content and extension), then uploaded, then the message is sent
with all of them. Text is at most 350 characters of Latin-1 plus emoji. --text - reads the text
from standard input and --text-file FILE from a file (a final newline is dropped; empty text is
refused). A blocked conversation is refused before anything is uploaded, with the reason.`,
		Example: "  postsale send 2000001234567890 --text \"Your package ships today\"\n" +
			"  postsale send 2000001234567890 --text \"Here is the invoice\" --translated \"Aquí está la factura\" --attach invoice.pdf\n" +
			"  postsale send 2000001234567890 --template delay --dry-run\n" +
			"  fortune -s | postsale send 2000001234567890 --text -\n" +
			"  postsale send 2000001234567890 --text-file reply.txt",
		Args: idArgs("a pack id"),
		RunE: func(cmd *cobra.Command, list []string) error {
			packID := list[0]
			text, err := a.sendText(cmd, text, textFile, translated)
			if err != nil {
				return err
			}
			if template == "" && text == "" && len(paths) == 0 {
				return &usageError{fmt.Errorf("nothing to send: give --text TEXT, --text - (standard input), --text-file FILE, --template NAME or --attach FILE (see %s --help)", cmd.CommandPath())}
			}
			if template != "" {
				if text != "" || translated != "" {
					return &usageError{fmt.Errorf("use --template or --text/--translated, not both")}
				}
				var done bool
				var err error
				if text, translated, done, err = a.expandTemplate(cmd, packID, template, vars, dryRun); done || err != nil {
					return err
				}
			} else if dryRun || len(vars) > 0 {
				return &usageError{fmt.Errorf("--dry-run and --var go with --template")}
			}
			// A {{variable}} nobody filled never reaches a buyer, however the text was written.
			if err := templates.CheckPlaceholders("text", text); err != nil {
				return err
			}
			if err := templates.CheckPlaceholders("text_translated", translated); err != nil {
				return err
			}
			// Check everything local before the first request: text, then every file (the same
			// checks as the inbox's, from api/attach).
			placeholder := make([]string, len(paths))
			for i := range placeholder {
				placeholder[i] = "pending"
			}
			if err := api.ValidateSend(api.SendRequest{Text: text, TextTranslated: translated, Attachments: placeholder}); err != nil {
				return err
			}
			files, err := attach.CheckAll(paths)
			if err != nil {
				return err
			}
			if err := a.setup(cmd.Context()); err != nil {
				return err
			}
			if err := a.checkSendable(cmd.Context(), packID); err != nil {
				return err
			}
			req := api.SendRequest{Text: text, TextTranslated: translated}
			if len(files) > 0 {
				site, err := a.site(cmd.Context(), packID)
				if err != nil {
					return err
				}
				for _, f := range files {
					id, err := attach.UploadFile(cmd.Context(), a.client, site, f, nil)
					if err != nil {
						return err
					}
					req.Attachments = append(req.Attachments, id)
				}
			}
			started := time.Now()
			m, err := a.client.SendMessage(cmd.Context(), packID, req)
			confirmed := false
			var apiErr *api.Error
			if err != nil && (errors.Is(err, transport.ErrAmbiguous) || errors.As(err, &apiErr) && apiErr.StatusCode >= 500) {
				// No answer, or a 5xx: Mercado Libre may have stored it; read before saying.
				m, err = a.findLostSend(cmd.Context(), packID, req, started, err)
				confirmed = err == nil
			}
			attrs := []any{"pack", packID, "ok", err == nil, "confirmed_by_reading", confirmed, "attachments", len(req.Attachments)}
			if err != nil {
				logging.LogFailure(a.log(), "send", err, attrs...)
				return err
			}
			a.log().Info("send", attrs...)
			if a.json {
				return writeJSON(a.io.Out, m)
			}
			if confirmed {
				fmt.Fprintf(a.io.Out, "Message %s to pack %s: sent (confirmed by reading the conversation)", sanitize.Line(m.ID), sanitize.Line(packID))
			} else {
				fmt.Fprintf(a.io.Out, "Sent message %s to pack %s", sanitize.Line(m.ID), sanitize.Line(packID))
			}
			if n := len(req.Attachments); n > 0 {
				fmt.Fprintf(a.io.Out, " with %d attachment(s): %s", n, sanitize.Line(strings.Join(req.Attachments, ", ")))
			}
			fmt.Fprintln(a.io.Out, ".")
			return nil
		},
	}
	cmd.Flags().StringVar(&text, "text", "", "message text (at most 350 characters; - reads it from standard input)")
	cmd.Flags().StringVar(&textFile, "text-file", "", "read the message text from FILE")
	cmd.Flags().StringVar(&translated, "translated", "", "the text in the buyer's language (text_translated)")
	cmd.Flags().StringArrayVar(&paths, "attach", nil, "file to attach (repeat for several, at most 25)")
	cmd.Flags().StringVar(&template, "template", "", "send the reply template NAME, its {{variables}} filled from the pack (see postsale templates)")
	cmd.Flags().StringArrayVar(&vars, "var", nil, "with --template: set a variable, name=value (repeat for several)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "with --template: print the expanded text and translation, send nothing")
	return cmd
}

// findLostSend looks for a send whose answer was lost in the pack's newest messages, waiting a
// moment before each of two reads as the inbox does. Not found, it says how to check rather
// than invite a second copy.
func (a *app) findLostSend(ctx context.Context, packID string, req api.SendRequest, started time.Time, sendErr error) (*api.Message, error) {
	a.log().Info("send answer lost, reading the conversation", "pack", packID, "err", sendErr)
	pack := sanitize.Line(packID)
	unsure := func(why string) error {
		return fmt.Errorf("%s: the message may still arrive, so check with `postsale messages %s` before sending again", why, pack)
	}
	me, err := a.client.Me(ctx)
	if err != nil {
		a.log().Info("lost send not checked", "pack", packID, "err", err)
		return nil, unsure("the answer to the send was lost and postsale could not check the conversation (" + api.Explain(err) + ")")
	}
	found, err := api.FindLostSend(ctx, a.client, packID, req, string(me.ID), started.Add(-api.SendSkew),
		nil, api.LostSendDelays(), a.io.Sleep)
	if err != nil {
		a.log().Info("lost send not checked", "pack", packID, "err", err)
		return nil, unsure("the answer to the send was lost and postsale could not check the conversation (" + api.Explain(err) + ")")
	}
	if found == nil {
		return nil, unsure("the answer to the send was lost and the message is not in the conversation yet")
	}
	return found, nil
}
