package store

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// SearchQuery is what the seller typed plus filters.
type SearchQuery struct {
	Text   string    // free text: words are matched accent- and case-insensitively, the last as a prefix
	PackID string    // only this pack
	Since  time.Time // only messages from this date on
	Limit  int       // 0: 50
}

// rankFunction weighs the columns for bm25: text, translation, buyer, pack, item titles,
// attachment names. A hit on the buyer or the pack says more than one word in a long text.
const rankFunction = "bm25(search, 1.0, 0.8, 2.0, 2.0, 1.5, 1.0)"

// RankWindow is how many of the most recently stored matches are ranked (see Search): a word
// in a quarter of 50,000 messages would otherwise cost tens of milliseconds to rank.
const RankWindow = 1000

// Span is a byte range [Start, End) of a snippet.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Result is one matching message, or a pack matched by its own columns (Pack).
type Result struct {
	MessageID string
	PackID    string
	Buyer     string
	Date      time.Time
	// Snippet is the raw text around the match (hostile: sanitise before display), on one line:
	// white space is single spaces, and item titles are separated by " · ". A message's snippet
	// is its own text, translation or attachment names when they hold a searched word, its
	// pack's buyer, pack id or item titles only when they hold none.
	Snippet string
	Marks   []Span // the matched words within Snippet
	// InTranslation says the message's translation holds searched words its text does not: a
	// view shows the translation so the seller sees what matched.
	InTranslation bool
	// Pack says the match is in the pack's own columns (buyer, pack id, item titles) and not
	// in a message's words: the result stands for the conversation. MessageID is then its newest
	// message so found, "" for a pack without messages (Date is its purchase date, zero when
	// unknown).
	Pack bool
}

// Segment is a piece of a snippet, matched or not: sanitise and style each one on its own.
type Segment struct {
	Text  string
	Match bool
}

// Segments splits the snippet at its marks.
func (r Result) Segments() []Segment {
	var out []Segment
	at := 0
	for _, m := range r.Marks {
		if m.Start < at || m.End > len(r.Snippet) || m.Start > m.End {
			continue
		}
		if m.Start > at {
			out = append(out, Segment{Text: r.Snippet[at:m.Start]})
		}
		out = append(out, Segment{Text: r.Snippet[m.Start:m.End], Match: true})
		at = m.End
	}
	if at < len(r.Snippet) {
		out = append(out, Segment{Text: r.Snippet[at:]})
	}
	return out
}

// MatchQuery turns what the seller typed into an FTS5 query that cannot be a syntax error: it
// keeps only words (letters, digits, combining marks), quotes each one, and makes the last a
// prefix unless the text ends in a space. All words must match. "" means nothing to search.
func MatchQuery(text string) string {
	words, prefix := queryWords(text)
	if len(words) == 0 {
		return ""
	}
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`"` + w + `"`)
	}
	if prefix {
		b.WriteByte('*')
	}
	return b.String()
}

// queryWords are the words the seller typed, split where the index's tokenizer splits
// (isTokenRune), and whether the last one is a prefix: it is unless the text ends in a space.
// MatchQuery and the snippets' highlighter read a query the same way through it.
func queryWords(text string) (words []string, prefix bool) {
	words = strings.FieldsFunc(text, func(r rune) bool { return !isTokenRune(r) })
	rs := []rune(text)
	return words, len(rs) > 0 && !unicode.IsSpace(rs[len(rs)-1])
}

// Found is a search's answer: the best results, and how many there are to show within the
// ranked window.
type Found struct {
	Results []Result
	// Matched is how many results the ranked window holds (the RankWindow most recently stored
	// matches), Results among them: more than len(Results) when the limit cut them.
	Matched int
	// More says the window was full: older stored messages may match too, so Matched is a
	// floor ("1,000+").
	More bool
}

// Search finds stored messages by words in their text, translation, buyer's name, pack id,
// item titles or attachment names, best matches first (bm25; buyer and pack hits weigh more).
// Hostile input is safe: it never reaches FTS5 as syntax.
//
// A message found by its own words (text, translation, attachment names) is a result of its
// own. Messages found only by their pack's columns (buyer, pack id, item titles, which every
// message of the pack carries) are one result for the pack: its newest such message, with
// Result.Pack set. A pack without messages is found by its own search row (schema v10), with
// no message id.
//
// It is one pass over the index: FTS5 hands the matches over newest first, bm25 scores the
// RankWindow newest of them (once with the real weights, once counting only the message's own
// columns, which tells the two kinds apart), and SQLite keeps the best limit and counts them
// all. Ranking costs a few microseconds per match, and every FTS5 cursor sets its words up
// again (a prefix as typed merges every term it starts), so the pass never opens a second
// cursor: the snippets are cut here from the rows' indexed text (snippet.go) instead of by
// FTS5's snippet().
func (s *Store) Search(ctx context.Context, q SearchQuery) (Found, error) {
	var found Found
	match := MatchQuery(q.Text)
	if match == "" {
		return found, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	// The pack filter is a column filter in the match; the date filter reads the message row
	// (a pack without messages: its purchase date).
	if q.PackID != "" {
		match = `pack : "` + strings.ReplaceAll(q.PackID, `"`, `""`) + `" AND (` + match + `)`
	}
	args := []any{match}
	if !q.Since.IsZero() {
		args = append(args, nanos(q.Since), nanos(q.Since))
	}
	args = append(args, limit)
	query := searchSQL(!q.Since.IsZero())
	rows, err := s.stmtOrDB(s.prepared(ctx), query).QueryContext(ctx, args...)
	if err != nil {
		return found, err
	}
	defer rows.Close()
	hl := newHighlighter(q.Text)
	for rows.Next() {
		var r Result
		var created, scanned int64
		var cols [searchColumns]string
		if err := rows.Scan(&found.Matched, &scanned, &r.Pack, &r.MessageID, &r.PackID, &r.Buyer, &created,
			&cols[0], &cols[1], &cols[2], &cols[3], &cols[4], &cols[5]); err != nil {
			return found, err
		}
		found.More = scanned >= RankWindow
		r.Date = fromNanos(created)
		c := hl.snippet(cols[:], r.Pack)
		r.Snippet, r.Marks, r.InTranslation = c.text, c.marks, c.inTranslation
		found.Results = append(found.Results, r)
	}
	return found, rows.Err()
}

// searchColumns is how many columns the search table has (text, translated, buyer, pack,
// items, files).
const searchColumns = 6

// ownFunction scores only a message's own columns (text, translation, attachment names): 0 when
// it matched through its pack's columns alone.
const ownFunction = "bm25(search, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0)"

// searchSQL is Search's statement. filter adds the date filter (two more arguments after the
// match). The window is materialised once, and the results taken from it three ways: a message
// by its own words; a pack without messages by its row; the messages matched through their
// pack alone, one per pack, its newest (grouped, materialised too). Both sides come sorted by
// score and merged up to the limit; the counts are scans of the two small materialised tables,
// which cost next to nothing (a window function over the results sorted all of them instead).
// The results' indexed columns are read back by rowid, which is a lookup, not a search.
func searchSQL(filter bool) string {
	f := ""
	if filter {
		f = " AND (+search.rowid IN (SELECT seq FROM messages WHERE created >= ?)" +
			" OR +search.rowid IN (SELECT search_row FROM packs WHERE search_row != 0 AND date_created >= ?))"
	}
	own := "own != 0 OR seq >= " + packRowFloor // a message's own match, or a pack without messages
	return `WITH recent AS MATERIALIZED (
			SELECT search.rowid AS seq, ` + rankFunction + ` AS score, ` + ownFunction + ` AS own FROM search
			WHERE search MATCH ?` + f + ` ORDER BY search.rowid DESC LIMIT ` + strconv.Itoa(RankWindow) + `),
		grouped AS MATERIALIZED (
			SELECT r.seq AS seq, r.score AS score, max(m.created) FROM recent r CROSS JOIN messages m INDEXED BY messages_by_seq ON m.seq = r.seq
			WHERE r.own = 0 AND r.seq < ` + packRowFloor + ` GROUP BY m.pack_id),
		hits AS (
			SELECT seq, score, seq >= ` + packRowFloor + ` AS pack FROM recent WHERE ` + own + `
			UNION ALL
			SELECT seq, score, 1 FROM grouped),
		top AS (SELECT seq, score, pack FROM hits ORDER BY score LIMIT ?)
		SELECT (SELECT count(*) FROM recent WHERE ` + own + `) + (SELECT count(*) FROM grouped), (SELECT count(*) FROM recent),
			top.pack, coalesce(m.id, ''), coalesce(m.pack_id, c.pack),
			coalesce(nullif(p.buyer_name, ''), nullif(p.buyer_nickname, ''), p.buyer_id, ''), coalesce(m.created, p.date_created, 0),
			c.text, c.translated, c.buyer, c.pack, c.items, c.files
		FROM top CROSS JOIN search c ON c.rowid = top.seq LEFT JOIN messages m ON m.seq = top.seq
			LEFT JOIN packs p ON p.id = coalesce(m.pack_id, c.pack)
		ORDER BY top.score, coalesce(m.created, p.date_created) DESC`
}

// searchQueries are every statement Search runs (prepared on first use).
func searchQueries() []string {
	return []string{searchSQL(false), searchSQL(true)}
}
