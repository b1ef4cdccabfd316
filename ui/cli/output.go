package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/open"
)

// writeJSON re-encodes decoded API data, indented. encoding/json escapes control characters, so
// a buyer's escape sequence stays text ("\u001b") here too.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // keep <a href="..."> readable; it is data, not markup, in a terminal
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	if _, err := w.Write(escapeInvisible(buf.Bytes())); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// writeRaw prints the API's JSON as served (indented; numbers, key order and unknown fields kept),
// or the typed value re-encoded when there is no raw answer.
func writeRaw(w io.Writer, raw json.RawMessage, typed any) error {
	if len(raw) == 0 {
		return writeJSON(w, typed)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	buf.WriteByte('\n')
	// As served, but a buyer's C1, bidi or invisible characters still go out as \uXXXX.
	_, err := w.Write(escapeInvisible(buf.Bytes()))
	return err
}

// printConversationHeader describes a page: which pack, whether it is blocked, which window.
func printConversationHeader(w io.Writer, packID string, conv *api.Conversation) {
	fmt.Fprintf(w, "Pack %s", sanitize.Line(packID))
	if cs := conv.ConversationStatus; cs != nil {
		if cs.Blocked() {
			fmt.Fprintf(w, " · blocked: %s", sanitize.Line(common.BlockedReason(string(cs.Substatus))))
		} else if cs.Status != "" {
			fmt.Fprintf(w, " · %s", sanitize.Line(string(cs.Status)))
		}
	}
	if conv.SellerMaxMessageLength != nil {
		if n := conv.TextLimit(); n == 0 {
			fmt.Fprint(w, " · you cannot write in this conversation now")
		} else {
			fmt.Fprintf(w, " · replies up to %d characters", n)
		}
	}
	fmt.Fprintln(w)
	if p := conv.Paging; p != nil {
		n := len(conv.Messages)
		switch {
		case p.Offset < 0 || p.Total < 0 || p.Total > maxAllMessages || (n > 0 && p.Offset+n > p.Total):
			// Paging that cannot be true (a negative offset, an absurd total, messages past the
			// total): say only what came. An offset past the end with nothing in it is the
			// seller's own question, answered below.
			fmt.Fprintf(w, "%d message(s), newest first (the paging Mercado Libre sent does not add up).\n", n)
		case n == 0:
			fmt.Fprintf(w, "No messages at offset %d (%d in total).\n", p.Offset, p.Total)
		default:
			fmt.Fprintf(w, "Messages %d–%d of %d, newest first.\n", p.Offset+1, p.Offset+len(conv.Messages), p.Total)
		}
	}
}

// sellerOf is the seller's user id, from the message's "sellers" resource.
func sellerOf(m *api.Message) string {
	for _, r := range m.Resources {
		if r.Name == api.ResourceSellers {
			return string(r.ID)
		}
	}
	return ""
}

// printMessage writes one message for people: every API string through the sanitiser, links as
// "label (URL)" as in the inbox (one links parser per command: compiling it is its main cost).
// Times are shown in loc; a seller's message says where it stands in the inbox's words
// (common.ReceiptOf), now telling today's times from older ones.
func printMessage(w io.Writer, links *open.Parser, m *api.Message, now time.Time, loc *time.Location) {
	who := "Buyer"
	if s := sellerOf(m); s != "" && string(m.From.UserID) == s {
		who = "You"
	}
	name := sanitize.Line(m.From.Name)
	if api.IsAgent(string(m.From.UserID)) {
		who, name = api.AssistantName, "for the buyer"
	}
	if name == "" {
		name = sanitize.Line(string(m.From.UserID))
	}
	fmt.Fprintf(w, "── %s · %s", who, name)
	if d := m.Date(); !d.IsZero() {
		fmt.Fprintf(w, " · %s", d.In(loc).Format("2006-01-02 15:04 MST"))
	}
	state := messageState(m)
	if who == "You" {
		state = common.ReceiptOf(m, false).Words(now, loc)
	}
	if state != "" {
		fmt.Fprintf(w, " · %s", state)
	}
	if m.Unread() && who == "Buyer" {
		fmt.Fprint(w, " · unread")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "   id %s", sanitize.Line(m.ID))
	if m.SiteID != "" {
		fmt.Fprintf(w, " · site %s", sanitize.Line(m.SiteID))
	}
	fmt.Fprintln(w)
	text := links.Render(m.Text)
	writeIndented(w, "   ", text)
	if tr := links.Render(m.TextTranslated); strings.TrimSpace(tr) != "" && tr != text {
		fmt.Fprintln(w, "   translated:")
		writeIndented(w, "   ", tr)
	}
	for _, att := range m.Attachments {
		name := sanitize.Line(att.OriginalFilename)
		if name == "" {
			name = sanitize.Line(att.Filename)
		}
		fmt.Fprintf(w, "   attachment: %s (%s, %s) id %s", name, sanitize.Line(att.Type), api.HumanSize(att.Size), sanitize.Line(att.Filename))
		if att.PotentialSecurityThreat {
			fmt.Fprint(w, " ⚠ flagged as a potential security threat")
		}
		fmt.Fprintln(w)
	}
}

// messageState says in words what is unusual about a message's status or moderation, in the
// inbox's words.
func messageState(m *api.Message) string { return common.StatusWords(m) }

func writeIndented(w io.Writer, indent, text string) {
	if text == "" {
		return
	}
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintln(w, indent+line)
	}
}
