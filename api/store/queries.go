package store

// The statements PutPage, PutOrders and SetUnread run, prepared once per Store (stmtcache.go).
const (
	queryUpsertOrder = `INSERT INTO packs (id, site, buyer_id, buyer_nickname, date_created, order_ids, shipment_id, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET site = excluded.site, buyer_id = excluded.buyer_id, buyer_nickname = excluded.buyer_nickname,
		date_created = excluded.date_created, order_ids = excluded.order_ids, shipment_id = excluded.shipment_id, raw = excluded.raw`
	// queryUnreadZero takes the ids listed as unread as one JSON array; queryUnread writes a
	// count only when it differs, so an unchanged count changes no row (PacksSince).
	queryUnreadZero = "UPDATE packs SET unread = 0 WHERE unread != 0 AND id NOT IN (SELECT value FROM json_each(?))"
	queryUnread     = "INSERT INTO packs (id, unread) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET unread = excluded.unread WHERE unread != excluded.unread"

	queryMeta            = "SELECT value FROM meta WHERE key = ?"
	queryPackIndexFields = "SELECT buyer_id, buyer_name, buyer_nickname, item_titles FROM packs WHERE id = ?"
	// queryPackBuyer's last_message_id is for a pack it creates: a message of the page, which
	// refreshLast replaces with the newest stored. A pack created with one never gets the search
	// row of a pack without messages (schema v10), only to drop it in the same transaction:
	// every FTS5 delete leaves tombstones in the index until a merge.
	queryPackBuyer = `INSERT INTO packs (id, buyer_id, buyer_name, last_message_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET buyer_id = excluded.buyer_id, buyer_name = excluded.buyer_name`
	queryStatus = `INSERT INTO conversation_status (pack_id, status, substatus, status_date, raw, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pack_id) DO UPDATE SET status = excluded.status, substatus = excluded.substatus,
			status_date = excluded.status_date, raw = excluded.raw, updated_at = excluded.updated_at`
	queryFetched = "UPDATE packs SET fetched_at = ? WHERE id = ?"
	queryTotal   = "UPDATE packs SET total = ? WHERE id = ?"
	// queryStoredMessages takes the ids as one JSON array of strings.
	queryStoredMessages = "SELECT id, seq, raw FROM messages WHERE id IN (SELECT value FROM json_each(?))"
	queryUpsertMessage  = `INSERT INTO messages (id, pack_id, from_id, from_name, to_id, status, text, text_translated, created, received, read_at, raw, stored_at, ord)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET pack_id = excluded.pack_id, from_id = excluded.from_id, from_name = excluded.from_name,
		to_id = excluded.to_id, status = excluded.status, text = excluded.text, text_translated = excluded.text_translated,
		created = excluded.created, received = excluded.received, read_at = excluded.read_at, raw = excluded.raw, stored_at = excluded.stored_at,
		ord = excluded.ord
		RETURNING seq`
	// queryTieMates takes the page's seconds (of message_date.created, Unix) as one JSON array:
	// the pack's stored messages of those seconds, in their order (ties.go).
	queryTieMates = `SELECT id, created, received, ord FROM messages WHERE pack_id = ? AND created / 1000000000 IN (SELECT value FROM json_each(?))
		ORDER BY ` + messageOrder
	queryOrd = "UPDATE messages SET ord = ? WHERE id = ?"
	// queryLater counts the pack's stored messages of a later second than a created and received
	// second.
	queryLater = `SELECT count(*) FROM messages WHERE pack_id = ?
		AND (created / 1000000000 > ? OR (created / 1000000000 = ? AND received / 1000000000 > ?))`
	queryDelAttachments = "DELETE FROM attachments WHERE message_id = ?"
	queryInsAttachment  = `INSERT OR REPLACE INTO attachments (message_id, filename, original_filename, type, size, threat, created) VALUES (?, ?, ?, ?, ?, ?, ?)`
	queryDelSearch      = "DELETE FROM search WHERE rowid = ?"
	// queryInsSearch takes the rows as one JSON array of [rowid, text, translated, buyer, pack,
	// items, files] arrays (ftsRow).
	queryInsSearch = `INSERT INTO search (rowid, text, translated, buyer, pack, items, files)
		SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, r.value ->> 5, r.value ->> 6
		FROM json_each(?) r`
	queryNewest = `SELECT id, text, text_translated, from_id, created, raw FROM messages WHERE pack_id = ?
		ORDER BY created / 1000000000 DESC, received / 1000000000 DESC, ord DESC, created DESC, received DESC, id DESC LIMIT 1`
	queryLast = `UPDATE packs SET last_message_id = ?, last_message_text = ?, last_message_translated = ?, last_message_at = ?,
		last_from_seller = ?, last_status = ?, last_moderation = ?, last_moderation_reason = ?, last_notified = ?, last_read = ?
		WHERE id = ?`
)

// messageOrder is the order of a pack's messages, oldest first: by the second of
// message_date.created, then of received (Mercado Libre writes some dates with milliseconds and
// some without, so within a second the dates say nothing), then by the message's place among
// those of its second (ord, ties.go); messages stored before places were kept (ord NULL) by
// their dates, then id. The index messages_by_pack (schema v11) has its first terms.
const messageOrder = "created / 1000000000, received / 1000000000, ord, created, received, id"
