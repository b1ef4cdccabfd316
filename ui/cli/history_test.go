package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/store"
)

func (h *harness) storePath() string {
	return filepath.Join(h.dir, ".local", "share", "postsale", "default", "store.db")
}

func TestSearchSyncsThenAnswersOffline(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("search", "perez", "--json")
	var res []searchResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	if len(res) == 0 || res[0].PackID != packActive || len(res[0].Matches) == 0 {
		t.Fatalf("search perez = %+v", res)
	}
	m := res[0].Matches[0]
	if got := strings.ToLower(res[0].Snippet[m.Start:m.End]); got != "pérez" {
		t.Errorf("match marks %q, want Pérez", got)
	}
	fi, err := os.Stat(h.storePath())
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("store at %s: %v %v", h.storePath(), fi, err)
	}

	h.ts.Close() // the network is gone
	out, errs, code := h.run("search", "PEREZ")
	if code != ExitOK || !strings.Contains(errs, "answering from the local store") {
		t.Fatalf("offline search: exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, "pack "+packActive) || !strings.Contains(out, "«Pérez»") {
		t.Errorf("offline search output:\n%s", out)
	}
	out = h.mustRun("search", "perez", "--offline", "--pack", "0000")
	if out != "No stored message matches.\n" {
		t.Errorf("filtered to another pack: %q", out)
	}
}

func TestExportRoundTrip(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("export", "--pack", packLong)
	st, err := store.Open(context.Background(), h.storePath())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var stored []store.Message
	st.Export(context.Background(), store.ExportQuery{PackID: packLong}, func(m store.Message) error { stored = append(stored, m); return nil })
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(stored) || len(stored) < 300 {
		t.Fatalf("%d lines exported, %d stored (want the whole 300+ conversation)", len(lines), len(stored))
	}
	for i, line := range lines {
		var m api.Message
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d is not a message: %v", i+1, err)
		}
		var want bytes.Buffer
		json.Compact(&want, stored[i].Raw)
		if line != want.String() || m.ID != stored[i].ID {
			t.Fatalf("line %d = %s, stored %s", i+1, line, stored[i].Raw)
		}
	}
	// The stored raw is the API's JSON as served.
	conv, err := h.client().PackMessagesRaw(context.Background(), packLong, api.PageOptions{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	exported := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m api.Message
		json.Unmarshal(sc.Bytes(), &m)
		exported[m.ID] = sc.Text()
	}
	for i, m := range conv.Messages {
		if exported[m.ID] != string(conv.Raw[i]) {
			t.Errorf("message %s exported as %s, served as %s", m.ID, exported[m.ID], conv.Raw[i])
		}
	}
}

func TestHistoryDemoUsesATemporaryStore(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("--demo", "search", "perez")
	if !strings.Contains(out, "pack "+packActive) {
		t.Errorf("demo search:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(h.dir, ".local", "share", "postsale")); !os.IsNotExist(err) {
		t.Errorf("--demo wrote into the data folder: %v", err)
	}
}

func TestHistoryBadSince(t *testing.T) {
	h := newHarness(t)
	_, errs, code := h.run("export", "--since", "yesterday")
	if code != ExitUsage || !strings.Contains(oneLine(t, errs), "--since") {
		t.Errorf("exit %d, %q", code, errs)
	}
}

// The store is opened, ahead of the rest of setup, only by the commands that use it, and as
// the account the command runs as: the default logged-in one, or --account.
func TestStoreOpensOnlyForCommandsThatUseIt(t *testing.T) {
	h := loginHarness(t)
	bare := func(loc string) string { u, _ := url.Parse(loc); return u.Query().Get("code") }
	for _, args := range [][]string{{"--account", "mx"}, {"--account", "br", "--default"}} {
		if _, errs, code := h.login(bare, args...); code != ExitOK {
			t.Fatalf("login %v: %s", args, errs)
		}
	}
	storeOf := func(account string) string {
		return filepath.Join(h.dir, ".local", "share", "postsale", account, "store.db")
	}
	exists := func(path string) bool { _, err := os.Stat(path); return err == nil }
	h.mustRun("unread")
	h.mustRun("messages", packActive)
	if exists(storeOf("br")) || exists(storeOf("mx")) {
		t.Fatal("commands that do not use the local store created one")
	}
	if _, errs, code := h.run("search", "hola", "--offline"); code != ExitOK {
		t.Fatalf("search: exit %d: %s", code, errs)
	}
	if !exists(storeOf("br")) || exists(storeOf("mx")) {
		t.Fatalf("search as the default account br: br's store %v, mx's %v", exists(storeOf("br")), exists(storeOf("mx")))
	}
	if _, errs, code := h.run("export", "--offline", "--account", "mx"); code != ExitOK {
		t.Fatalf("export --account mx: exit %d: %s", code, errs)
	}
	if !exists(storeOf("mx")) {
		t.Fatal("export --account mx opened no store for mx")
	}
}

// An export of a pack neither the local history nor Mercado Libre has says so and fails, online
// and offline, as `messages` does; a pack that exists without messages exports nothing, exit 0.
func TestExportUnknownPackSaysSo(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--pack", "999"}, "postsale: Mercado Libre has no pack 999 and the local history has none: check the pack id."},
		{[]string{"export", "--pack", "999", "--offline"}, "postsale: The local history has no pack 999: check the pack id, or drop --offline to fetch it from Mercado Libre."},
		{[]string{"export", "--pack", "999", "--since", "2025-01-01"}, "postsale: Mercado Libre has no pack 999 and the local history has none: check the pack id."},
	} {
		out, errs, code := h.run(c.args...)
		if line := oneLine(t, errs); code != ExitError || line != c.want || out != "" {
			t.Errorf("postsale %s: exit %d, stdout %q, %q; want exit 1, %q", strings.Join(c.args, " "), code, out, line, c.want)
		}
	}

	quiet, err := h.sb.NewOrder("SILENT_BUYER", "Silent Buyer", "") // a sale nobody wrote about
	if err != nil {
		t.Fatal(err)
	}
	if out := h.mustRun("export", "--pack", quiet); out != "" {
		t.Errorf("export of a pack without messages: %q", out)
	}
	if out := h.mustRun("export", "--pack", quiet, "--offline"); out != "" {
		t.Errorf("offline export of a stored pack without messages: %q", out)
	}

	h.ts.Close() // Mercado Libre cannot be asked
	_, errs, code := h.run("export", "--pack", "998")
	if code != ExitError || !strings.HasSuffix(errs, "postsale: The local history has no pack 998 and Mercado Libre could not be asked for it: check the pack id and try again.\n") {
		t.Errorf("unreachable: exit %d, %q", code, errs)
	}
	if out, errs, code := h.run("export", "--pack", quiet); code != ExitOK || out != "" || strings.Contains(errs, "no pack") {
		t.Errorf("unreachable, a stored pack: exit %d, %q, %q", code, out, errs)
	}
}

// A damaged store is set aside and the note says truthfully when the new one fills: a command
// that caught up says it is being rebuilt, one that could not reach Mercado Libre that it will
// be once it can, and --offline (which never asks) that a later run without it rebuilds it. The
// log keeps the file it was set aside as.
func TestSetAsideStoreNoteSaysWhenItIsRebuilt(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		down       bool
		want, dont string
	}{
		{"online", []string{"search", "caixa"}, false, "and a new one is being rebuilt from Mercado Libre.", "once it can be reached"},
		{"unreachable", []string{"search", "caixa"}, true, "will be rebuilt from Mercado Libre once it can be reached.", "being rebuilt"},
		{"offline search", []string{"search", "caixa", "--offline"}, false, "the next time postsale runs without --offline.", "being rebuilt"},
		{"offline export", []string{"export", "--offline"}, false, "the next time postsale runs without --offline.", "being rebuilt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if err := os.MkdirAll(filepath.Dir(h.storePath()), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(h.storePath(), bytes.Repeat([]byte("not a database "), 400), 0o600); err != nil {
				t.Fatal(err)
			}
			if tc.down {
				h.ts.Close()
			}
			_, errs, code := h.run(tc.args...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			note := ""
			for _, l := range strings.Split(errs, "\n") {
				if strings.Contains(l, "set aside") {
					note = l
				}
			}
			if !strings.HasPrefix(note, "postsale: note: The local store could not be read, so it was set aside as store.db.corrupt-") ||
				!strings.HasSuffix(note, tc.want) || strings.Contains(note, tc.dont) {
				t.Errorf("note %q, want one ending %q", note, tc.want)
			}
			asides, _ := filepath.Glob(h.storePath() + ".corrupt-*")
			if len(asides) != 1 {
				t.Fatalf("set aside as %v", asides)
			}
			log, _ := os.ReadFile(filepath.Join(h.env["XDG_STATE_HOME"], "postsale", "postsale.log"))
			if !strings.Contains(string(log), "local store set aside") || !strings.Contains(string(log), filepath.Base(asides[0])) {
				t.Errorf("the log does not say the store was set aside:\n%s", log)
			}
		})
	}
}

// Cut at --limit, the text output says on stderr how many matched; --json stays the array of
// results, with nothing added to it or to stderr.
func TestSearchNotesTheMatchesTheLimitCut(t *testing.T) {
	h := newHarness(t)
	var all []searchResult
	if err := json.Unmarshal([]byte(h.mustRun("search", "el", "--json", "--limit", "1000")), &all); err != nil {
		t.Fatal(err)
	}
	if len(all) < 3 {
		t.Fatalf("the demo has %d results for el; the test needs 3", len(all))
	}
	out, errs, code := h.run("search", "el", "--offline", "--limit", "2")
	if code != ExitOK || strings.Count(out, "  pack ") != 2 {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	if want := fmt.Sprintf("postsale: note: 2 of %d matches shown; --limit shows more", len(all)); oneLine(t, errs) != want {
		t.Errorf("stderr %q, want %q", errs, want)
	}
	out, errs, code = h.run("search", "el", "--offline", "--limit", "2", "--json")
	var two []searchResult
	if code != ExitOK || errs != "" || json.Unmarshal([]byte(out), &two) != nil || len(two) != 2 {
		t.Errorf("--json cut at 2: exit %d, stderr %q, output:\n%s", code, errs, out)
	}
	if _, errs, _ := h.run("search", "el", "--offline", "--limit", strconv.Itoa(len(all))); errs != "" {
		t.Errorf("nothing cut, yet stderr says %q", errs)
	}
}

// A buyer's name is in every message of her conversation: search shows the conversation once.
func TestSearchShowsABuyersConversationOnce(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("search", "valentina")
	if strings.Count(out, "  pack ") != 1 || !strings.Contains(out, "Valentina Rojas  pack "+packLong+"  message ") || !strings.Contains(out, "«Valentina» Rojas") {
		t.Errorf("search valentina:\n%s", out)
	}
}

// A conversation without messages (the domestic demo's sale waiting for a contact reason) is
// found by its buyer, pack id and item, and says it has no messages; --json keeps its shape.
func TestSearchFindsAConversationWithoutMessages(t *testing.T) {
	h := newDomesticHarness(t)
	for _, q := range []string{"carlos", domReason, "caixa aurora"} {
		out := h.mustRun("search", q)
		if !strings.Contains(out, "CARLOS.LIMA  pack "+domReason+"  no messages yet") {
			t.Errorf("search %s:\n%s", q, out)
		}
	}
	var res []map[string]any
	if err := json.Unmarshal([]byte(h.mustRun("search", "carlos", "--json", "--offline")), &res); err != nil || len(res) != 1 {
		t.Fatalf("--json: %v %v", res, err)
	}
	if len(res[0]) != 6 || res[0]["message_id"] != "" || res[0]["pack_id"] != domReason {
		t.Errorf("--json result %v", res[0])
	}
}

// Attachments are found and shown by the names their senders gave them, never the stored id.
func TestSearchShowsAttachmentsByTheirOwnName(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("search", "png")
	if !strings.Contains(out, "error_pantalla.«png»") || strings.Contains(out, "_d95545a2") || strings.Contains(out, "544112233_") {
		t.Errorf("search png:\n%s", out)
	}
}

// A pack's item titles are one line of the snippet, " · " between them, in the text output and
// in --json, whose match offsets are into that line.
func TestSearchShowsItemTitlesApart(t *testing.T) {
	h := newDomesticHarness(t)
	for q, want := range map[string]string{
		"usb": "    Carregador «USB»-C 30W · Cabo «USB»-C 2 m\n",
		"30w": "    Carregador USB-C «30W» · Cabo USB-C 2 m\n",
	} {
		if out := h.mustRun("search", q, "--pack", domPlain); !strings.Contains(out, want) {
			t.Errorf("search %s:\n%s\nwant %q", q, out, want)
		}
	}
	var res []searchResult
	if err := json.Unmarshal([]byte(h.mustRun("search", "30w", "--json", "--offline", "--pack", domPlain)), &res); err != nil || len(res) != 1 {
		t.Fatalf("--json: %v %v", res, err)
	}
	r := res[0]
	if r.Snippet != "Carregador USB-C 30W · Cabo USB-C 2 m" || len(r.Matches) != 1 || r.Snippet[r.Matches[0].Start:r.Matches[0].End] != "30W" {
		t.Errorf("--json result %+v", r)
	}
}

// A message that holds a searched word shows its own text, not its buyer's name, which holds
// more of them: the conversation found by the name alone shows that, once.
func TestSearchShowsAMessagesOwnWords(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("search", "cam", "--pack", "2000004522334455")
	if strings.Count(out, "«Camila» Soto «CAMILA»_SOTO") != 1 || !strings.Contains(out, "No problem, «Camila». Start the return here") {
		t.Errorf("search cam:\n%s", out)
	}
}
