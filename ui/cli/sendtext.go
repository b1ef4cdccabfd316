package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
)

// maxTextInput bounds what --text - and --text-file read: far above the 350 characters Mercado
// Libre accepts, so the length check still speaks, without reading a runaway pipe forever.
const maxTextInput = 64 << 10

// sendText resolves the message text of `send`: --text T as given, --text - from standard input,
// --text-file F from a file. A lone "-" is never the message, and text read that holds nothing
// but blanks is refused rather than sent.
func (a *app) sendText(cmd *cobra.Command, text, textFile, translated string) (string, error) {
	fromStdin := cmd.Flags().Changed("text") && text == "-"
	if textFile != "" && cmd.Flags().Changed("text") {
		return "", &usageError{fmt.Errorf("use --text or --text-file, not both (see %s --help)", cmd.CommandPath())}
	}
	if translated == "-" {
		return "", &usageError{fmt.Errorf("--translated - is not read from standard input: only --text - is (see %s --help)", cmd.CommandPath())}
	}
	var (
		data []byte
		err  error
		from string
	)
	switch {
	case fromStdin:
		from = "standard input"
		data, err = io.ReadAll(io.LimitReader(a.io.In, maxTextInput+1))
	case textFile != "":
		from = "the file " + textFile
		var f *os.File
		if f, err = os.Open(textFile); err == nil {
			data, err = io.ReadAll(io.LimitReader(f, maxTextInput+1))
			f.Close()
		}
		if errors.Is(err, os.ErrNotExist) {
			return "", &usageError{fmt.Errorf("--text-file %s does not exist: check the path", textFile)}
		}
	default:
		return text, nil
	}
	if err != nil {
		return "", fmt.Errorf("read the message from %s: %w", from, err)
	}
	if len(data) > maxTextInput {
		return "", &api.ValidationError{Field: "text", Problem: fmt.Sprintf("%s holds more than %d KB: a message has at most 350 characters", from, maxTextInput>>10)}
	}
	// A file written on Windows ends its lines with CRLF; Mercado Libre refuses the carriage
	// return, and the seller meant a newline.
	text = strings.ReplaceAll(string(data), "\r\n", "\n")
	// Editors and echo end the text with a newline the seller did not mean to send.
	text = strings.TrimRight(text, "\r\n")
	if strings.TrimSpace(text) == "" {
		return "", &usageError{fmt.Errorf("%s is empty: there is no message to send", from)}
	}
	return text, nil
}

// checkSendable reads the conversation's status before anything is uploaded or sent, so a
// blocked conversation is refused with Mercado Libre's reason rather than a bare refusal.
// (The sentence starts with a capital like api.Explain's: it is what the seller reads.)
func (a *app) checkSendable(ctx context.Context, packID string) error {
	conv, err := a.client.PackMessages(ctx, packID, api.PageOptions{Limit: 1})
	if err != nil {
		// Not knowing is no reason to hold the reply back: the send itself is refused if blocked.
		a.log().Info("conversation status not read before sending", "pack", packID, "err", err)
		return nil
	}
	if cs := conv.ConversationStatus; cs.Blocked() {
		return fmt.Errorf("Pack %s is blocked, nothing was sent: %s", sanitize.Line(packID), sanitize.Line(api.SubstatusReason(string(cs.Substatus))))
	}
	return nil
}
