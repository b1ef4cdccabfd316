package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode"
)

// Snippet markers: FTS5 wraps each match in them; Search turns them into Marks and removes them.
const (
	markOpen  = "\x02"
	markClose = "\x03"
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
const rankFunction = "bm25(1.0, 0.8, 2.0, 2.0, 1.5, 1.0)"

// rankWindow is how many of the most recently stored matches are ranked (see Search).
const rankWindow = 1000

// Span is a byte range [Start, End) of a snippet.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Result is one matching message.
type Result struct {
	MessageID string
	PackID    string
	Buyer     string
	Date      time.Time
	Snippet   string // raw text around the match (hostile: sanitise before display)
	Marks     []Span // the matched words within Snippet
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
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
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
	if last := []rune(text); !unicode.IsSpace(last[len(last)-1]) {
		b.WriteByte('*')
	}
	return b.String()
}

// Search finds stored messages by words in their text, translation, buyer's name, pack id,
// item titles or attachment names, best matches first (bm25; buyer and pack hits weigh more).
// Hostile input is safe: it never reaches FTS5 as syntax.
func (s *Store) Search(ctx context.Context, q SearchQuery) ([]Result, error) {
	match := MatchQuery(q.Text)
	if match == "" {
		return nil, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	// The pack filter is a column filter in the match; the date filter reads the message row.
	if q.PackID != "" {
		match = `pack : "` + strings.ReplaceAll(q.PackID, `"`, `""`) + `" AND (` + match + `)`
	}
	// Ranking costs a few microseconds per match; a word in a quarter of 50,000 messages would
	// cost tens of milliseconds. So only the rankWindow most recently stored matches are ranked:
	// find the rowid bound first (walking rowids is cheap), then rank above it.
	filter, fargs := false, []any{}
	if !q.Since.IsZero() {
		filter, fargs = true, []any{nanos(q.Since)}
	}
	boundQuery, rankedQuery := searchSQL(filter)
	stmts := s.prepared(ctx)
	var bound int64
	err := s.stmtOrDB(stmts, boundQuery).QueryRowContext(ctx, append(append([]any{match}, fargs...), rankWindow-1)...).Scan(&bound)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	args := append(append([]any{match, rankFunction, bound}, fargs...), limit)
	rows, err := s.stmtOrDB(stmts, rankedQuery).QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Result
	for rows.Next() {
		var r Result
		var created int64
		var snip string
		if err := rows.Scan(&r.MessageID, &r.PackID, &r.Buyer, &created, &snip); err != nil {
			return nil, err
		}
		r.Date = fromNanos(created)
		r.Snippet, r.Marks = parseMarks(snip)
		out = append(out, r)
	}
	return out, rows.Err()
}

// searchSQL is Search's two statements: the rowid bound of the ranked window, and the ranked,
// snippeted matches. filter adds the date filter (one more argument after the match).
func searchSQL(filter bool) (bound, ranked string) {
	f := ""
	if filter {
		f = " AND search.rowid IN (SELECT seq FROM messages WHERE created >= ?)"
	}
	bound = `SELECT search.rowid FROM search WHERE search MATCH ?` + f + ` ORDER BY search.rowid DESC LIMIT 1 OFFSET ?`
	// The snippet is made in the ranked scan itself: FTS5 hands rows over already ordered, so
	// only the rows within LIMIT get one.
	inner := `SELECT search.rowid AS seq, search.rank AS score,
			snippet(search, -1, '` + markOpen + `', '` + markClose + `', '…', 16) AS snip FROM search
		WHERE search MATCH ? AND search.rank MATCH ? AND search.rowid >= ?` + f + ` ORDER BY search.rank LIMIT ?`
	ranked = `WITH top AS (` + inner + `)
		SELECT m.id, m.pack_id, coalesce(nullif(p.buyer_name, ''), nullif(p.buyer_nickname, ''), p.buyer_id, ''), m.created, top.snip
		FROM top CROSS JOIN messages m LEFT JOIN packs p ON p.id = m.pack_id
		WHERE m.seq = top.seq ORDER BY top.score, m.created DESC`
	return bound, ranked
}

// searchQueries are every statement Search runs (prepared at Open).
func searchQueries() []string {
	b0, r0 := searchSQL(false)
	b1, r1 := searchSQL(true)
	return []string{b0, r0, b1, r1}
}

// parseMarks removes the snippet markers and returns where the matches were.
func parseMarks(s string) (string, []Span) {
	var b strings.Builder
	var marks []Span
	start := -1
	for _, r := range s {
		switch string(r) {
		case markOpen:
			start = b.Len()
		case markClose:
			if start >= 0 {
				marks = append(marks, Span{Start: start, End: b.Len()})
				start = -1
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), marks
}
