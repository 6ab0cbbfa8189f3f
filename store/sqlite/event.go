package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"powerwatch/store"
)

// AddTerminalEvents appends events in one transaction.
func (db *DB) AddTerminalEvents(ctx context.Context, events []store.TerminalEvent) error {
	if len(events) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO terminal_events(mn, kind, at, detail) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range events {
			if _, err := stmt.ExecContext(ctx, e.MN, e.Kind, ms(e.At), e.Detail); err != nil {
				return fmt.Errorf("add %s event of %s: %w", e.Kind, e.MN, err)
			}
		}
		return nil
	})
}

// TerminalEvents returns the events f selects, newest first.
func (db *DB) TerminalEvents(ctx context.Context, f store.TerminalEventFilter) ([]store.TerminalEvent, error) {
	var where []string
	var args []any
	if f.MN != "" {
		where, args = append(where, "mn = ?"), append(args, f.MN)
	}
	if len(f.Kinds) > 0 {
		where = append(where, "kind IN (?"+strings.Repeat(", ?", len(f.Kinds)-1)+")")
		for _, k := range f.Kinds {
			args = append(args, k)
		}
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, ms(f.To))
	}
	q := "SELECT id, mn, kind, at, detail FROM terminal_events"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY at DESC, id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list terminal events: %w", classify(err))
	}
	defer rows.Close()
	var out []store.TerminalEvent
	for rows.Next() {
		var e store.TerminalEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.MN, &e.Kind, &at, &e.Detail); err != nil {
			return nil, fmt.Errorf("list terminal events: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list terminal events: %w", classify(err))
	}
	return out, nil
}
