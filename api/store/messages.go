package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/postsale/postsale/api"
)

// MetaSeller is the meta key holding the seller id the store belongs to.
const MetaSeller = "seller_id"

// Pack is one stored conversation's header: what the pack list shows.
type Pack struct {
	ID            string
	Site          string
	BuyerID       string
	BuyerNickname string
	BuyerName     string
	ItemTitles    []string
	DateCreated   time.Time
	// Orders and Shipment are the sale's ids, as the order search gave them (empty until it
	// has listed the pack): the inbox shows them beside the conversation and knows a reply
	// quoting them is not giving a phone number.
	Orders   []string
	Shipment string

	LastMessageID   string
	LastMessageAt   time.Time
	LastMessageText string
	// LastMessageTranslated is its translation (text_translated), "" when it has none.
	LastMessageTranslated string
	LastFromSeller        bool
	// The newest message's delivery, as last stored: its status, moderation verdict and reason,
	// and when the buyer was notified of it and read it (LastDelivery).
	LastStatus, LastModeration, LastModerationReason api.Word
	LastNotified, LastRead                           time.Time

	Unread    int       // the API's unread count at the last sync
	Total     int       // the API's message total at the last fetch
	FetchedAt time.Time // when the conversation was last fetched (zero: never)
	Seen      time.Time // the local "seen up to" mark (MarkSeen)

	Status *Status // nil when never fetched

	// Rev is the store's revision of this row: it grows whenever one of the values above
	// changes (PacksSince).
	Rev int64
}

// LastDelivery is the newest message with its delivery fields alone (status, moderation,
// notified and read dates): where a reply stands, the same for every list reading the store.
func (p *Pack) LastDelivery() api.Message {
	var m api.Message
	m.Status, m.Moderation.Status, m.Moderation.Reason = p.LastStatus, p.LastModeration, p.LastModerationReason
	m.MessageDate.Notified.Time, m.MessageDate.Read.Time = p.LastNotified, p.LastRead
	return m
}

// Buyer is the best name for the pack's buyer: the name, else the nickname, else the id.
func (p *Pack) Buyer() string {
	switch {
	case p.BuyerName != "":
		return p.BuyerName
	case p.BuyerNickname != "":
		return p.BuyerNickname
	}
	return p.BuyerID
}

// Status is a stored conversation_status.
type Status struct {
	Status     string
	Substatus  string
	StatusDate time.Time
	Raw        json.RawMessage // the API's JSON as served
	UpdatedAt  time.Time
}

// Decode parses the stored JSON into the API's type.
func (s *Status) Decode() (*api.ConversationStatus, error) {
	var cs api.ConversationStatus
	if err := json.Unmarshal(s.Raw, &cs); err != nil {
		return nil, err
	}
	return &cs, nil
}

// Message is a stored message: the API's JSON exactly as served, decoded beside it.
type Message struct {
	api.Message
	PackID string
	Raw    json.RawMessage
}

// Page is what one conversation request brought: any window of a pack's messages.
type Page struct {
	PackID    string
	Status    *api.ConversationStatus // nil: unchanged
	StatusRaw json.RawMessage         // as served; marshalled from Status when empty
	Messages  []api.Message
	Raw       []json.RawMessage // parallel to Messages, as served; marshalled when missing
	Total     int               // the page's paging.total; negative when unknown
	Fetched   bool              // the page was the newest window: mark the pack fetched now
	// Offset is the window's paging offset: how many newer messages the API had above it (0 for
	// the newest window). It places the page's messages of the same second as stored ones it
	// lacks (ties.go).
	Offset int
}

// PutPage merges a page into the store in one transaction: messages are matched by id (a
// message seen again is updated in place, never duplicated) and nothing is deleted, so a page
// that goes missing loses nothing. p.Messages are in the API's order (newest first, as served):
// among messages of the same date it is the order they are stored in (ties.go).
func (s *Store) PutPage(ctx context.Context, p Page) error {
	if p.PackID == "" {
		return errors.New("store: a page needs its pack id")
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := s.now()
	seller, err := metaTx(ctx, tx, MetaSeller)
	if err != nil {
		return err
	}
	before, err := packIndexFields(ctx, tx, p.PackID)
	if err != nil {
		return err
	}
	buyerID, buyerName := before.buyerID, before.buyerName
	for i := range p.Messages {
		m := &p.Messages[i]
		from := string(m.From.UserID)
		isBuyer := (buyerID != "" && from == buyerID) || (buyerID == "" && seller != "" && from != seller)
		if isBuyer {
			buyerID = from
			if n := strings.TrimSpace(m.From.Name); n != "" {
				buyerName = n
			}
		} else {
			if buyerID == "" && seller != "" && string(m.To.UserID) != seller && m.To.UserID != "" {
				buyerID = string(m.To.UserID)
			}
			// Only the seller wrote so far: the name they wrote to is the buyer's.
			if n := strings.TrimSpace(m.To.Name); buyerName == "" && n != "" && buyerID != "" && string(m.To.UserID) == buyerID {
				buyerName = n
			}
		}
	}
	firstID := ""
	for i := range p.Messages {
		if p.Messages[i].ID != "" {
			firstID = p.Messages[i].ID // stored below, so the pack has messages
			break
		}
	}
	if _, err := tx.ExecContext(ctx, queryPackBuyer,
		p.PackID, buyerID, buyerName, firstID); err != nil {
		return err
	}
	if p.Status != nil {
		raw := p.StatusRaw
		if len(raw) == 0 {
			if raw, err = json.Marshal(p.Status); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, queryStatus,
			p.PackID, string(p.Status.Status), string(p.Status.Substatus), nanos(p.Status.StatusDate.Time), []byte(raw), nanos(now)); err != nil {
			return err
		}
	}
	after := before
	after.buyerID, after.buyerName = buyerID, buyerName
	if after.buyerText() != before.buyerText() {
		if err := reindexPack(ctx, tx, p.PackID, after); err != nil {
			return err
		}
	}
	ords, err := placeTies(ctx, tx, p)
	if err != nil {
		return err
	}
	if err := putMessages(ctx, tx, p, after, ords, now); err != nil {
		return err
	}
	if err := refreshLast(ctx, tx, p.PackID, buyerID, seller); err != nil {
		return err
	}
	if p.Fetched {
		if _, err := tx.ExecContext(ctx, queryFetched, nanos(now), p.PackID); err != nil {
			return err
		}
	}
	if p.Total >= 0 && p.Fetched {
		if _, err := tx.ExecContext(ctx, queryTotal, p.Total, p.PackID); err != nil {
			return err
		}
	}
	return s.commit(tx)
}

// putMessages upserts the page's messages, their attachments and their search rows; ords are
// their places among messages of the same date (placeTies).
func putMessages(ctx context.Context, tx wtx, p Page, idx indexFields, ords map[string]int64, now time.Time) error {
	if len(p.Messages) == 0 {
		return nil
	}
	// What is stored already, in one query: most refreshes bring pages seen before.
	type storedRow struct {
		seq int64
		raw []byte
	}
	stored := map[string]storedRow{}
	ids := make([]string, 0, len(p.Messages))
	for i := range p.Messages {
		if p.Messages[i].ID != "" {
			ids = append(ids, p.Messages[i].ID)
		}
	}
	if len(ids) > 0 {
		idsJSON, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, queryStoredMessages, string(idsJSON))
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var r storedRow
			if err := rows.Scan(&id, &r.seq, &r.raw); err != nil {
				rows.Close()
				return err
			}
			stored[id] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	upsert, err := tx.PrepareContext(ctx, queryUpsertMessage)
	if err != nil {
		return err
	}
	defer upsert.Close()
	delAtt, err := tx.PrepareContext(ctx, queryDelAttachments)
	if err != nil {
		return err
	}
	defer delAtt.Close()
	insAtt, err := tx.PrepareContext(ctx, queryInsAttachment)
	if err != nil {
		return err
	}
	defer insAtt.Close()
	// Search rows go in with one statement per page: FTS5 flushes its pending index at every
	// statement savepoint, so a row per statement would write a segment per message. The rows
	// travel as one JSON array, so the statement's text is always the same (prepared once).
	var ftsRows []ftsRow

	for i := range p.Messages {
		m := &p.Messages[i]
		if m.ID == "" {
			continue // nothing to merge it by
		}
		var raw []byte
		if i < len(p.Raw) && len(p.Raw[i]) > 0 {
			raw = p.Raw[i]
		} else if raw, err = json.Marshal(m); err != nil {
			return err
		}
		prev, existed := stored[m.ID]
		if existed && bytes.Equal(prev.raw, raw) {
			continue // seen before, unchanged
		}
		var seq int64
		if err := upsert.QueryRowContext(ctx, m.ID, p.PackID, string(m.From.UserID), m.From.Name, string(m.To.UserID), string(m.Status),
			m.Text, m.TextTranslated, nanos(m.Date()), nanos(m.MessageDate.Received.Time), nanos(m.MessageDate.Read.Time), raw, nanos(now), ords[m.ID]).Scan(&seq); err != nil {
			return fmt.Errorf("store message %s: %w", m.ID, err)
		}
		if existed {
			if _, err := delAtt.ExecContext(ctx, m.ID); err != nil {
				return err
			}
		}
		var files []string
		for _, a := range m.Attachments {
			if _, err := insAtt.ExecContext(ctx, m.ID, a.Filename, a.OriginalFilename, a.Type, a.Size, a.PotentialSecurityThreat, nanos(a.CreationDate.Time)); err != nil {
				return err
			}
			files = append(files, attachmentName(a))
		}
		if existed {
			if _, err := tx.ExecContext(ctx, queryDelSearch, seq); err != nil {
				return err
			}
		}
		ftsRows = append(ftsRows, ftsRow{seq, m.Text, m.TextTranslated, idx.buyerText(), p.PackID, idx.items, strings.Join(files, " ")})
	}
	if len(ftsRows) == 0 {
		return nil
	}
	rowsJSON, err := json.Marshal(ftsRows)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, queryInsSearch, string(rowsJSON))
	return err
}

// attachmentName is what search knows an attachment by: the buyer's or seller's own file name,
// never the stored id (the API's filename, "523132944_fcdb30f9-….png"), unless it has no other.
func attachmentName(a api.Attachment) string {
	if strings.TrimSpace(a.OriginalFilename) != "" {
		return a.OriginalFilename
	}
	return a.Filename
}

// ftsRow is one search row as queryInsSearch reads it: rowid, text, translated, buyer, pack,
// items, files.
type ftsRow struct {
	Seq                                         int64
	Text, Translated, Buyer, Pack, Items, Files string
}

// MarshalJSON writes the row as an array, the shape queryInsSearch reads.
func (r ftsRow) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{r.Seq, r.Text, r.Translated, r.Buyer, r.Pack, r.Items, r.Files})
}

// indexFields are the pack's columns copied into every one of its search rows.
type indexFields struct {
	buyerID, buyerName, buyerNickname, items string
}

func (f indexFields) buyerText() string { return f.buyerName + " " + f.buyerNickname }

func packIndexFields(ctx context.Context, tx wtx, packID string) (indexFields, error) {
	var f indexFields
	err := tx.QueryRowContext(ctx, queryPackIndexFields, packID).
		Scan(&f.buyerID, &f.buyerName, &f.buyerNickname, &f.items)
	if errors.Is(err, sql.ErrNoRows) {
		return f, nil
	}
	return f, err
}

// reindexPack rewrites the pack-wide columns of the pack's search rows (a buyer's name learned
// later, item titles), row by row: FTS5 finds a row by rowid, not by a subquery.
func reindexPack(ctx context.Context, tx wtx, packID string, f indexFields) error {
	rows, err := tx.QueryContext(ctx, "SELECT seq FROM messages WHERE pack_id = ?", packID)
	if err != nil {
		return err
	}
	var seqs []int64
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			rows.Close()
			return err
		}
		seqs = append(seqs, seq)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(seqs) == 0 {
		return err
	}
	upd, err := tx.PrepareContext(ctx, "UPDATE search SET buyer = ?, items = ? WHERE rowid = ?")
	if err != nil {
		return err
	}
	defer upd.Close()
	for _, seq := range seqs {
		if _, err := upd.ExecContext(ctx, f.buyerText(), f.items, seq); err != nil {
			return err
		}
	}
	return nil
}

// refreshLast copies the pack's newest stored message into its header, with its delivery.
func refreshLast(ctx context.Context, tx wtx, packID, buyerID, seller string) error {
	var id, text, translated, from string
	var at int64
	var raw []byte
	err := tx.QueryRowContext(ctx, queryNewest, packID).Scan(&id, &text, &translated, &from, &at, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	fromSeller := (seller != "" && from == seller) || (seller == "" && buyerID != "" && from != buyerID)
	var m api.Message
	_ = json.Unmarshal(raw, &m) // as the store reads it back: a field it cannot read stays empty
	_, err = tx.ExecContext(ctx, queryLast,
		id, text, translated, at, fromSeller,
		string(m.Status), string(m.Moderation.Status), string(m.Moderation.Reason), nanos(m.MessageDate.Notified.Time), nanos(m.MessageDate.Read.Time),
		packID)
	return err
}

func metaTx(ctx context.Context, tx wtx, key string) (string, error) {
	var v string
	err := tx.QueryRowContext(ctx, queryMeta, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// PutOrders stores the order search's packs (buyer, site, date, the pack's JSON). Conversation
// fields are left as they are. raw, when given, is parallel to packs and kept as served.
func (s *Store) PutOrders(ctx context.Context, packs []api.Pack, raw []json.RawMessage) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i, p := range packs {
		if p.ID == "" {
			continue
		}
		var b []byte
		if i < len(raw) && len(raw[i]) > 0 {
			b = raw[i]
		} else if b, err = json.Marshal(p); err != nil {
			return err
		}
		before, err := packIndexFields(ctx, tx, string(p.ID))
		if err != nil {
			return err
		}
		after := before
		if p.Buyer.ID != "" {
			after.buyerID = string(p.Buyer.ID)
		}
		if p.Buyer.Nickname != "" {
			after.buyerNickname = p.Buyer.Nickname
		}
		orders := make([]string, 0, len(p.Orders))
		for _, o := range p.Orders {
			if o.ID != "" {
				orders = append(orders, string(o.ID))
			}
		}
		if _, err := tx.ExecContext(ctx, queryUpsertOrder, string(p.ID), p.SiteID, after.buyerID, after.buyerNickname,
			nanos(p.DateCreated.Time), strings.Join(orders, "\n"), string(p.Shipment.ID), b); err != nil {
			return err
		}
		// The items' titles come with the domestic order search (the list shows them, search
		// finds them); the marketplace's orders have none, which keeps what is stored.
		if titles := strings.Join(p.Titles, "\n"); titles != "" && titles != before.items {
			after.items = titles
			if _, err := tx.ExecContext(ctx, "UPDATE packs SET item_titles = ? WHERE id = ?", titles, string(p.ID)); err != nil {
				return err
			}
		}
		if after.buyerText() != before.buyerText() || after.items != before.items {
			if err := reindexPack(ctx, tx, string(p.ID), after); err != nil {
				return err
			}
		}
	}
	return s.commit(tx)
}

// SetUnread records the API's unread counts: every pack listed gets its count (a pack not stored
// yet gets a bare row), every other pack 0. Only the counts that differ are written, so a sync
// with nothing new changes no row (PacksSince).
func (s *Store) SetUnread(ctx context.Context, counts map[string]int) error {
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	listed, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, queryUnreadZero, string(listed)); err != nil {
		return err
	}
	for id, n := range counts {
		if _, err := tx.ExecContext(ctx, queryUnread, id, n); err != nil {
			return err
		}
	}
	return s.commit(tx)
}

const packColumns = `p.id, p.site, p.buyer_id, p.buyer_nickname, p.buyer_name, p.item_titles, p.order_ids, p.shipment_id, p.date_created,
	p.last_message_id, p.last_message_at, p.last_message_text, p.last_message_translated, p.last_from_seller, p.unread, p.total,
	p.fetched_at, coalesce(r.seen_through, 0), s.status, s.substatus, s.status_date, s.raw, s.updated_at, p.rev,
	p.last_status, p.last_moderation, p.last_moderation_reason, p.last_notified, p.last_read`

const packJoins = ` FROM packs p LEFT JOIN read_state r ON r.pack_id = p.id LEFT JOIN conversation_status s ON s.pack_id = p.id`

func scanPack(sc interface{ Scan(...any) error }) (Pack, error) {
	var p Pack
	var items, orders string
	var created, lastAt, fetched, seen, notified, read int64
	var st, sub sql.NullString
	var stDate, stUpdated sql.NullInt64
	var stRaw []byte
	if err := sc.Scan(&p.ID, &p.Site, &p.BuyerID, &p.BuyerNickname, &p.BuyerName, &items, &orders, &p.Shipment, &created,
		&p.LastMessageID, &lastAt, &p.LastMessageText, &p.LastMessageTranslated, &p.LastFromSeller, &p.Unread, &p.Total, &fetched,
		&seen, &st, &sub, &stDate, &stRaw, &stUpdated, &p.Rev,
		&p.LastStatus, &p.LastModeration, &p.LastModerationReason, &notified, &read); err != nil {
		return p, err
	}
	if items != "" {
		p.ItemTitles = strings.Split(items, "\n")
	}
	if orders != "" {
		p.Orders = strings.Split(orders, "\n")
	}
	p.DateCreated, p.LastMessageAt, p.FetchedAt, p.Seen = fromNanos(created), fromNanos(lastAt), fromNanos(fetched), fromNanos(seen)
	p.LastNotified, p.LastRead = fromNanos(notified), fromNanos(read)
	if st.Valid {
		p.Status = &Status{Status: st.String, Substatus: sub.String, StatusDate: fromNanos(stDate.Int64), Raw: stRaw, UpdatedAt: fromNanos(stUpdated.Int64)}
	}
	return p, nil
}

// Packs lists stored packs, most recent activity first (the newest message, else the purchase).
// limit <= 0 lists them all.
func (s *Store) Packs(ctx context.Context, limit, offset int) ([]Pack, error) {
	if limit <= 0 {
		limit = -1
	}
	return s.queryPacks(ctx, "SELECT "+packColumns+packJoins+
		" ORDER BY max(p.last_message_at, p.date_created) DESC, p.id DESC LIMIT ? OFFSET ?", limit, max(offset, 0))
}

// queryPacksSince is PacksSince's statement: the changed rows come from their index
// (packs_by_rev).
const queryPacksSince = "SELECT " + packColumns + packJoins + " WHERE p.rev > ?"

// PacksSince lists the stored packs whose row changed after revision rev (every pack when rev
// is negative), in no particular order, and the revision to ask from next time: the newest
// among them, or rev itself when none changed. One statement reads them, so the rows and the
// revision are of one moment. A list keeps that revision and asks again after a sync: with
// nothing changed, the answer is an index lookup instead of every stored pack.
func (s *Store) PacksSince(ctx context.Context, rev int64) ([]Pack, int64, error) {
	packs, err := s.queryPacks(ctx, queryPacksSince, rev)
	if err != nil {
		return nil, rev, err
	}
	next := rev
	for i := range packs {
		next = max(next, packs[i].Rev)
	}
	return packs, next, nil
}

// queryPacks runs a statement selecting packColumns and scans every row.
func (s *Store) queryPacks(ctx context.Context, query string, args ...any) ([]Pack, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Pack
	for rows.Next() {
		p, err := scanPack(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// queryInboxPacks is InboxPacks' statement (arguments: limit twice). The packs with unread
// messages come from their partial index (packs_unread), the most recent from the activity
// index: only the rows shown are read, not every stored pack.
const queryInboxPacks = "SELECT " + packColumns + packJoins +
	" WHERE p.id IN (SELECT id FROM packs WHERE unread > 0 UNION SELECT id FROM (SELECT id FROM packs" +
	" ORDER BY max(last_message_at, date_created) DESC, id DESC LIMIT ?))" +
	" ORDER BY p.unread > 0 DESC, max(p.last_message_at, p.date_created) DESC, p.id DESC LIMIT ?"

// InboxPacks lists the first limit stored packs in the inbox's order: packs with unread
// messages first, then by most recent activity. It is what an inbox's first screen shows.
func (s *Store) InboxPacks(ctx context.Context, limit int) ([]Pack, error) {
	if limit <= 0 {
		limit = -1
	}
	return s.queryPacks(ctx, queryInboxPacks, limit, limit)
}

// Pack returns one stored pack; ok is false when it is not stored.
func (s *Store) Pack(ctx context.Context, id string) (p Pack, ok bool, err error) {
	p, err = scanPack(s.db.QueryRowContext(ctx, "SELECT "+packColumns+packJoins+" WHERE p.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, err
}

// Messages returns a pack's stored messages, oldest first (messageOrder: by the second of
// message_date.created, then of received, then their place among those of their second).
func (s *Store) Messages(ctx context.Context, packID string) ([]Message, error) {
	var out []Message
	err := s.eachMessage(ctx, "WHERE pack_id = ?", []any{packID}, func(m Message) error {
		out = append(out, m)
		return nil
	})
	return out, err
}

// HasMessage reports whether a message is stored.
func (s *Store) HasMessage(ctx context.Context, id string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, "SELECT 1 FROM messages WHERE id = ?", id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// ExportQuery selects messages for Export: one pack, messages since a date. Zero values select
// everything.
type ExportQuery struct {
	PackID string
	Since  time.Time
}

// Export calls fn with every stored message matching q, by pack then date. Each message's Raw is
// the API's JSON as served.
func (s *Store) Export(ctx context.Context, q ExportQuery, fn func(Message) error) error {
	where, args := []string{}, []any{}
	if q.PackID != "" {
		where, args = append(where, "pack_id = ?"), append(args, q.PackID)
	}
	if !q.Since.IsZero() {
		where, args = append(where, "created >= ?"), append(args, nanos(q.Since))
	}
	clause := ""
	if len(where) > 0 {
		clause = "WHERE " + strings.Join(where, " AND ")
	}
	return s.eachMessage(ctx, clause, args, fn)
}

func (s *Store) eachMessage(ctx context.Context, where string, args []any, fn func(Message) error) error {
	rows, err := s.db.QueryContext(ctx, "SELECT pack_id, raw FROM messages "+where+" ORDER BY pack_id, "+messageOrder, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var m Message
		var raw []byte
		if err := rows.Scan(&m.PackID, &raw); err != nil {
			return err
		}
		m.Raw = raw
		if err := json.Unmarshal(raw, &m.Message); err != nil {
			return fmt.Errorf("stored message in pack %s: %w", m.PackID, err)
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return rows.Err()
}

// MarkSeen records locally that the seller has seen the pack's messages up to through.
func (s *Store) MarkSeen(ctx context.Context, packID string, through time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO read_state (pack_id, seen_through, seen_at) VALUES (?, ?, ?)
		ON CONFLICT (pack_id) DO UPDATE SET seen_through = max(seen_through, excluded.seen_through), seen_at = excluded.seen_at`,
		packID, nanos(through), nanos(s.now()))
	if err == nil {
		s.wrote()
	}
	return err
}

// Bookmark is how far a sync of one resource got.
type Bookmark struct {
	Resource string
	SyncedAt time.Time // the last completed sync
	Cursor   string    // where a walk continues (a scroll id), "" at the start
	Oldest   time.Time // the oldest thing reached so far
	Done     bool      // the walk reached the end
}

// Bookmark reads a resource's bookmark (the zero Bookmark when none).
func (s *Store) Bookmark(ctx context.Context, resource string) (Bookmark, error) {
	b := Bookmark{Resource: resource}
	var synced, oldest int64
	err := s.db.QueryRowContext(ctx, "SELECT synced_at, cursor, oldest, done FROM bookmarks WHERE resource = ?", resource).
		Scan(&synced, &b.Cursor, &oldest, &b.Done)
	if errors.Is(err, sql.ErrNoRows) {
		return b, nil
	}
	b.SyncedAt, b.Oldest = fromNanos(synced), fromNanos(oldest)
	return b, err
}

// SetBookmark writes a resource's bookmark.
func (s *Store) SetBookmark(ctx context.Context, b Bookmark) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO bookmarks (resource, synced_at, cursor, oldest, done) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (resource) DO UPDATE SET synced_at = excluded.synced_at, cursor = excluded.cursor, oldest = excluded.oldest, done = excluded.done`,
		b.Resource, nanos(b.SyncedAt), b.Cursor, nanos(b.Oldest), b.Done)
	return err
}

// Stats counts what is stored.
type Stats struct {
	Packs, Messages int
	Oldest          time.Time // the oldest stored message or purchase
}

// queryOldest is Oldest's statement: both dates come from an index (messages_by_date,
// packs_by_date), never from walking the rows.
const queryOldest = `SELECT (SELECT min(created) FROM messages WHERE created > 0),
	(SELECT min(date_created) FROM packs WHERE date_created > 0)`

// Oldest is the date of the oldest stored message or purchase (zero when nothing is stored):
// Stats' Oldest without the counting, read from the indexes (the list's history line).
func (s *Store) Oldest(ctx context.Context) (time.Time, error) {
	var oldMsg, oldPack sql.NullInt64
	err := s.db.QueryRowContext(ctx, queryOldest).Scan(&oldMsg, &oldPack)
	var oldest time.Time
	for _, n := range []sql.NullInt64{oldMsg, oldPack} {
		if n.Valid && (oldest.IsZero() || fromNanos(n.Int64).Before(oldest)) {
			oldest = fromNanos(n.Int64)
		}
	}
	return oldest, err
}

// Stats counts the stored packs and messages and finds the oldest date.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	var oldMsg, oldPack sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM packs), (SELECT count(*) FROM messages),
		(SELECT min(created) FROM messages WHERE created > 0), (SELECT min(date_created) FROM packs WHERE date_created > 0)`).
		Scan(&st.Packs, &st.Messages, &oldMsg, &oldPack)
	if err != nil {
		return st, err
	}
	for _, n := range []sql.NullInt64{oldMsg, oldPack} {
		if n.Valid && (st.Oldest.IsZero() || fromNanos(n.Int64).Before(st.Oldest)) {
			st.Oldest = fromNanos(n.Int64)
		}
	}
	return st, nil
}
