package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/sanitize"
)

// runIn is run with stdin.
func (h *harness) runIn(stdin string, args ...string) (stdout, stderr string, code int) {
	h.t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, IO{In: strings.NewReader(stdin), Out: &out, Err: &errb, Env: h.lookup})
	return out.String(), errb.String(), code
}

// newest is the newest message of a pack, read straight from the sandbox.
func (h *harness) newest(pack string) api.Message {
	h.t.Helper()
	conv, err := h.client().PackMessages(context.Background(), pack, api.PageOptions{Limit: 1})
	if err != nil || len(conv.Messages) == 0 {
		h.t.Fatalf("read %s: %v", pack, err)
	}
	return conv.Messages[0]
}

func sends(sb *sandbox.Server) int {
	n := 0
	for _, r := range sb.Requests() {
		if r.Route == sandbox.RouteSend {
			n++
		}
	}
	return n
}

func TestSendTextFromStdinAndFile(t *testing.T) {
	h := newHarness(t)
	if _, errs, code := h.runIn("Your package ships today\n", "send", packActive, "--text", "-"); code != ExitOK {
		t.Fatalf("--text -: exit %d, %q", code, errs)
	}
	if got := h.newest(packActive).Text; got != "Your package ships today" {
		t.Fatalf("--text - sent %q", got)
	}
	file := filepath.Join(h.dir, "reply.txt")
	if err := os.WriteFile(file, []byte("Tracking: 43210987651\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.mustRun("send", packActive, "--text-file", file)
	if got := h.newest(packActive).Text; got != "Tracking: 43210987651" {
		t.Fatalf("--text-file sent %q", got)
	}
	// A file written on Windows (CRLF line ends, which Mercado Libre refuses as a carriage
	// return) is sent with plain newlines.
	if err := os.WriteFile(file, []byte("Hola Ana:\r\nya salió tu paquete.\r\nGracias\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.mustRun("send", packActive, "--text-file", file)
	if got := h.newest(packActive).Text; got != "Hola Ana:\nya salió tu paquete.\nGracias" {
		t.Fatalf("--text-file with CRLF sent %q", got)
	}
	if _, errs, code := h.runIn("Listo\r\nsaludos\r\n", "send", packActive, "--text", "-"); code != ExitOK {
		t.Fatalf("--text - with CRLF: exit %d, %q", code, errs)
	}
	if got := h.newest(packActive).Text; got != "Listo\nsaludos" {
		t.Fatalf("--text - with CRLF sent %q", got)
	}
}

// A lone "-" is never the message, empty text is refused, and no text at all is a usage
// mistake (exit 2): nothing reaches the sandbox in any of these.
func TestSendRefusesMissingOrEmptyText(t *testing.T) {
	h := newHarness(t)
	blank := filepath.Join(h.dir, "blank.txt")
	if err := os.WriteFile(blank, []byte("  \n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"no text", "", []string{"send", packActive}, "nothing to send"},
		{"empty stdin", "", []string{"send", packActive, "--text", "-"}, "standard input is empty"},
		{"blank stdin", " \n", []string{"send", packActive, "--text", "-"}, "standard input is empty"},
		{"blank file", "", []string{"send", packActive, "--text-file", blank}, "the file " + blank + " is empty"},
		{"missing file", "", []string{"send", packActive, "--text-file", filepath.Join(h.dir, "nope.txt")}, "does not exist"},
		{"both", "hi", []string{"send", packActive, "--text", "-", "--text-file", blank}, "not both"},
		{"translated dash", "hi", []string{"send", packActive, "--text", "hi", "--translated", "-"}, "--translated -"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := sends(h.sb)
			_, errs, code := h.runIn(tc.stdin, tc.args...)
			if line := oneLine(t, errs); code != ExitUsage || !strings.Contains(line, tc.want) {
				t.Fatalf("exit %d, %q; want exit 2 saying %q", code, line, tc.want)
			}
			if sends(h.sb) != before {
				t.Fatal("a message was sent")
			}
		})
	}
	if got := h.newest(packActive).Text; got == "-" {
		t.Fatal("a lone - was sent as the message")
	}
}

func TestSendToBlockedSaysWhyBeforeUploading(t *testing.T) {
	h := newHarness(t)
	path, _ := pngFile(t, h.dir, "caja.png")
	_, errs, code := h.run("send", packBlocked, "--text", "Hello", "--attach", path, "--site", "MLM")
	if line := oneLine(t, errs); code != ExitError || !strings.Contains(line, "blocked") || !strings.Contains(line, api.SubstatusReason("blocked_by_time")) {
		t.Fatalf("exit %d, %q", code, line)
	}
	for _, r := range h.sb.Requests() {
		if r.Route == sandbox.RouteUpload || r.Route == sandbox.RouteSend {
			t.Fatalf("a %s request was made to a blocked conversation", r.Route)
		}
	}
}

func TestMistypedCommandSuggests(t *testing.T) {
	h := newHarness(t)
	_, errs, code := h.run("sned")
	if line := oneLine(t, errs); code != ExitUsage || !strings.Contains(line, `unknown command "sned": did you mean "send"?`) {
		t.Fatalf("exit %d, %q", code, line)
	}
	_, errs, code = h.run("sned", packActive, "--text", "hi") // the flag is not the mistake
	if line := oneLine(t, errs); code != ExitUsage || !strings.Contains(line, `did you mean "send"?`) {
		t.Fatalf("exit %d, %q", code, line)
	}
	_, errs, code = h.run("unred")
	if line := oneLine(t, errs); code != ExitUsage || !strings.Contains(line, `did you mean "unread"?`) {
		t.Fatalf("exit %d, %q", code, line)
	}
}

// unread shows, per conversation, the buyer, the count, the age and the last message, read
// from each conversation's newest message.
func TestUnreadShowsBuyerLastMessageAndAge(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("unread")
	u, err := h.client().UnreadPacks(context.Background())
	if err != nil || len(u.Results) == 0 {
		t.Fatalf("unread: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(u.Results)+1 {
		t.Fatalf("want one line per conversation and a summary:\n%s", out)
	}
	for i, r := range u.Results {
		last := h.newest(r.PackID())
		buyer := last.From.Name
		if string(last.From.UserID) == string(u.UserID) {
			buyer = last.To.Name
		}
		fields := strings.Split(lines[i], "\t")
		if len(fields) != 5 || fields[0] != "pack "+r.PackID() || fields[1] != buyer || !strings.HasSuffix(fields[3], " ago") {
			t.Errorf("line %q: want pack, buyer %q, count, age, last message", lines[i], buyer)
			continue
		}
		if want := strings.Join(strings.Fields(sanitize.Line(last.Text)), " "); !strings.HasPrefix(want, strings.TrimSuffix(fields[4], "…")) {
			t.Errorf("line %q: last message %q", lines[i], want)
		}
	}
}

// `postsale attachment --pack` saves under the buyer's original name, case kept: the name the
// inbox's s uses (attach.LocalName).
func TestAttachmentSavesUnderTheOriginalName(t *testing.T) {
	h := newHarness(t)
	path, content := pngFile(t, h.dir, "Foto_Caja.PNG")
	h.mustRun("send", packActive, "--text", "Photo", "--attach", path, "--site", "MLM")
	att := h.newest(packActive).Attachments[0]
	dl := filepath.Join(h.dir, "dl")
	out := h.mustRun("attachment", att.Filename, "--pack", packActive, "--downloads-dir", dl)
	want := filepath.Join(dl, "Foto_Caja.PNG")
	if got, err := os.ReadFile(want); err != nil || !bytes.Equal(got, content) || !strings.HasSuffix(out, " to "+want+"\n") {
		t.Fatalf("saved: %q (%v)", out, err)
	}
}
