package store

import (
	"context"
	"database/sql"
	"sync"
)

// The statements of a page's write, of the orders' and unread counts' writes and of a search
// are prepared once per Store (on the first write or search, before it takes a connection, so
// preparing never waits for a connection held by a writer, and Open stays as quick as before)
// and reused: SQLite's parser is a noticeable part of a small write, more so for a statement
// that fires the row revision triggers (schema v5), whose programs it compiles in.
// database/sql prepares each one again, once, on every connection that first runs it inside a
// transaction, and keeps it there.

// cachedQueries are the statements prepared on first use. Each is used with exactly this text.
var cachedQueries = []string{
	queryMeta, queryPackIndexFields, queryPackBuyer, queryStatus, queryFetched, queryTotal,
	queryStoredMessages, queryUpsertMessage, queryDelAttachments, queryInsAttachment,
	queryDelSearch, queryInsSearch, queryNewest, queryLast, queryTieMates, queryOrd, queryLater,
	queryUpsertOrder, queryUnreadZero, queryUnread,
}

// prepareCache prepares cachedQueries on db.
func prepareCache(ctx context.Context, db *openingDB) (map[string]*sql.Stmt, error) {
	m := make(map[string]*sql.Stmt, len(cachedQueries)+len(searchQueries()))
	for _, q := range append(cachedQueries[:len(cachedQueries):len(cachedQueries)], searchQueries()...) {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			closeCache(m)
			return nil, err
		}
		m[q] = st
	}
	return m, nil
}

func closeCache(m map[string]*sql.Stmt) {
	for _, st := range m {
		st.Close()
	}
}

// stmtCache holds a Store's prepared statements, made on first use.
type stmtCache struct {
	mu     sync.Mutex
	m      map[string]*sql.Stmt // read-only once set
	closed bool
}

// prepared returns the store's prepared statements, preparing them the first time. It must not
// be called inside a transaction. When preparing fails it returns nil and the statements run
// unprepared (the same SQL; the error, if real, shows up there).
func (s *Store) prepared(ctx context.Context) map[string]*sql.Stmt {
	c := &s.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil && !c.closed {
		if m, err := prepareCache(ctx, s.db); err == nil {
			c.m = m
		}
	}
	return c.m
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	closeCache(c.m)
	c.m, c.closed = nil, true
}

// beginWrite starts a write transaction that runs the store's prepared statements (prepared
// first: preparing needs a connection of its own).
func (s *Store) beginWrite(ctx context.Context) (wtx, error) {
	stmts := s.prepared(ctx)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return wtx{}, err
	}
	return wtx{tx, stmts}, nil
}

// wtx is a write transaction that runs the store's prepared statements when it has them.
type wtx struct {
	*sql.Tx
	cache map[string]*sql.Stmt
}

func (t wtx) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := t.cache[query]; ok {
		return t.Tx.StmtContext(ctx, st)
	}
	return nil
}

func (t wtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t wtx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t wtx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

func (t wtx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st, nil
	}
	return t.Tx.PrepareContext(ctx, query)
}

// querier is what both *sql.DB and *sql.Stmt-with-query offer for reads outside a transaction.
type querier interface {
	QueryContext(ctx context.Context, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
}

// stmtOrDB is the prepared statement for query, or query run on the pool when it is not cached.
func (s *Store) stmtOrDB(stmts map[string]*sql.Stmt, query string) querier {
	if st, ok := stmts[query]; ok {
		return st
	}
	return dbQuery{s.db, query}
}

type dbQuery struct {
	db    *openingDB
	query string
}

func (q dbQuery) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return q.db.QueryContext(ctx, q.query, args...)
}

func (q dbQuery) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return q.db.QueryRowContext(ctx, q.query, args...)
}
