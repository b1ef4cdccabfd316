package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// teamSchema is the migration adding what a served team shares (`postsale serve`): who each
// conversation is assigned to, the team's internal notes, and which member sent which message.
// It is self-contained so its place in migrations can change before release.
const teamSchema = `
CREATE TABLE team_assignments (
	pack_id   TEXT PRIMARY KEY,
	member    TEXT NOT NULL,
	by_member TEXT NOT NULL DEFAULT '',
	at        INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE team_notes (
	seq     INTEGER PRIMARY KEY,
	pack_id TEXT NOT NULL,
	author  TEXT NOT NULL,
	at      INTEGER NOT NULL DEFAULT 0,
	text    TEXT NOT NULL
);
CREATE INDEX team_notes_by_pack ON team_notes (pack_id, seq);

CREATE TABLE team_sent_by (
	message_id TEXT PRIMARY KEY,
	member     TEXT NOT NULL,
	pack_id    TEXT NOT NULL DEFAULT '',
	at         INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX team_sent_by_date ON team_sent_by (at);
`

// TeamAssignment says a pack is Member's to answer, given by By.
type TeamAssignment struct {
	PackID, Member, By string
	At                 time.Time
}

// TeamNote is one internal note on a pack.
type TeamNote struct {
	PackID, Author, Text string
	At                   time.Time
}

// TeamSent says which member sent a message (by its API id).
type TeamSent struct {
	MessageID, Member, PackID string
	At                        time.Time
}

// TeamState is everything the team tables hold.
type TeamState struct {
	Assignments []TeamAssignment
	Notes       []TeamNote // oldest first
	Sent        []TeamSent
}

// TeamState reads the whole team state.
func (s *Store) TeamState(ctx context.Context) (TeamState, error) {
	var st TeamState
	rows, err := s.db.QueryContext(ctx, "SELECT pack_id, member, by_member, at FROM team_assignments")
	if err != nil {
		return st, err
	}
	for rows.Next() {
		var a TeamAssignment
		var at int64
		if err := rows.Scan(&a.PackID, &a.Member, &a.By, &at); err != nil {
			rows.Close()
			return st, err
		}
		a.At = fromNanos(at)
		st.Assignments = append(st.Assignments, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	rows, err = s.db.QueryContext(ctx, "SELECT pack_id, author, at, text FROM team_notes ORDER BY seq")
	if err != nil {
		return st, err
	}
	for rows.Next() {
		var n TeamNote
		var at int64
		if err := rows.Scan(&n.PackID, &n.Author, &at, &n.Text); err != nil {
			rows.Close()
			return st, err
		}
		n.At = fromNanos(at)
		st.Notes = append(st.Notes, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	rows, err = s.db.QueryContext(ctx, "SELECT message_id, member, pack_id, at FROM team_sent_by")
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var r TeamSent
		var at int64
		if err := rows.Scan(&r.MessageID, &r.Member, &r.PackID, &at); err != nil {
			return st, err
		}
		r.At = fromNanos(at)
		st.Sent = append(st.Sent, r)
	}
	return st, rows.Err()
}

// SetTeamAssignment assigns a pack (a.Member "" unassigns it).
func (s *Store) SetTeamAssignment(ctx context.Context, a TeamAssignment) error {
	if a.Member == "" {
		_, err := s.db.ExecContext(ctx, "DELETE FROM team_assignments WHERE pack_id = ?", a.PackID)
		return err
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO team_assignments (pack_id, member, by_member, at) VALUES (?, ?, ?, ?)
ON CONFLICT (pack_id) DO UPDATE SET member = excluded.member, by_member = excluded.by_member, at = excluded.at`,
		a.PackID, a.Member, a.By, nanos(a.At))
	return err
}

// AddTeamNote appends a note.
func (s *Store) AddTeamNote(ctx context.Context, n TeamNote) error {
	_, err := s.db.ExecContext(ctx, "INSERT INTO team_notes (pack_id, author, at, text) VALUES (?, ?, ?, ?)",
		n.PackID, n.Author, nanos(n.At), n.Text)
	return err
}

// PutTeamSent records who sent a message, keeping at most keep records (oldest dropped; 0 keeps
// every one).
func (s *Store) PutTeamSent(ctx context.Context, r TeamSent, keep int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO team_sent_by (message_id, member, pack_id, at) VALUES (?, ?, ?, ?)
ON CONFLICT (message_id) DO UPDATE SET member = excluded.member, pack_id = excluded.pack_id, at = excluded.at`,
		r.MessageID, r.Member, r.PackID, nanos(r.At)); err != nil {
		return err
	}
	if keep > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM team_sent_by WHERE message_id IN (
SELECT message_id FROM team_sent_by ORDER BY at DESC, message_id DESC LIMIT -1 OFFSET ?)`, keep); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// ImportTeamState adds st to the team tables once: it does nothing when the store already holds
// an import marked with key (the meta table), and records key in the same transaction. It
// reports whether it imported.
func (s *Store) ImportTeamState(ctx context.Context, key string, st TeamState) (bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var done string
	switch err := tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&done); {
	case err == nil:
		return false, nil
	case !errors.Is(err, sql.ErrNoRows):
		return false, err
	}
	for _, a := range st.Assignments {
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO team_assignments (pack_id, member, by_member, at) VALUES (?, ?, ?, ?)",
			a.PackID, a.Member, a.By, nanos(a.At)); err != nil {
			return false, fmt.Errorf("import assignment: %w", err)
		}
	}
	for _, n := range st.Notes {
		if _, err := tx.ExecContext(ctx, "INSERT INTO team_notes (pack_id, author, at, text) VALUES (?, ?, ?, ?)",
			n.PackID, n.Author, nanos(n.At), n.Text); err != nil {
			return false, fmt.Errorf("import note: %w", err)
		}
	}
	for _, r := range st.Sent {
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO team_sent_by (message_id, member, pack_id, at) VALUES (?, ?, ?, ?)",
			r.MessageID, r.Member, r.PackID, nanos(r.At)); err != nil {
			return false, fmt.Errorf("import sent-by: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, ?)", key, s.now().UTC().Format(time.RFC3339)); err != nil {
		return false, err
	}
	return true, tx.Commit()
}
