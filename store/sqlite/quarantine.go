package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"powerwatch/store"
)

// AddQuarantined merges packets into the quarantine list: per (MN, reason) the
// count grows by Count, first seen keeps the earliest time, and last seen,
// address and sample take the newest.
func (db *DB) AddQuarantined(ctx context.Context, ps []store.QuarantinedPacket) error {
	if len(ps) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO quarantine(mn, reason, remote_addr, first_seen, last_seen, count, sample)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (mn, reason) DO UPDATE SET
				count = count + excluded.count,
				first_seen = min(first_seen, excluded.first_seen),
				remote_addr = CASE WHEN excluded.last_seen >= last_seen THEN excluded.remote_addr ELSE remote_addr END,
				sample = CASE WHEN excluded.last_seen >= last_seen THEN excluded.sample ELSE sample END,
				last_seen = max(last_seen, excluded.last_seen)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, p := range ps {
			if _, err := stmt.ExecContext(ctx, p.MN, p.Reason, p.RemoteAddr, ms(p.FirstSeen), ms(p.LastSeen), p.Count, p.Sample); err != nil {
				return fmt.Errorf("quarantine %s (%s): %w", p.MN, p.Reason, err)
			}
		}
		return db.capQuarantine(ctx, tx)
	})
}

// DefaultQuarantineRows is the quarantine list's size unless
// SetQuarantineCap says otherwise: a flood of random MNs, which needs no
// credentials, must not fill the disk.
const DefaultQuarantineRows = 10_000

// quarantinePurgedKey is the settings row counting entries purged by the cap.
const quarantinePurgedKey = "quarantine.purged"

// SetQuarantineCap sets how many quarantine entries are kept; beyond it the
// least recently seen are purged at each flush, and counted
// (QuarantinePurged). n ≤ 0 restores the default. Call it before serving.
func (db *DB) SetQuarantineCap(n int) {
	if n <= 0 {
		n = DefaultQuarantineRows
	}
	db.quarantineCap.Store(int64(n))
}

// capQuarantine purges the least recently seen entries beyond the cap.
func (db *DB) capQuarantine(ctx context.Context, tx *sql.Tx) error {
	limit := db.quarantineCap.Load()
	if limit <= 0 {
		limit = DefaultQuarantineRows
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM quarantine WHERE (mn, reason) IN (
		SELECT mn, reason FROM quarantine ORDER BY last_seen, mn, reason
		LIMIT max(0, (SELECT count(*) FROM quarantine) - ?))`, limit)
	if err != nil {
		return fmt.Errorf("purge the oldest quarantine entries: %w", err)
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO settings(key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + excluded.value, updated_at = excluded.updated_at`,
		quarantinePurgedKey, n, db.Now().UnixMilli())
	return err
}

// QuarantinePurged is how many quarantine entries the cap has purged since
// the database was created.
func (db *DB) QuarantinePurged(ctx context.Context) (int64, error) {
	var n int64
	err := db.db.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM settings WHERE key = ?`, quarantinePurgedKey).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read quarantine purge count: %w", classify(err))
	}
	return n, nil
}

// Quarantined returns the quarantine list, most recently seen first.
func (db *DB) Quarantined(ctx context.Context) ([]store.QuarantinedPacket, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT mn, reason, remote_addr, first_seen, last_seen, count, sample
		FROM quarantine ORDER BY last_seen DESC, mn`)
	if err != nil {
		return nil, fmt.Errorf("list quarantine: %w", classify(err))
	}
	defer rows.Close()
	var out []store.QuarantinedPacket
	for rows.Next() {
		var p store.QuarantinedPacket
		var first, last int64
		if err := rows.Scan(&p.MN, &p.Reason, &p.RemoteAddr, &first, &last, &p.Count, &p.Sample); err != nil {
			return nil, fmt.Errorf("list quarantine: %w", err)
		}
		p.FirstSeen, p.LastSeen = fromMS(first), fromMS(last)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list quarantine: %w", classify(err))
	}
	return out, nil
}

// DeleteQuarantined removes every quarantine entry of mn, e.g. once the
// terminal is registered. It returns store.ErrNotFound when there was none.
func (db *DB) DeleteQuarantined(ctx context.Context, mn string) error {
	res, err := db.db.ExecContext(ctx, `DELETE FROM quarantine WHERE mn = ?`, mn)
	if err != nil {
		return fmt.Errorf("release %s from quarantine: %w", mn, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("release %s from quarantine: %w", mn, store.ErrNotFound)
	}
	return nil
}
