package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are the schema's versions: migrations[i] takes a store from user_version i to i+1.
// They are never edited once released; a change is a new entry. Version 1 is the first schema
// (history without search), version 2 adds the full-text index and fills it from what v1 stored.
var migrations = []string{
	// v1: the history itself.
	`
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE packs (
	id                TEXT PRIMARY KEY,
	site              TEXT NOT NULL DEFAULT '',
	buyer_id          TEXT NOT NULL DEFAULT '',
	buyer_nickname    TEXT NOT NULL DEFAULT '',
	buyer_name        TEXT NOT NULL DEFAULT '',
	item_titles       TEXT NOT NULL DEFAULT '',  -- newline-separated
	date_created      INTEGER NOT NULL DEFAULT 0, -- unix nanoseconds, 0 unknown
	last_message_id   TEXT NOT NULL DEFAULT '',
	last_message_at   INTEGER NOT NULL DEFAULT 0,
	last_message_text TEXT NOT NULL DEFAULT '',
	last_from_seller  INTEGER NOT NULL DEFAULT 0,
	unread            INTEGER NOT NULL DEFAULT 0, -- the API's unread count at the last sync
	total             INTEGER NOT NULL DEFAULT 0, -- the API's message total at the last fetch
	fetched_at        INTEGER NOT NULL DEFAULT 0, -- when the conversation was last fetched
	raw               BLOB                        -- the order search's JSON for this pack
);
CREATE INDEX packs_by_activity ON packs (max(last_message_at, date_created) DESC, id DESC);

CREATE TABLE conversation_status (
	pack_id     TEXT PRIMARY KEY,
	status      TEXT NOT NULL DEFAULT '',
	substatus   TEXT NOT NULL DEFAULT '',
	status_date INTEGER NOT NULL DEFAULT 0,
	raw         BLOB NOT NULL,
	updated_at  INTEGER NOT NULL
);

CREATE TABLE messages (
	seq             INTEGER PRIMARY KEY,
	id              TEXT NOT NULL UNIQUE,
	pack_id         TEXT NOT NULL,
	from_id         TEXT NOT NULL DEFAULT '',
	from_name       TEXT NOT NULL DEFAULT '',
	to_id           TEXT NOT NULL DEFAULT '',
	status          TEXT NOT NULL DEFAULT '',
	text            TEXT NOT NULL DEFAULT '',
	text_translated TEXT NOT NULL DEFAULT '',
	created         INTEGER NOT NULL DEFAULT 0,
	received        INTEGER NOT NULL DEFAULT 0,
	read_at         INTEGER NOT NULL DEFAULT 0,
	raw             BLOB NOT NULL,            -- the message's JSON exactly as served
	stored_at       INTEGER NOT NULL
);
CREATE INDEX messages_by_pack ON messages (pack_id, created, received, id);
CREATE INDEX messages_by_date ON messages (created);

CREATE TABLE attachments (
	message_id        TEXT NOT NULL,
	filename          TEXT NOT NULL,
	original_filename TEXT NOT NULL DEFAULT '',
	type              TEXT NOT NULL DEFAULT '',
	size              INTEGER NOT NULL DEFAULT 0,
	threat            INTEGER NOT NULL DEFAULT 0,
	created           INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (message_id, filename)
) WITHOUT ROWID;

CREATE TABLE read_state (
	pack_id      TEXT PRIMARY KEY,
	seen_through INTEGER NOT NULL DEFAULT 0, -- message date the seller has seen up to
	seen_at      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE bookmarks (
	resource  TEXT PRIMARY KEY,
	synced_at INTEGER NOT NULL DEFAULT 0,
	cursor    TEXT NOT NULL DEFAULT '',
	oldest    INTEGER NOT NULL DEFAULT 0,
	done      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
`,
	// v2: full-text search over every stored message. rowid = messages.seq. Accents and case are
	// folded (remove_diacritics 2), and 2- and 3-character prefixes are indexed for search as
	// you type.
	`
CREATE VIRTUAL TABLE search USING fts5 (
	text, translated, buyer, pack, items, files,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);
INSERT INTO search (rowid, text, translated, buyer, pack, items, files)
SELECT m.seq, replace(replace(m.text, char(2), ''), char(3), ''), replace(replace(m.text_translated, char(2), ''), char(3), ''),
       coalesce(p.buyer_name, '') || ' ' || coalesce(p.buyer_nickname, ''),
       m.pack_id, coalesce(p.item_titles, ''),
       coalesce((SELECT group_concat(a.original_filename || ' ' || a.filename, ' ') FROM attachments a WHERE a.message_id = m.id), '')
FROM messages m LEFT JOIN packs p ON p.id = m.pack_id;
`,
	// v3: the team tables of `postsale serve` (team.go).
	teamSchema,
	// v4: what the inbox's first screen reads before anything else: the packs with unread
	// messages, and the oldest purchase (the list's "history back to"). Without these indexes
	// both walked every stored pack, order JSON included: with 5,000 packs, most of a start.
	`
CREATE INDEX packs_unread ON packs (id) WHERE unread > 0;
CREATE INDEX packs_by_date ON packs (date_created);
`,
	// v5: a revision per pack row, so a list re-reads only the rows that changed since it last
	// read (PacksSince) instead of all 5,000 after every sync. Every change to a Pack's values
	// (the pack's columns, its conversation status, its seen mark; not when the status was last
	// stored) gives the row the store's next revision; a write that leaves them as they were
	// does not.
	// Writers take SQLite's write lock one at a time, so revisions follow the commits' order.
	// Rows stored before v5 keep revision 0: a first read takes them all anyway.
	`
ALTER TABLE packs ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
CREATE INDEX packs_by_rev ON packs (rev);

CREATE TRIGGER packs_rev_insert AFTER INSERT ON packs BEGIN
	UPDATE packs SET rev = (SELECT max(rev) FROM packs) + 1 WHERE id = NEW.id;
END;
CREATE TRIGGER packs_rev_update AFTER UPDATE ON packs
WHEN NEW.rev IS OLD.rev AND (NEW.site IS NOT OLD.site OR NEW.buyer_id IS NOT OLD.buyer_id
	OR NEW.buyer_nickname IS NOT OLD.buyer_nickname OR NEW.buyer_name IS NOT OLD.buyer_name
	OR NEW.item_titles IS NOT OLD.item_titles OR NEW.date_created IS NOT OLD.date_created
	OR NEW.last_message_id IS NOT OLD.last_message_id OR NEW.last_message_at IS NOT OLD.last_message_at
	OR NEW.last_message_text IS NOT OLD.last_message_text OR NEW.last_from_seller IS NOT OLD.last_from_seller
	OR NEW.unread IS NOT OLD.unread OR NEW.total IS NOT OLD.total OR NEW.fetched_at IS NOT OLD.fetched_at)
BEGIN
	UPDATE packs SET rev = (SELECT max(rev) FROM packs) + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER status_rev_insert AFTER INSERT ON conversation_status BEGIN
	UPDATE packs SET rev = (SELECT max(rev) FROM packs) + 1 WHERE id = NEW.pack_id;
END;
CREATE TRIGGER status_rev_update AFTER UPDATE ON conversation_status
WHEN NEW.status IS NOT OLD.status OR NEW.substatus IS NOT OLD.substatus
	OR NEW.status_date IS NOT OLD.status_date OR NEW.raw IS NOT OLD.raw
BEGIN
	UPDATE packs SET rev = (SELECT max(rev) FROM packs) + 1 WHERE id = NEW.pack_id;
END;

CREATE TRIGGER seen_rev_insert AFTER INSERT ON read_state BEGIN
	UPDATE packs SET rev = (SELECT max(rev) FROM packs) + 1 WHERE id = NEW.pack_id;
END;
CREATE TRIGGER seen_rev_update AFTER UPDATE ON read_state WHEN NEW.seen_through IS NOT OLD.seen_through BEGIN
	UPDATE packs SET rev = (SELECT max(rev) FROM packs) + 1 WHERE id = NEW.pack_id;
END;
`,
	// v6: the seller's own triage (seen.go): when they last opened each conversation, its unread
	// count then, and when they marked it done. who is "" for the seller at their terminal, a
	// member's name in a served team inbox (each person triages for themselves). Earlier
	// versions kept these in a file under the state dir; the inbox imports it once.
	`
CREATE TABLE seen_marks (
	who     TEXT NOT NULL,
	pack_id TEXT NOT NULL,
	seen_at INTEGER NOT NULL DEFAULT 0, -- unix nanoseconds, 0 never opened
	unread  INTEGER NOT NULL DEFAULT 0,
	done_at INTEGER NOT NULL DEFAULT 0, -- the buyer's newest message when marked done, 0 not done
	PRIMARY KEY (who, pack_id)
) WITHOUT ROWID;
`,
	// v7: the sale's ids (its orders and shipment, from the order search) as columns beside the
	// item titles. The list hands them to the conversation and its composer, which must not take
	// a reply quoting them for one giving a phone number; reading them out of every row's order
	// JSON instead would parse 5,000 JSON objects on a start. Rows stored before v7 get them from
	// that JSON here, once, and a change to them moves the row's revision like the other columns.
	`
ALTER TABLE packs ADD COLUMN order_ids TEXT NOT NULL DEFAULT '';  -- newline-separated
ALTER TABLE packs ADD COLUMN shipment_id TEXT NOT NULL DEFAULT '';
UPDATE packs SET
	order_ids = coalesce((SELECT group_concat(o.value ->> '$.id', char(10)) FROM json_each(raw, '$.orders') o), ''),
	shipment_id = coalesce(raw ->> '$.shipment.id', '')
WHERE json_valid(raw);

DROP TRIGGER packs_rev_update;
CREATE TRIGGER packs_rev_update AFTER UPDATE ON packs
WHEN NEW.rev IS OLD.rev AND (NEW.site IS NOT OLD.site OR NEW.buyer_id IS NOT OLD.buyer_id
	OR NEW.buyer_nickname IS NOT OLD.buyer_nickname OR NEW.buyer_name IS NOT OLD.buyer_name
	OR NEW.item_titles IS NOT OLD.item_titles OR NEW.date_created IS NOT OLD.date_created
	OR NEW.last_message_id IS NOT OLD.last_message_id OR NEW.last_message_at IS NOT OLD.last_message_at
	OR NEW.last_message_text IS NOT OLD.last_message_text OR NEW.last_from_seller IS NOT OLD.last_from_seller
	OR NEW.unread IS NOT OLD.unread OR NEW.total IS NOT OLD.total OR NEW.fetched_at IS NOT OLD.fetched_at
	OR NEW.order_ids IS NOT OLD.order_ids OR NEW.shipment_id IS NOT OLD.shipment_id)
BEGIN
	UPDATE packs SET rev = (SELECT max(rev) FROM packs) + 1 WHERE id = NEW.id;
END;
`,
	// v8: the newest message's translation beside its text, so the list's previews follow the
	// translation mode from the store as they do from the API. It is filled from the stored
	// messages before the revision trigger learns the column (no row's revision moves: a list
	// reads every row at its start anyway); from then on a translation that arrives later moves
	// the row's revision like any change the list shows.
	`
ALTER TABLE packs ADD COLUMN last_message_translated TEXT NOT NULL DEFAULT '';
UPDATE packs SET last_message_translated = coalesce((SELECT m.text_translated FROM messages m WHERE m.id = packs.last_message_id), '')
WHERE last_message_id != '';

DROP TRIGGER packs_rev_update;
CREATE TRIGGER packs_rev_update AFTER UPDATE ON packs
WHEN NEW.rev IS OLD.rev AND (NEW.site IS NOT OLD.site OR NEW.buyer_id IS NOT OLD.buyer_id
	OR NEW.buyer_nickname IS NOT OLD.buyer_nickname OR NEW.buyer_name IS NOT OLD.buyer_name
	OR NEW.item_titles IS NOT OLD.item_titles OR NEW.date_created IS NOT OLD.date_created
	OR NEW.last_message_id IS NOT OLD.last_message_id OR NEW.last_message_at IS NOT OLD.last_message_at
	OR NEW.last_message_text IS NOT OLD.last_message_text OR NEW.last_from_seller IS NOT OLD.last_from_seller
	OR NEW.last_message_translated IS NOT OLD.last_message_translated
	OR NEW.unread IS NOT OLD.unread OR NEW.total IS NOT OLD.total OR NEW.fetched_at IS NOT OLD.fetched_at
	OR NEW.order_ids IS NOT OLD.order_ids OR NEW.shipment_id IS NOT OLD.shipment_id)
BEGIN
	UPDATE packs SET rev = (SELECT max(rev) FROM packs) + 1 WHERE id = NEW.id;
END;
`,
	// v9: the newest message's delivery in its pack's row (its status, moderation verdict and
	// reason, when the buyer was notified of it and read it), so every list sharing the store
	// shows the same receipt mark on a reply, and a buyer reading it moves the row's revision.
	// Rows stored before are filled from their newest message's JSON (times to the
	// millisecond) before the revision trigger learns the new columns: filling them is no change.
	`
ALTER TABLE packs ADD COLUMN last_status TEXT NOT NULL DEFAULT '';
ALTER TABLE packs ADD COLUMN last_moderation TEXT NOT NULL DEFAULT '';
ALTER TABLE packs ADD COLUMN last_moderation_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE packs ADD COLUMN last_notified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE packs ADD COLUMN last_read INTEGER NOT NULL DEFAULT 0;
UPDATE packs SET (last_status, last_moderation, last_moderation_reason, last_notified, last_read) = (
	SELECT m.status,
		lower(trim(coalesce(CAST(m.raw AS TEXT) ->> '$.message_moderation.status', ''))),
		lower(trim(coalesce(CAST(m.raw AS TEXT) ->> '$.message_moderation.reason', ''))),
		coalesce(CAST(round((julianday(CAST(m.raw AS TEXT) ->> '$.message_date.notified') - 2440587.5) * 86400000) AS INTEGER) * 1000000, 0),
		m.read_at
	FROM messages m WHERE m.id = packs.last_message_id)
WHERE EXISTS (SELECT 1 FROM messages m WHERE m.id = packs.last_message_id AND json_valid(CAST(m.raw AS TEXT)));

DROP TRIGGER packs_rev_update;
CREATE TRIGGER packs_rev_update AFTER UPDATE ON packs
WHEN NEW.rev IS OLD.rev AND (NEW.site IS NOT OLD.site OR NEW.buyer_id IS NOT OLD.buyer_id
	OR NEW.buyer_nickname IS NOT OLD.buyer_nickname OR NEW.buyer_name IS NOT OLD.buyer_name
	OR NEW.item_titles IS NOT OLD.item_titles OR NEW.date_created IS NOT OLD.date_created
	OR NEW.last_message_id IS NOT OLD.last_message_id OR NEW.last_message_at IS NOT OLD.last_message_at
	OR NEW.last_message_text IS NOT OLD.last_message_text OR NEW.last_from_seller IS NOT OLD.last_from_seller
	OR NEW.last_message_translated IS NOT OLD.last_message_translated
	OR NEW.unread IS NOT OLD.unread OR NEW.total IS NOT OLD.total OR NEW.fetched_at IS NOT OLD.fetched_at
	OR NEW.order_ids IS NOT OLD.order_ids OR NEW.shipment_id IS NOT OLD.shipment_id
	OR NEW.last_status IS NOT OLD.last_status OR NEW.last_moderation IS NOT OLD.last_moderation
	OR NEW.last_moderation_reason IS NOT OLD.last_moderation_reason
	OR NEW.last_notified IS NOT OLD.last_notified OR NEW.last_read IS NOT OLD.last_read)
BEGIN
	UPDATE packs SET rev = (SELECT max(rev) FROM packs) + 1 WHERE id = NEW.id;
END;
`,
	// v10: search finds a pack that has no messages yet (a sale the seller must write first, a
	// conversation not fetched yet) by its buyer, pack id or item titles: such a pack has a search
	// row of its own, with only those columns, at a rowid above every message's (packRowFloor;
	// packs.search_row says which, 0 for none). Triggers keep it: made with the pack, rewritten
	// when the buyer or the items change, dropped when the pack's first message is stored
	// (from then on its messages carry the pack's columns and Search shows the pack through
	// them). Attachments are indexed by their original names only: the stored id
	// ("523132944_fcdb30f9-….png") is nobody's word, and a snippet showed it. messages_by_seq
	// lets Search read the pack and date of up to a window of matched messages from a narrow
	// index instead of the wide message rows (most of which are not in the page cache).
	`
ALTER TABLE packs ADD COLUMN search_row INTEGER NOT NULL DEFAULT 0;
UPDATE packs SET search_row = ` + packRowFloor + ` + r.n
FROM (SELECT id, row_number() OVER (ORDER BY date_created, id) AS n FROM packs
	WHERE last_message_id = '' AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.pack_id = packs.id)) AS r
WHERE r.id = packs.id;
CREATE INDEX packs_by_search_row ON packs (search_row);
CREATE INDEX messages_by_seq ON messages (seq, pack_id, created);
INSERT INTO search (rowid, text, translated, buyer, pack, items, files)
SELECT search_row, '', '', buyer_name || ' ' || buyer_nickname, id, item_titles, '' FROM packs WHERE search_row != 0;

UPDATE search SET files = coalesce((SELECT group_concat(CASE WHEN trim(a.original_filename) != '' THEN a.original_filename ELSE a.filename END, ' ')
	FROM messages m JOIN attachments a ON a.message_id = m.id WHERE m.seq = search.rowid), '')
WHERE rowid IN (SELECT m.seq FROM messages m WHERE EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id));

CREATE TRIGGER packs_search_insert AFTER INSERT ON packs WHEN NEW.last_message_id = '' BEGIN
	UPDATE packs SET search_row = max(coalesce((SELECT max(search_row) FROM packs), 0), ` + packRowFloor + `) + 1 WHERE id = NEW.id;
	INSERT INTO search (rowid, text, translated, buyer, pack, items, files)
	SELECT search_row, '', '', buyer_name || ' ' || buyer_nickname, id, item_titles, '' FROM packs WHERE id = NEW.id;
END;
CREATE TRIGGER packs_search_update AFTER UPDATE ON packs
WHEN OLD.search_row != 0 AND (NEW.last_message_id != '' OR NEW.buyer_name IS NOT OLD.buyer_name
	OR NEW.buyer_nickname IS NOT OLD.buyer_nickname OR NEW.item_titles IS NOT OLD.item_titles)
BEGIN
	DELETE FROM search WHERE rowid = OLD.search_row;
	UPDATE packs SET search_row = CASE WHEN last_message_id = '' THEN max(coalesce((SELECT max(search_row) FROM packs), 0), ` + packRowFloor + `) + 1 ELSE 0 END
	WHERE id = NEW.id;
	INSERT INTO search (rowid, text, translated, buyer, pack, items, files)
	SELECT search_row, '', '', buyer_name || ' ' || buyer_nickname, id, item_titles, '' FROM packs WHERE id = NEW.id AND search_row != 0;
END;
`,
	// v11: a message's place among its pack's messages of the same second (ord, 0 the oldest).
	// Mercado Libre writes some dates with milliseconds and some without, and ids are random, so
	// within a second neither says which message came first; the API's own order of a page is
	// the evidence, and PutPage keeps it (ties.go). Messages stored before have none (NULL): the
	// next page that brings them places them by its order. The pack's messages are read in
	// that order (messageOrder), so the index follows it.
	`
ALTER TABLE messages ADD COLUMN ord INTEGER;
DROP INDEX messages_by_pack;
CREATE INDEX messages_by_pack ON messages (pack_id, created / 1000000000, received / 1000000000, ord);
`,
	// v12: when a triage mark was last set (updated_at, unix nanoseconds by the clock of the
	// session that set it: of two settings the later wins) and a revision per write (rev, one
	// more than the table's highest), so a person's other sessions read only the marks written
	// since they last looked (seen.go). Marks stored before have 0 for both.
	`
ALTER TABLE seen_marks ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE seen_marks ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
CREATE INDEX seen_marks_by_rev ON seen_marks (rev);
`,
}

// packRowFloor is where the search rows of packs without messages start (schema v10): above
// every message's rowid (messages.seq), so Search tells them apart by rowid alone. Messages
// would need 2^48 of them to reach it.
const packRowFloor = "281474976710656" // 1 << 48

// SchemaVersion is the schema this build writes.
func SchemaVersion() int { return len(migrations) }

// migrate brings db from its user_version to SchemaVersion, one transaction per step.
func migrate(ctx context.Context, db *sql.DB) error {
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v > len(migrations) {
		return &NewerError{Have: v, Know: len(migrations)}
	}
	for ; v < len(migrations); v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		// Another process may have migrated while this one waited for the write lock.
		var now int
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&now); err != nil {
			tx.Rollback()
			return err
		}
		if now > v {
			tx.Rollback()
			v = now - 1
			continue
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("schema version %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// NewerError is a store written by a newer postsale: it is left alone, not set aside.
type NewerError struct{ Have, Know int }

func (e *NewerError) Error() string {
	return fmt.Sprintf("the local store has schema version %d but this postsale knows only up to %d: update postsale", e.Have, e.Know)
}
