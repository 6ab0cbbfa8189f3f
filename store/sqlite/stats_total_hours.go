package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sync"
	"time"

	"powerwatch/store"
)

// TotalEnergyHours returns the kWh of every point over [from, to) widened to
// whole hours: the dashboard sets today so far against the same hours of the
// same weekday last week with it, which the daily totals of TotalEnergy
// cannot do before the day ends. Live days' hours are summed from agg_hour;
// packed days keep no hour rows (migration 0022), so their hours are read
// from each registered point's day summaries (hour_days, as HourlyEnergy
// does; last week's morning is always packed).
func (db *DB) TotalEnergyHours(ctx context.Context, from, to time.Time) (float64, error) {
	if !to.After(from) {
		return 0, fmt.Errorf("total energy by hours: %w: from %s to %s", store.ErrInvalid, from, to)
	}
	lo := from.Truncate(time.Hour).UnixMilli()
	hi := to.Add(-time.Millisecond).Truncate(time.Hour).Add(time.Hour).UnixMilli()
	var total float64
	var packed int64
	var ids []int64
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if packed, err = compactedBefore(ctx, tx); err != nil {
			return err
		}
		if min(hi, packed) > lo {
			ids, err = registeredPoints(ctx, tx)
		}
		return err
	})
	if err == nil && len(ids) > 0 {
		total, err = db.packedEnergy(ctx, ids, lo, min(hi, packed))
	}
	if err == nil && hi > packed {
		var sum sql.NullFloat64
		err = db.db.QueryRowContext(ctx, `SELECT sum(a.energy)
			FROM (SELECT point_id AS id FROM latest_samples UNION SELECT id FROM points) p
			JOIN agg_hour a ON a.point_id = p.id AND a.start >= ? AND a.start < ?`, max(lo, packed), hi).Scan(&sum)
		total += sum.Float64
	}
	if err != nil {
		return 0, fmt.Errorf("total energy %s – %s: %w", fromMS(lo).Format(time.DateTime), fromMS(hi).Format(time.DateTime), classify(err))
	}
	return total, nil
}

// packedEnergy sums the energy of points' hours in [lo, hi) ms, whole hours
// of packed days (packedHours): a day of a district's 2,000 points is 2,000
// summaries, or blobs to unpack where a day has none yet, so the points are
// shared among the cores, each part in its own read transaction, and the
// parts added in order (the same sum every time).
func (db *DB) packedEnergy(ctx context.Context, ids []int64, lo, hi int64) (float64, error) {
	parts := min(runtime.GOMAXPROCS(0), len(ids))
	sums := make([]float64, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() {
			errs[k] = db.readTx(ctx, func(tx *sql.Tx) error {
				for i := k; i < len(ids); i += parts {
					hs, err := packedHours(ctx, tx, ids[i], lo, hi)
					if err != nil {
						return fmt.Errorf("point %d: %w", ids[i], err)
					}
					for _, h := range hs {
						sums[k] += h.energy
					}
				}
				return nil
			})
		})
	}
	wg.Wait()
	total := 0.0
	for k := range parts {
		if errs[k] != nil {
			return 0, errs[k]
		}
		total += sums[k]
	}
	return total, nil
}

// registeredPoints lists the registry's point ids.
func registeredPoints(ctx context.Context, tx *sql.Tx) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM points ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
