package store

import (
	"context"
	"time"
)

// SeenMark is the seller's own triage of one conversation, apart from Mercado Libre's read
// state (which the buyer sees): when they last opened it (or saw a later message in it) and the
// unread count they saw, and the date of the buyer's newest message when they marked it done
// (zero: not done).
type SeenMark struct {
	At     time.Time
	Unread int
	Done   time.Time
}

// SeenMarks reads who's marks by pack ("" the seller at their terminal, a member's name in a
// served team inbox).
func (s *Store) SeenMarks(ctx context.Context, who string) (map[string]SeenMark, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT pack_id, seen_at, unread, done_at FROM seen_marks WHERE who = ?", who)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	marks := map[string]SeenMark{}
	for rows.Next() {
		var id string
		var at, done int64
		var mk SeenMark
		if err := rows.Scan(&id, &at, &mk.Unread, &done); err != nil {
			return nil, err
		}
		mk.At, mk.Done = fromNanos(at), fromNanos(done)
		marks[id] = mk
	}
	return marks, rows.Err()
}

// PutSeenMarks writes who's marks of the conversations in marks, in one transaction; who's
// other marks stay as they are (a person's other session may have written them).
func (s *Store) PutSeenMarks(ctx context.Context, who string, marks map[string]SeenMark) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	put, err := tx.PrepareContext(ctx, `INSERT INTO seen_marks (who, pack_id, seen_at, unread, done_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (who, pack_id) DO UPDATE SET seen_at = excluded.seen_at, unread = excluded.unread, done_at = excluded.done_at`)
	if err != nil {
		return err
	}
	defer put.Close()
	for id, mk := range marks {
		if _, err := put.ExecContext(ctx, who, id, nanos(mk.At), mk.Unread, nanos(mk.Done)); err != nil {
			return err
		}
	}
	return tx.Commit()
}
