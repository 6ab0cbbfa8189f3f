package sqlite

import (
	"context"
	"fmt"
	"time"

	"powerwatch/store"
)

// StartServiceRun records that the receiving service starts listening at at,
// and returns the run's id for ServiceAlive.
func (db *DB) StartServiceRun(ctx context.Context, at time.Time) (int64, error) {
	res, err := db.db.ExecContext(ctx, `INSERT INTO service_runs(started_at, alive_at) VALUES (?, ?)`, at.UnixMilli(), at.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("record service start: %w", err)
	}
	return res.LastInsertId()
}

// ServiceAlive moves the run's heartbeat to at: after a crash or a power cut
// the run is known to have lasted until the last heartbeat.
func (db *DB) ServiceAlive(ctx context.Context, id int64, at time.Time) error {
	if _, err := db.db.ExecContext(ctx, `UPDATE service_runs SET alive_at = max(alive_at, ?) WHERE id = ?`, at.UnixMilli(), id); err != nil {
		return fmt.Errorf("record service heartbeat: %w", err)
	}
	return nil
}

// ServiceRuns returns the runs overlapping [from, to), oldest first.
func (db *DB) ServiceRuns(ctx context.Context, from, to time.Time) ([]store.ServiceRun, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, started_at, alive_at FROM service_runs
		WHERE alive_at >= ? AND started_at < ? ORDER BY started_at`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("read service runs: %w", err)
	}
	defer rows.Close()
	var out []store.ServiceRun
	for rows.Next() {
		var r store.ServiceRun
		var s, a int64
		if err := rows.Scan(&r.ID, &s, &a); err != nil {
			return nil, fmt.Errorf("read service runs: %w", err)
		}
		r.Start, r.Alive = time.UnixMilli(s).UTC(), time.UnixMilli(a).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// AnyServiceRun reports whether a receiving service ever ran on this file; a
// database filled only by imports and the CLI has no runs, and its offline
// alarms are judged on the data alone.
func (db *DB) AnyServiceRun(ctx context.Context) (bool, error) {
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM service_runs LIMIT 1)`).Scan(&n); err != nil {
		return false, fmt.Errorf("read service runs: %w", err)
	}
	return n > 0, nil
}
