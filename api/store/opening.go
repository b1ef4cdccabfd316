package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"sync"
)

// openingDB is a Store's database, opened in the background (Start, or Lazy on first use):
// each call starts the opening if it has not started, waits until it has ended (or the call's
// context has), then runs on the opened database; when the opening failed, every call fails with
// its error.
type openingDB struct {
	open  func()        // starts the opening, which ends with set
	once  sync.Once     // open runs once
	ready chan struct{} // closed once db and err are set
	db    *sql.DB
	err   error
	// waiting answers calls whose context ended before the opening did: database/sql then
	// reports the context's error. Made when first needed (a database starts a goroutine);
	// after Close, such a call gets the closed database. mu guards both.
	mu      sync.Mutex
	waiting *sql.DB
	closed  bool
}

// errStillOpening is what waiting's connections would say; database/sql returns the call's
// ended context instead, as it checks that first.
var errStillOpening = errors.New("the local store is still opening")

func newOpeningDB(open func()) *openingDB {
	return &openingDB{open: open, ready: make(chan struct{})}
}

// start starts the opening unless it has started.
func (o *openingDB) start() { o.once.Do(o.open) }

// set ends the opening with db, or with err (db nil).
func (o *openingDB) set(db *sql.DB, err error) {
	if err != nil {
		db = sql.OpenDB(failedConnector{err})
	}
	o.db, o.err = db, err
	close(o.ready)
}

// get starts the opening, and waits for it or for ctx.
func (o *openingDB) get(ctx context.Context) *sql.DB {
	o.start()
	select {
	case <-o.ready:
		return o.db
	default:
	}
	select {
	case <-o.ready:
		return o.db
	case <-ctx.Done():
		return o.waitingDB()
	}
}

// waitingDB is waiting, made if needed; the closed database once Close has run.
func (o *openingDB) waitingDB() *sql.DB {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return o.db
	}
	if o.waiting == nil {
		o.waiting = sql.OpenDB(failedConnector{errStillOpening})
	}
	return o.waiting
}

func (o *openingDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return o.get(ctx).QueryContext(ctx, query, args...)
}

func (o *openingDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return o.get(ctx).QueryRowContext(ctx, query, args...)
}

func (o *openingDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return o.get(ctx).ExecContext(ctx, query, args...)
}

func (o *openingDB) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return o.get(ctx).PrepareContext(ctx, query)
}

func (o *openingDB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	return o.get(ctx).BeginTx(ctx, opts)
}

// errClosed is the error of a store closed before it was ever used.
var errClosed = errors.New("the local store is closed")

// Close waits for the opening, then closes what it opened; a store never used is not opened.
func (o *openingDB) Close() error {
	o.once.Do(func() { o.set(nil, errClosed) })
	<-o.ready
	o.mu.Lock()
	o.closed = true
	waiting := o.waiting
	o.mu.Unlock()
	if waiting != nil {
		waiting.Close()
	}
	return o.db.Close()
}

// failedConnector is a database whose every connection fails with err.
type failedConnector struct{ err error }

func (f failedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, f.err
}

func (f failedConnector) Driver() driver.Driver { return f }

func (f failedConnector) Open(string) (driver.Conn, error) { return nil, f.err }
