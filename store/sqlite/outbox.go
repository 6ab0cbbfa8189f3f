package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"powerwatch/store"
)

// enqueue adds outbox items inside an ingest or other transaction, several
// per statement, and returns their ids in the order of items.
func enqueue(ctx context.Context, q querier, items []store.OutboxItem, now time.Time) ([]int64, error) {
	ids := make([]int64, 0, len(items))
	for _, n := range rowChunks(len(items)) {
		args := make([]any, 0, 5*n)
		for _, it := range items[:n] {
			created := it.CreatedAt
			if created.IsZero() {
				created = now
			}
			args = append(args, it.Target, it.Kind, it.Key, it.Payload, ms(created))
		}
		got, err := insertOutbox(ctx, q, n, args)
		if err != nil {
			return nil, fmt.Errorf("outbox items %d–%d for %s: %w", len(ids), len(ids)+n-1, items[0].Target, err)
		}
		ids = append(ids, got...)
		items = items[n:]
	}
	return ids, nil
}

// insertOutbox runs one multi-row insert of n items. The rows get ascending
// ids in the order of VALUES; RETURNING yields them in no promised order, so
// they are sorted.
func insertOutbox(ctx context.Context, q querier, n int, args []any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, outboxInsertSQL(n), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) != n {
		return nil, fmt.Errorf("%d ids returned for %d rows", len(ids), n)
	}
	slices.Sort(ids)
	return ids, nil
}

// Enqueue adds items to the outbox outside an ingest, e.g. shared-data JSON
// after a registry change, and returns their ids.
func (db *DB) Enqueue(ctx context.Context, items []store.OutboxItem) ([]int64, error) {
	for i, it := range items {
		if it.Target == "" || it.Kind == "" {
			return nil, fmt.Errorf("enqueue item %d: %w: target and kind are required", i, store.ErrInvalid)
		}
	}
	var ids []int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		ids, err = enqueue(ctx, tx, items, db.Now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("enqueue %d items: %w", len(items), err)
	}
	return ids, nil
}

// PendingOutbox returns up to limit undelivered items for target, oldest first.
func (db *DB) PendingOutbox(ctx context.Context, target string, limit int) ([]store.OutboxItem, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, target, kind, key, payload, created_at, sent_at, attempts, last_error
		FROM outbox WHERE target = ? AND sent_at = 0 ORDER BY id LIMIT ?`, target, limit)
	if err != nil {
		return nil, fmt.Errorf("pending outbox of %s: %w", target, classify(err))
	}
	defer rows.Close()
	var out []store.OutboxItem
	for rows.Next() {
		var it store.OutboxItem
		var created, sent int64
		if err := rows.Scan(&it.ID, &it.Target, &it.Kind, &it.Key, &it.Payload, &created, &sent, &it.Attempts, &it.LastError); err != nil {
			return nil, fmt.Errorf("pending outbox of %s: %w", target, err)
		}
		it.CreatedAt, it.SentAt = fromMS(created), fromMS(sent)
		out = append(out, it)
	}
	return out, rows.Err()
}

// MarkSent records that the items ids were delivered at at.
func (db *DB) MarkSent(ctx context.Context, ids []int64, at time.Time) error {
	return db.updateOutbox(ctx, "mark sent", ids, `UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id IN (%s) AND sent_at = 0`, ms(at))
}

// MarkFailed records a failed delivery attempt of the items ids; they stay pending.
func (db *DB) MarkFailed(ctx context.Context, ids []int64, reason string) error {
	return db.updateOutbox(ctx, "mark failed", ids, `UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id IN (%s) AND sent_at = 0`, reason)
}

// updateChunk is how many ids one outbox update names: SQLite refuses a
// statement with more than 32,766 variables, and a relay with hundreds of
// terminal connections can gather more answers than that.
const updateChunk = 1000

func (db *DB) updateOutbox(ctx context.Context, what string, ids []int64, query string, first any) error {
	for len(ids) > 0 {
		n := min(len(ids), updateChunk)
		args := []any{first}
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		marks := strings.TrimSuffix(strings.Repeat("?,", n), ",")
		if _, err := db.db.ExecContext(ctx, fmt.Sprintf(query, marks), args...); err != nil {
			return fmt.Errorf("%s %d outbox items: %w", what, len(ids), classify(err))
		}
		ids = ids[n:]
	}
	return nil
}

// OutboxStats summarises the queue per target.
func (db *DB) OutboxStats(ctx context.Context) ([]store.OutboxStat, error) {
	since := ms(db.Now().Add(-24 * time.Hour))
	rows, err := db.db.QueryContext(ctx, `SELECT target,
			sum(sent_at = 0), sum(sent_at = 0 AND attempts > 0), coalesce(min(CASE WHEN sent_at = 0 THEN created_at END), 0),
			coalesce((SELECT last_error FROM outbox o2 WHERE o2.target = o.target AND o2.sent_at = 0 AND o2.last_error <> '' ORDER BY id DESC LIMIT 1), ''),
			sum(sent_at >= ?)
		FROM outbox o GROUP BY target ORDER BY target`, since)
	if err != nil {
		return nil, fmt.Errorf("outbox stats: %w", classify(err))
	}
	defer rows.Close()
	var out []store.OutboxStat
	for rows.Next() {
		var s store.OutboxStat
		var oldest int64
		if err := rows.Scan(&s.Target, &s.Pending, &s.Failing, &oldest, &s.LastError, &s.SentLast24); err != nil {
			return nil, fmt.Errorf("outbox stats: %w", err)
		}
		s.OldestAt = fromMS(oldest)
		out = append(out, s)
	}
	return out, rows.Err()
}

// PurgeOutbox deletes items delivered before before and returns how many.
func (db *DB) PurgeOutbox(ctx context.Context, before time.Time) (int64, error) {
	r, err := db.db.ExecContext(ctx, `DELETE FROM outbox WHERE sent_at > 0 AND sent_at < ?`, ms(before))
	if err != nil {
		return 0, fmt.Errorf("purge outbox: %w", classify(err))
	}
	return r.RowsAffected()
}
