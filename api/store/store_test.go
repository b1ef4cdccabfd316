package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
)

const (
	testSeller = "523132944"
	testBuyer  = "1234567"
)

var base = time.Date(2025, 3, 2, 10, 0, 0, 0, time.UTC)

// wireMessage writes a message the way the API serves it (numeric user ids, a null field, an
// unknown field the client does not model) so raw-byte round trips are real.
func wireMessage(id, pack string, fromBuyer bool, name, text string, at time.Time, files ...string) json.RawMessage {
	from, to := testSeller, testBuyer
	fromName, toName := "Tienda", name
	if fromBuyer {
		from, to, fromName, toName = testBuyer, testSeller, name, "Tienda"
	}
	atts := "null"
	if len(files) > 0 {
		var parts []string
		for _, f := range files {
			parts = append(parts, fmt.Sprintf(`{"filename":"%s_stored.pdf","original_filename":%q,"type":"application/pdf","size":10,"potential_security_threat":false,"creation_date":%q}`, id, f, at.Format(time.RFC3339)))
		}
		atts = "[" + strings.Join(parts, ",") + "]"
	}
	textJSON, _ := json.Marshal(text)
	nameJSON, _ := json.Marshal(fromName)
	toJSON, _ := json.Marshal(toName)
	return json.RawMessage(fmt.Sprintf(`{"id":%q,"site_id":"MLM","client_id":123,"from":{"user_id":%s,"name":%s},"to":{"user_id":"%s","name":%s},"status":"AVAILABLE","subject":null,"text":%s,"text_translated":"","message_date":{"received":%q,"available":%q,"notified":%q,"created":%q,"read":null},"message_moderation":{"status":"clean","reason":"","source":"","moderation_date":null},"message_attachments":%s,"message_resources":[{"id":%q,"name":"packs"}],"conversation_first_message":false,"future_field":{"x":1}}`,
		id, from, nameJSON, to, toJSON, textJSON, at.Format(time.RFC3339Nano), at.Format(time.RFC3339Nano), at.Format(time.RFC3339Nano), at.Format(time.RFC3339Nano), atts, pack))
}

// page decodes raws into a Page for pack.
func page(t testing.TB, pack string, raws ...json.RawMessage) Page {
	t.Helper()
	p := Page{PackID: pack, Total: -1, Raw: raws}
	for _, r := range raws {
		var m api.Message
		if err := json.Unmarshal(r, &m); err != nil {
			t.Fatal(err)
		}
		p.Messages = append(p.Messages, m)
	}
	return p
}

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "acct", "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.SetMeta(context.Background(), MetaSeller, testSeller); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOpenCreatesAPrivateWALStore(t *testing.T) {
	s := openTest(t)
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("store mode = %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(s.Path()))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("folder mode = %v, want 0700", di.Mode().Perm())
	}
	var mode string
	if err := s.db.get(context.Background()).QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var v int
	s.db.get(context.Background()).QueryRow("PRAGMA user_version").Scan(&v)
	if v != SchemaVersion() {
		t.Errorf("user_version = %d, want %d", v, SchemaVersion())
	}
	if s.Notice() != "" {
		t.Errorf("fresh store has a notice: %q", s.Notice())
	}
	if err := s.PutPage(context.Background(), page(t, "P1", wireMessage("m1", "P1", true, "Ana", "hola", base))); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(s.Path() + "-wal"); err == nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("WAL mode = %v, want 0600", fi.Mode().Perm())
	}
}

func TestMergeByIDNeverDuplicatesOrLoses(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	m1 := wireMessage("m1", "P1", true, "Ana", "primero", base)
	m2 := wireMessage("m2", "P1", false, "Ana", "segundo", base.Add(time.Minute))
	m3 := wireMessage("m3", "P1", true, "Ana", "tercero", base.Add(2*time.Minute))
	// Newest first, as the API serves, then an overlapping window, then the same page again.
	for _, p := range []Page{page(t, "P1", m3, m2), page(t, "P1", m2, m1), page(t, "P1", m3, m2)} {
		if err := s.PutPage(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Messages(ctx, "P1")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range got {
		ids = append(ids, m.ID)
	}
	if strings.Join(ids, ",") != "m1,m2,m3" {
		t.Fatalf("messages = %v, want m1,m2,m3 oldest first without duplicates", ids)
	}
	// A later page that misses m1 (or an empty page) deletes nothing.
	if err := s.PutPage(ctx, page(t, "P1")); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Messages(ctx, "P1")
	if len(got) != 3 {
		t.Fatalf("after an empty page: %d messages, want 3", len(got))
	}
	// A message seen again with new content (read now) is updated in place.
	var edited map[string]any
	json.Unmarshal(m1, &edited)
	edited["message_date"].(map[string]any)["read"] = base.Add(time.Hour).Format(time.RFC3339)
	m1b, _ := json.Marshal(edited)
	if err := s.PutPage(ctx, page(t, "P1", m1b)); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Messages(ctx, "P1")
	if len(got) != 3 || got[0].ID != "m1" || got[0].Unread() || string(got[0].Raw) != string(m1b) {
		t.Fatalf("updated message not merged in place: %+v", got[0])
	}
	p, ok, err := s.Pack(ctx, "P1")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if p.LastMessageID != "m3" || p.LastMessageText != "tercero" || p.LastFromSeller || p.BuyerName != "Ana" || p.BuyerID != testBuyer {
		t.Errorf("pack header = %+v", p)
	}
}

// The row keeps the newest message's translation beside its text (the list's previews follow
// the translation mode), and a translation Mercado Libre adds later moves the row's revision,
// so a list reading what changed sees it.
func TestPackRowKeepsTheNewestTranslation(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	older := wireMessage("m1", "P1", true, "Ana", "hola", base)
	pending := wireMessage("m2", "P1", true, "Ana", "¿hacen factura?", base.Add(time.Minute))
	if err := s.PutPage(ctx, page(t, "P1", pending, translated(t, older, "hello"))); err != nil {
		t.Fatal(err)
	}
	packs, rev, err := s.PacksSince(ctx, -1)
	if err != nil || len(packs) != 1 || packs[0].LastMessageText != "¿hacen factura?" || packs[0].LastMessageTranslated != "" {
		t.Fatalf("row before the translation = %+v, %v", packs, err)
	}
	if err := s.PutPage(ctx, page(t, "P1", translated(t, pending, "do you issue invoices?"))); err != nil {
		t.Fatal(err)
	}
	packs, _, err = s.PacksSince(ctx, rev)
	if err != nil || len(packs) != 1 || packs[0].LastMessageTranslated != "do you issue invoices?" {
		t.Fatalf("rows changed by the translation = %+v, %v", packs, err)
	}
}

// translated is raw with text_translated set, as Mercado Libre serves a translated message.
func translated(t *testing.T, raw json.RawMessage, text string) json.RawMessage {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["text_translated"] = text
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOrderByCreatedThenReceived(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	same := base.Add(5 * time.Minute)
	a := wireMessage("zz", "P1", true, "Ana", "a", same)
	b := wireMessage("aa", "P1", true, "Ana", "b", same)
	// Same created; "aa" received later, so it sorts after "zz" despite its id.
	var bm map[string]any
	json.Unmarshal(b, &bm)
	bm["message_date"].(map[string]any)["received"] = same.Add(time.Second).Format(time.RFC3339)
	b2, _ := json.Marshal(bm)
	early := wireMessage("mm", "P1", false, "Ana", "c", base)
	if err := s.PutPage(ctx, page(t, "P1", b2, a, early)); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Messages(ctx, "P1")
	var ids []string
	for _, m := range got {
		ids = append(ids, m.ID)
	}
	if strings.Join(ids, ",") != "mm,zz,aa" {
		t.Errorf("order = %v, want mm,zz,aa", ids)
	}
}

func TestRawJSONKeptAsServed(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	raw := wireMessage("m1", "P1", true, "Ana", "con un campo nuevo", base)
	if err := s.PutPage(ctx, page(t, "P1", raw)); err != nil {
		t.Fatal(err)
	}
	var got []Message
	s.Export(ctx, ExportQuery{}, func(m Message) error { got = append(got, m); return nil })
	if len(got) != 1 || string(got[0].Raw) != string(raw) {
		t.Fatalf("raw = %s, want %s", got[0].Raw, raw)
	}
	if !strings.Contains(string(got[0].Raw), "future_field") {
		t.Error("a field the client does not model was lost")
	}
}

func TestCorruptStoreIsSetAsideAndRebuilt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "store.db")
	garbage := []byte(strings.Repeat("this is not a database\n", 500))
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return time.Date(2026, 11, 29, 12, 30, 0, 0, time.UTC) }
	s, err := Open(context.Background(), path, WithClock(clock))
	if err != nil {
		t.Fatalf("open over garbage: %v", err)
	}
	defer s.Close()
	aside := path + ".corrupt-20261129T123000Z"
	kept, err := os.ReadFile(aside)
	if err != nil || string(kept) != string(garbage) {
		t.Fatalf("the damaged file was not kept as %s: %v", aside, err)
	}
	n := s.Notice()
	if !strings.Contains(n, "store.db.corrupt-20261129T123000Z") || strings.Count(n, ".") > 4 || !strings.HasSuffix(n, ".") {
		t.Errorf("notice = %q, want one sentence naming the set-aside file", n)
	}
	// Said as it will happen: rebuilt now, once Mercado Libre can be reached, or by a later run
	// when this one does not ask it (--offline); the log gets the file and why.
	for when, want := range map[Rebuild]string{
		RebuildNow:           "is being rebuilt from Mercado Libre.",
		RebuildWhenReachable: "will be rebuilt from Mercado Libre once it can be reached.",
		RebuildNotAsked:      "the next time postsale runs without --offline.",
	} {
		n := s.NoticeFor(when)
		if !strings.Contains(n, "store.db.corrupt-20261129T123000Z") || !strings.HasSuffix(n, want) {
			t.Errorf("NoticeFor(%d) = %q, want the file and %q", when, n, want)
		}
	}
	if p, why := s.SetAside(); p != aside || why == nil {
		t.Errorf("SetAside() = %q, %v; want %s and what could not be read", p, why, aside)
	}
	if err := s.PutPage(context.Background(), page(t, "P1", wireMessage("m1", "P1", true, "Ana", "hola", base))); err != nil {
		t.Fatalf("the rebuilt store does not work: %v", err)
	}
	// The rebuilt store opens without a word.
	again, err := Open(context.Background(), path, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if n, p := again.NoticeFor(RebuildWhenReachable), again.Notice(); n != "" || p != "" {
		t.Errorf("a readable store says %q / %q", n, p)
	}
}

// TestSetAsideNeverReplacesAnEarlierOne: a second damaged store set aside in the same second
// gets its own name; the first one, the seller's history, is still there as it was.
func TestSetAsideNeverReplacesAnEarlierOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	clock := func() time.Time { return time.Date(2026, 11, 29, 12, 30, 0, 0, time.UTC) }
	first, second := []byte(strings.Repeat("first damaged store\n", 300)), []byte(strings.Repeat("second damaged store\n", 300))
	for i, garbage := range [][]byte{first, second} {
		if err := os.WriteFile(path, garbage, 0o600); err != nil {
			t.Fatal(err)
		}
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		s, err := Open(context.Background(), path, WithClock(clock))
		if err != nil {
			t.Fatalf("open %d over garbage: %v", i+1, err)
		}
		s.Close()
	}
	for name, want := range map[string][]byte{".corrupt-20261129T123000Z": first, ".corrupt-20261129T123000Z-2": second} {
		if got, err := os.ReadFile(path + name); err != nil || string(got) != string(want) {
			t.Errorf("%s: %v, holds %.20q; want %.20q", name, err, got, want)
		}
	}
}

// TestTwoOpenersCreateANewStoreAtOnce: the first run of the inbox and a command in another
// terminal both create the store. Turning the new file to WAL mode needs it alone, and SQLite
// says SQLITE_BUSY at once instead of waiting; both opens still succeed.
func TestTwoOpenersCreateANewStoreAtOnce(t *testing.T) {
	for round := range 25 {
		path := filepath.Join(t.TempDir(), "store.db")
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := Open(context.Background(), path)
				if err != nil {
					t.Errorf("round %d: opener %d: %v", round, i, err)
					return
				}
				s.Close()
			}()
		}
		wg.Wait()
		if t.Failed() {
			return
		}
	}
}

// TestTwoOpenersOfOneDamagedStore: two processes (here two goroutines, each with its own
// connections) find the same damaged file at once. The file is kept, whole, under one name or
// two links to it, and both end up on one new store: what one writes, the other reads. (Before
// the set-aside lock, an opener could roll the new store's journal back into the damaged file,
// emptying the copy kept, or set the other's new store aside; a few rounds in a hundred under
// load.)
func TestTwoOpenersOfOneDamagedStore(t *testing.T) {
	ctx := context.Background()
	for round := range 20 {
		dir := t.TempDir()
		path := filepath.Join(dir, "store.db")
		garbage := []byte(strings.Repeat("not a database "+strconv.Itoa(round)+"\n", 400))
		if err := os.WriteFile(path, garbage, 0o600); err != nil {
			t.Fatal(err)
		}
		var stores [2]*Store
		var errs [2]error
		var wg sync.WaitGroup
		for i := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stores[i], errs[i] = Open(ctx, path)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: opener %d: %v", round, i, err)
			}
			defer stores[i].Close()
		}
		kept, _ := filepath.Glob(path + ".corrupt-*")
		if len(kept) == 0 {
			t.Fatalf("round %d: the damaged file was not kept", round)
		}
		for _, k := range kept {
			if got, err := os.ReadFile(k); err != nil || string(got) != string(garbage) {
				t.Fatalf("round %d: %s does not hold the damaged file: %v", round, k, err)
			}
		}
		if err := stores[0].PutPage(ctx, page(t, "P1", wireMessage("m1", "P1", true, "Ana", "hola", base))); err != nil {
			t.Fatalf("round %d: write: %v", round, err)
		}
		if ok, err := stores[1].HasMessage(ctx, "m1"); err != nil || !ok {
			t.Fatalf("round %d: the other opener does not see the write (%v, %v): two different stores", round, ok, err)
		}
	}
}

func TestTruncatedDatabaseIsSetAside(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		s.PutPage(ctx, page(t, "P"+strconv.Itoa(i), wireMessage("m"+strconv.Itoa(i), "P"+strconv.Itoa(i), true, "Ana", strings.Repeat("texto ", 200), base)))
	}
	s.db.get(context.Background()).Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	s.Close()
	b, _ := os.ReadFile(path)
	// Keep the header, scramble the rest: the schema pages are gone.
	for i := 100; i < len(b); i++ {
		b[i] = byte(i * 7)
	}
	os.WriteFile(path, b, 0o600)
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("open over a damaged database: %v", err)
	}
	defer s.Close()
	if s.Notice() == "" {
		t.Error("no notice for a damaged store")
	}
	matches, _ := filepath.Glob(path + ".corrupt-*")
	if len(matches) == 0 {
		t.Error("the damaged store was not kept")
	}
}

func TestNewerSchemaIsLeftAlone(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.db.get(context.Background()).Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1))
	s.Close()
	_, err = Open(ctx, path)
	var ne *NewerError
	if !errors.As(err, &ne) {
		t.Fatalf("err = %v, want a NewerError", err)
	}
	if m, _ := filepath.Glob(path + ".corrupt-*"); len(m) != 0 {
		t.Error("a newer store was set aside")
	}
}

// TestMigrationFromEveryVersion builds a store at each earlier schema version with data written
// the way that version wrote it, opens it, and checks the data is there and searchable.
func TestMigrationFromEveryVersion(t *testing.T) {
	for from := 0; from < SchemaVersion(); from++ {
		t.Run("v"+strconv.Itoa(from), func(t *testing.T) {
			ctx := context.Background()
			path, db := storeAtVersion(t, from)
			if from >= 1 {
				// What v1 wrote: a pack and a message with an accented word and an attachment.
				raw := wireMessage("old1", "P9", true, "João", "a câmara chegou quebrada", base)
				must(t, db, `INSERT INTO packs (id, buyer_id, buyer_name, buyer_nickname, item_titles, last_message_id, last_message_text, last_message_at, raw)
					VALUES ('P9', ?, 'João', 'JOAO99', 'Câmera digital', 'old1', 'a câmara chegou quebrada', ?, ?)`, testBuyer, base.UnixNano(),
					[]byte(`{"id":"P9","orders":[{"id":4600000091},{"id":"4600000092"}],"shipment":{"id":44000000009}}`))
				must(t, db, `INSERT INTO messages (id, pack_id, from_id, from_name, text, text_translated, created, raw, stored_at)
					VALUES ('old1', 'P9', ?, 'João', 'a câmara chegou quebrada', 'the camera arrived broken', ?, ?, 1)`, testBuyer, base.UnixNano(), []byte(raw))
				must(t, db, `INSERT INTO attachments (message_id, filename, original_filename) VALUES ('old1', 'x.pdf', 'nota_fiscal.pdf')`)
				// A sale without messages yet.
				must(t, db, `INSERT INTO packs (id, buyer_id, buyer_nickname, item_titles, date_created) VALUES ('P8', '77', 'CARLOS.LIMA', 'Caixa de som', ?)`, base.UnixNano())
			}
			if from >= 7 {
				// v7 kept the sale's ids in their own columns as it stored the order.
				must(t, db, `UPDATE packs SET order_ids = '4600000091' || char(10) || '4600000092', shipment_id = '44000000009' WHERE id = 'P9'`)
			}
			if from >= 8 {
				// v8 kept the newest message's translation in the row as it stored it.
				must(t, db, `UPDATE packs SET last_message_translated = 'the camera arrived broken' WHERE id = 'P9'`)
			}
			if from >= 6 {
				// v6 kept a person's triage marks, without the time they were set.
				must(t, db, `INSERT INTO seen_marks (who, pack_id, seen_at, unread) VALUES ('Ana', 'P9', ?, 1)`, base.UnixNano())
			}
			if from >= 2 {
				// v2 also indexed it for search as it stored it.
				files := "nota_fiscal.pdf x.pdf"
				if from >= 10 {
					files = "nota_fiscal.pdf" // v10 indexed attachments by their original names alone
				}
				must(t, db, `INSERT INTO search (rowid, text, translated, buyer, pack, items, files) SELECT seq, text, text_translated, 'João JOAO99', pack_id, 'Câmera digital', ? FROM messages WHERE id = 'old1'`, files)
			}
			db.Close()
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("migrate from v%d: %v", from, err)
			}
			defer s.Close()
			var v int
			s.db.get(context.Background()).QueryRow("PRAGMA user_version").Scan(&v)
			if v != SchemaVersion() {
				t.Fatalf("user_version = %d after migration", v)
			}
			if from == 0 {
				return
			}
			for _, q := range []string{"camara", "joao", "nota_fiscal", "camera", "P9"} {
				res, err := results(s.Search(ctx, SearchQuery{Text: q}))
				if err != nil || len(res) != 1 || res[0].MessageID != "old1" {
					t.Errorf("search %q after migration = %+v, %v", q, res, err)
				}
			}
			// Attachments are indexed by their original names alone (v10).
			if res, _ := results(s.Search(ctx, SearchQuery{Text: "nota_fiscal"})); len(res) == 1 && res[0].Snippet != "nota_fiscal.pdf" {
				t.Errorf("the attachment's snippet after migration = %q, want its original name alone", res[0].Snippet)
			}
			// The pack without messages is found (v10), and through its first message once one
			// is stored.
			for _, q := range []string{"carlos", "caixa", "P8"} {
				res, err := results(s.Search(ctx, SearchQuery{Text: q}))
				if err != nil || len(res) != 1 || res[0].PackID != "P8" || res[0].MessageID != "" || !res[0].Pack {
					t.Errorf("search %q for the pack without messages after migration = %+v, %v", q, res, err)
				}
			}
			if err := s.PutPage(ctx, page(t, "P8", wireMessage("new8", "P8", false, "Carlos", "Olá, seu pedido sai hoje", base.Add(time.Hour)))); err != nil {
				t.Fatal(err)
			}
			if res, _ := results(s.Search(ctx, SearchQuery{Text: "carlos"})); len(res) != 1 || res[0].MessageID != "new8" {
				t.Errorf("search carlos after the pack's first message = %+v", res)
			}
			// Rows stored before revisions are read by a first read, and change after it.
			packs, rev, err := s.PacksSince(ctx, -1)
			packs = slices.DeleteFunc(packs, func(p Pack) bool { return p.ID == "P8" })
			if err != nil || len(packs) != 1 || packs[0].ID != "P9" {
				t.Fatalf("PacksSince(-1) after migration = %+v, %v", packs, err)
			}
			// The sale's ids come out of the order JSON stored before they had columns.
			if p := packs[0]; !slices.Equal(p.Orders, []string{"4600000091", "4600000092"}) || p.Shipment != "44000000009" {
				t.Errorf("the sale's ids after migration: orders %q, shipment %q", p.Orders, p.Shipment)
			}
			// The newest message's translation, stored before the row kept it, is in the row.
			if got := packs[0].LastMessageTranslated; got != "the camera arrived broken" {
				t.Errorf("the newest message's translation after migration = %q", got)
			}
			if err := s.SetUnread(ctx, map[string]int{"P9": 1}); err != nil {
				t.Fatal(err)
			}
			if packs, _, err := s.PacksSince(ctx, rev); err != nil || len(packs) != 1 || packs[0].Unread != 1 {
				t.Errorf("the changed row after migration = %+v, %v", packs, err)
			}
			// A mark stored before marks had a time keeps its fields, with none (v12); a later
			// setting replaces it.
			if from >= 6 {
				marks, err := s.SeenMarks(ctx, "Ana")
				if mk := marks["P9"]; err != nil || !mk.At.Equal(base) || mk.Unread != 1 || !mk.Updated.IsZero() {
					t.Errorf("Ana's mark after migration = %+v, %v", mk, err)
				}
				if err := s.PutSeenMarks(ctx, "Ana", map[string]SeenMark{"P9": {At: base.Add(time.Hour), Updated: base.Add(time.Hour)}}); err != nil {
					t.Fatal(err)
				}
				if marks, _ := s.SeenMarksSince(ctx, "Ana", 0); !marks["P9"].At.Equal(base.Add(time.Hour)) || marks["P9"].Rev == 0 {
					t.Errorf("Ana's mark set after migration = %+v", marks)
				}
			}
		})
	}
}

// storeAtVersion is a new store file at schema version from, as that version created it, and
// the connection to write its data with (closed by the caller before Open).
func storeAtVersion(t *testing.T, from int) (string, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for v := 0; v < from; v++ {
		if _, err := db.Exec(migrations[v]); err != nil {
			t.Fatal(err)
		}
	}
	must(t, db, fmt.Sprintf("PRAGMA user_version = %d", from))
	return path, db
}

func must(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

// TestTwoStoresWriteAtOnce opens the same file twice (two connection pools, as two processes
// would) and writes from both at once.
func TestTwoStoresWriteAtOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for w, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				id := fmt.Sprintf("w%d-%d", w, i)
				if err := s.PutPage(ctx, page(t, "P1", wireMessage(id, "P1", true, "Ana", "hola "+id, base.Add(time.Duration(i)*time.Second)))); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, _ := a.Messages(ctx, "P1")
	if len(got) != 200 {
		t.Errorf("%d messages, want 200", len(got))
	}
}

// TestTwoProcessesWriteAtOnce re-executes the test binary as a second writer.
func TestTwoProcessesWriteAtOnce(t *testing.T) {
	if path := os.Getenv("POSTSALE_STORE_WRITER"); path != "" {
		t.Skip("helper process")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestStoreWriterHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "POSTSALE_STORE_WRITER="+path)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		id := fmt.Sprintf("parent-%d", i)
		if err := s.PutPage(ctx, page(t, "P1", wireMessage(id, "P1", true, "Ana", "hola", base))); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "wrote 100") {
		t.Fatalf("helper did not write: %s", out)
	}
	got, _ := s.Messages(ctx, "P1")
	if len(got) != 200 {
		t.Errorf("%d messages, want 200", len(got))
	}
}

// TestStoreWriterHelper is the second process of TestTwoProcessesWriteAtOnce.
func TestStoreWriterHelper(t *testing.T) {
	path := os.Getenv("POSTSALE_STORE_WRITER")
	if path == "" {
		t.Skip("only run as a helper process")
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 100 {
		id := fmt.Sprintf("child-%d", i)
		if err := s.PutPage(context.Background(), page(t, "P1", wireMessage(id, "P1", true, "Ana", "oi", base))); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Println("wrote 100")
}

func TestBookmarksAndSeen(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	b, err := s.Bookmark(ctx, "orders")
	if err != nil || b.Cursor != "" || b.Done {
		t.Fatalf("empty bookmark = %+v, %v", b, err)
	}
	want := Bookmark{Resource: "orders", SyncedAt: base, Cursor: "abc", Oldest: base.Add(-time.Hour), Done: true}
	if err := s.SetBookmark(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Bookmark(ctx, "orders"); got != want {
		t.Errorf("bookmark = %+v, want %+v", got, want)
	}
	s.PutPage(ctx, page(t, "P1", wireMessage("m1", "P1", true, "Ana", "hola", base)))
	s.MarkSeen(ctx, "P1", base)
	s.MarkSeen(ctx, "P1", base.Add(-time.Hour)) // never goes back
	p, _, _ := s.Pack(ctx, "P1")
	if !p.Seen.Equal(base) {
		t.Errorf("seen = %v, want %v", p.Seen, base)
	}
}

// TestPacksSinceSeesEveryWriter: a list that asks for the rows changed since its last read gets
// each change to what a row holds, whoever wrote it (this store, another process's), and
// nothing for a write that changed no value.
func TestPacksSinceSeesEveryWriter(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, id := range []string{"P1", "P2", "P3"} {
		if err := s.PutPage(ctx, page(t, id, wireMessage("m"+id, id, true, "Ana", "hola", base))); err != nil {
			t.Fatal(err)
		}
	}
	all, rev, err := s.PacksSince(ctx, -1)
	if err != nil || len(all) != 3 || rev <= 0 {
		t.Fatalf("PacksSince(-1) = %d packs, rev %d, %v", len(all), rev, err)
	}
	other, err := Open(ctx, s.Path()) // another process's connections to the same file
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	status := &api.ConversationStatus{Status: "blocked", Substatus: "blocked_by_time"}
	steps := []struct {
		name  string
		write func() error
		want  []string
	}{
		{"nothing written", func() error { return nil }, nil},
		{"the same page again", func() error {
			return s.PutPage(ctx, page(t, "P1", wireMessage("mP1", "P1", true, "Ana", "hola", base)))
		}, nil},
		{"the same unread counts", func() error { return s.SetUnread(ctx, map[string]int{}) }, nil},
		{"a new message", func() error {
			return s.PutPage(ctx, page(t, "P2", wireMessage("m2b", "P2", true, "Ana", "¿y?", base.Add(time.Hour))))
		}, []string{"P2"}},
		{"an unread count", func() error { return s.SetUnread(ctx, map[string]int{"P3": 2}) }, []string{"P3"}},
		{"the same count again", func() error { return s.SetUnread(ctx, map[string]int{"P3": 2}) }, nil},
		{"a count back to 0", func() error { return s.SetUnread(ctx, map[string]int{}) }, []string{"P3"}},
		{"the seen mark", func() error { return s.MarkSeen(ctx, "P1", base) }, []string{"P1"}},
		{"the seen mark, not moving", func() error { return s.MarkSeen(ctx, "P1", base.Add(-time.Hour)) }, nil},
		{"the seen mark, moving on", func() error { return s.MarkSeen(ctx, "P1", base.Add(time.Hour)) }, []string{"P1"}},
		{"a status, from another process", func() error {
			return other.PutPage(ctx, Page{PackID: "P3", Status: status, Total: -1})
		}, []string{"P3"}},
		{"item titles, from another process", func() error {
			return other.PutOrders(ctx, []api.Pack{{ID: "P2", Titles: []string{"Cámara"}}}, nil)
		}, []string{"P2"}},
		{"a new order", func() error {
			return s.PutOrders(ctx, []api.Pack{{ID: "P4", SiteID: "MLM", Buyer: api.UserRef{ID: "9", Nickname: "NUEVO"}}}, nil)
		}, []string{"P4"}},
		{"the same order again", func() error {
			return s.PutOrders(ctx, []api.Pack{{ID: "P4", SiteID: "MLM", Buyer: api.UserRef{ID: "9", Nickname: "NUEVO"}}}, nil)
		}, nil},
	}
	for _, st := range steps {
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		packs, next, err := s.PacksSince(ctx, rev)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range packs {
			got = append(got, p.ID)
		}
		if !slices.Equal(got, st.want) {
			t.Errorf("%s: rows changed = %v, want %v", st.name, got, st.want)
		}
		if (len(got) == 0) != (next == rev) {
			t.Errorf("%s: next revision %d after %d", st.name, next, rev)
		}
		rev = next
	}
}

// The inbox's first screen reads the packs with unread messages and the oldest stored date
// through indexes, not by walking every stored pack (plans, not timings: walking 5,000 packs
// was most of a start's time).
func TestFirstScreenReadsThroughIndexes(t *testing.T) {
	s := openTest(t)
	plan := func(query string, args ...any) []string {
		t.Helper()
		rows, err := s.db.get(context.Background()).Query("EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			out = append(out, detail)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		plan  []string
		wants []string
	}{
		{"first screen", plan(queryInboxPacks, 50, 50), []string{"packs_unread", "packs_by_activity"}},
		{"oldest", plan(queryOldest), []string{"messages_by_date", "packs_by_date"}},
		{"rows changed since", plan(queryPacksSince, 7), []string{"packs_by_rev"}},
	} {
		p := strings.Join(tc.plan, "; ")
		for _, w := range tc.wants {
			if !strings.Contains(p, w) {
				t.Errorf("%s: plan %q does not use %s", tc.name, p, w)
			}
		}
		for _, step := range tc.plan {
			if step == "SCAN packs" || step == "SCAN p" || step == "SCAN messages" {
				t.Errorf("%s: plan %q walks a table", tc.name, p)
			}
		}
	}
}

// A stored pack gives the sale's ids as the order search listed them, and a shipment that
// appears later moves the row's revision, so a list reading the changed rows learns it.
func TestPackGivesTheSaleIDs(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	sale := api.Pack{ID: "2000004512345671", Buyer: api.UserRef{ID: "1"}, Orders: []api.OrderRef{{ID: "4512345671"}, {ID: "4512345672"}}}
	if err := s.PutOrders(ctx, []api.Pack{sale, {ID: "2000004999", Buyer: api.UserRef{ID: "2"}}}, nil); err != nil {
		t.Fatal(err)
	}
	check := func(id string, orders []string, shipment string) {
		t.Helper()
		p, ok, err := s.Pack(ctx, id)
		if err != nil || !ok {
			t.Fatalf("Pack(%s): %v, %v", id, ok, err)
		}
		if !slices.Equal(p.Orders, orders) || p.Shipment != shipment {
			t.Errorf("Pack(%s): orders %q, shipment %q; want %q, %q", id, p.Orders, p.Shipment, orders, shipment)
		}
	}
	check(sale.ID.String(), []string{"4512345671", "4512345672"}, "")
	check("2000004999", nil, "")
	_, rev, err := s.PacksSince(ctx, -1)
	if err != nil {
		t.Fatal(err)
	}
	sale.Shipment = api.Ref{ID: "43210987651"}
	if err := s.PutOrders(ctx, []api.Pack{sale}, nil); err != nil {
		t.Fatal(err)
	}
	if packs, _, err := s.PacksSince(ctx, rev); err != nil || len(packs) != 1 || packs[0].Shipment != "43210987651" {
		t.Fatalf("after the shipment appeared, PacksSince = %+v, %v", packs, err)
	}
	check(sale.ID.String(), []string{"4512345671", "4512345672"}, "43210987651")
}

// A pack whose stored order JSON cannot be read still migrates to v7, without ids.
func TestMigrationToSaleIDsSkipsUnreadableOrderJSON(t *testing.T) {
	path, db := storeAtVersion(t, 6)
	must(t, db, `INSERT INTO packs (id, raw) VALUES ('P1', ?), ('P2', NULL), ('P3', ?)`, []byte(`{"orders":`), []byte(`{"orders":null,"shipment":null}`))
	db.Close()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	packs, _, err := s.PacksSince(context.Background(), -1)
	if err != nil || len(packs) != 3 {
		t.Fatalf("PacksSince(-1) = %+v, %v", packs, err)
	}
	for _, p := range packs {
		if len(p.Orders) != 0 || p.Shipment != "" {
			t.Errorf("%s: orders %q, shipment %q from unreadable JSON", p.ID, p.Orders, p.Shipment)
		}
	}
}
