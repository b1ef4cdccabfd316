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
	// Updated is when the mark was last set (by the setting session's clock; zero for a mark
	// stored before schema v12): of two settings, the later is kept.
	Updated time.Time
	// Rev is the write that stored it, read back (PutSeenMarks ignores it): SeenMarksSince the
	// highest a session has read returns what was written after.
	Rev int64
}

// SeenMarks reads who's marks by pack ("" the seller at their terminal, a member's name in a
// served team inbox).
func (s *Store) SeenMarks(ctx context.Context, who string) (map[string]SeenMark, error) {
	return s.seenMarks(ctx, "SELECT pack_id, seen_at, unread, done_at, updated_at, rev FROM seen_marks WHERE who = ?", who)
}

// SeenMarksSince reads who's marks written after revision rev (the highest Rev a session has
// read): what the person's other sessions set since it last looked. The revisions' index answers
// it, however many marks are stored.
func (s *Store) SeenMarksSince(ctx context.Context, who string, rev int64) (map[string]SeenMark, error) {
	return s.seenMarks(ctx, "SELECT pack_id, seen_at, unread, done_at, updated_at, rev FROM seen_marks WHERE rev > ? AND who = ?", rev, who)
}

func (s *Store) seenMarks(ctx context.Context, query string, args ...any) (map[string]SeenMark, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	marks := map[string]SeenMark{}
	for rows.Next() {
		var id string
		var at, done, updated int64
		var mk SeenMark
		if err := rows.Scan(&id, &at, &mk.Unread, &done, &updated, &mk.Rev); err != nil {
			return nil, err
		}
		mk.At, mk.Done, mk.Updated = fromNanos(at), fromNanos(done), fromNanos(updated)
		marks[id] = mk
	}
	return marks, rows.Err()
}

// PutSeenMarks writes who's marks of the conversations in marks, in one transaction, each with a
// new revision; who's other marks stay as they are (a person's other session may have written
// them), and so does a stored mark set later (Updated) than the one given: the later setting
// wins, whichever session writes last.
func (s *Store) PutSeenMarks(ctx context.Context, who string, marks map[string]SeenMark) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	put, err := tx.PrepareContext(ctx, `INSERT INTO seen_marks (who, pack_id, seen_at, unread, done_at, updated_at, rev)
		VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(rev), 0) + 1 FROM seen_marks))
		ON CONFLICT (who, pack_id) DO UPDATE SET seen_at = excluded.seen_at, unread = excluded.unread, done_at = excluded.done_at,
			updated_at = excluded.updated_at, rev = excluded.rev WHERE excluded.updated_at >= seen_marks.updated_at`)
	if err != nil {
		return err
	}
	defer put.Close()
	for id, mk := range marks {
		if _, err := put.ExecContext(ctx, who, id, nanos(mk.At), mk.Unread, nanos(mk.Done), nanos(mk.Updated)); err != nil {
			return err
		}
	}
	return s.commit(tx) // the person's other sessions read what changed (Watch)
}
