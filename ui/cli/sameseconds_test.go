package cli

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/api/sandbox/sandboxtest"
)

// stillHarness is a harness whose sandbox's clock stays in one second: it moves a millisecond
// each time it is read, so everything sent is dated in that second, some dates with milliseconds
// and some without, as Mercado Libre mixes them.
func stillHarness(t *testing.T) *harness {
	t.Helper()
	var mu sync.Mutex
	now := time.Date(2026, 11, 30, 1, 11, 33, 0, time.UTC)
	tick := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Millisecond)
		return now
	}
	f := sandboxtest.New(t, sandboxtest.WithSandbox(sandbox.WithClock(tick)))
	dir := t.TempDir()
	return &harness{t: t, sb: f.Sandbox, ts: f.Server, dir: dir, env: map[string]string{
		"HOME":              dir,
		"XDG_CONFIG_HOME":   filepath.Join(dir, "config"),
		"XDG_STATE_HOME":    filepath.Join(dir, "state"),
		"XDG_CACHE_HOME":    filepath.Join(dir, "cache"),
		"MELI_API_URL":      f.Server.URL,
		"MELI_ACCESS_TOKEN": f.Sandbox.Token(),
	}}
}

var humanTexts = regexp.MustCompile(`(?m)^   (orden-\d)$`)

// jsonTexts is the texts of a --json answer's messages (a page or --all), in the order printed.
func jsonTexts(t *testing.T, out string) []string {
	t.Helper()
	var conv api.Conversation
	if err := json.Unmarshal([]byte(out), &conv); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	var got []string
	for _, m := range conv.Messages {
		if strings.HasPrefix(m.Text, "orden-") {
			got = append(got, m.Text)
		}
	}
	return got
}

// exportTexts is the texts of an export's lines, in the order written.
func exportTexts(t *testing.T, out string) []string {
	t.Helper()
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m api.Message
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("export line %q: %v", line, err)
		}
		if strings.HasPrefix(m.Text, "orden-") {
			got = append(got, m.Text)
		}
	}
	return got
}

// Messages sent in the same second are listed in the order they were sent: newest first by
// `messages` (one page, --json as served, --all), oldest first by `export`, whose history is
// synced before each export, so the second export's sync brings more of that second after the
// ones the first stored.
func TestMessagesOfTheSameSecondInTheOrderSent(t *testing.T) {
	h := stillHarness(t)
	const pack = "2000004600112233"
	var sent []string
	send := func(texts ...string) {
		for _, text := range texts {
			h.mustRun("send", pack, "--text", text)
			sent = append(sent, text)
		}
	}
	newestFirst := func() string {
		out := slices.Clone(sent)
		slices.Reverse(out)
		return strings.Join(out, " ")
	}
	send("orden-1", "orden-2", "orden-3", "orden-4")
	out := h.mustRun("messages", pack, "--limit", "4")
	var got []string
	for _, m := range humanTexts.FindAllStringSubmatch(out, -1) {
		got = append(got, m[1])
	}
	if strings.Join(got, " ") != newestFirst() {
		t.Errorf("messages printed %v, want %s (newest first):\n%s", got, newestFirst(), out)
	}
	if got := jsonTexts(t, h.mustRun("messages", pack, "--limit", "4", "--json")); strings.Join(got, " ") != newestFirst() {
		t.Errorf("--json has %v, want %s", got, newestFirst())
	}
	if got := exportTexts(t, h.mustRun("export", "--pack", pack)); strings.Join(got, " ") != strings.Join(sent, " ") {
		t.Errorf("the first export has %v, want %v (oldest first)", got, sent)
	}

	if _, err := h.sb.BuyerWrites(pack, "orden-5"); err != nil {
		t.Fatal(err)
	}
	sent = append(sent, "orden-5")
	send("orden-6", "orden-7")
	all := h.mustRun("messages", pack, "--all", "--json")
	if got := jsonTexts(t, all); strings.Join(got, " ") != newestFirst() {
		t.Errorf("--all --json has %v, want %s", got, newestFirst())
	}
	// What this test is about: one second, dates with milliseconds and without.
	var conv api.Conversation
	if err := json.Unmarshal([]byte(all), &conv); err != nil {
		t.Fatal(err)
	}
	seconds, millis := map[int64]bool{}, 0
	for _, m := range conv.Messages {
		if strings.HasPrefix(m.Text, "orden-") {
			seconds[m.Date().Unix()] = true
			if m.Date().Nanosecond() != 0 {
				millis++
			}
		}
	}
	if len(seconds) != 1 || millis == 0 || millis == len(sent) {
		t.Fatalf("the messages sent are dated in %d seconds, %d of %d with milliseconds: want one second, some with", len(seconds), millis, len(sent))
	}
	if got := exportTexts(t, h.mustRun("export", "--pack", pack)); strings.Join(got, " ") != strings.Join(sent, " ") {
		t.Errorf("the second export has %v, want %v (oldest first)", got, sent)
	}
}
