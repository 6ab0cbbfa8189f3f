package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"powerwatch/store"
)

// TotalEnergyHours returns the kWh of every point over [from, to) widened to
// whole hours: the dashboard sets today so far against the same hours of the
// same weekday last week with it, which the daily totals of TotalEnergy
// cannot do before the day ends. Live days' hours are summed from agg_hour;
// packed days keep no hour rows (migration 0022), so their hours are those
// HourlyEnergyOf reads for every registered point (hoursOf: the day
// summaries of hour_days; last week's morning is always packed).
func (db *DB) TotalEnergyHours(ctx context.Context, from, to time.Time) (float64, error) {
	if !to.After(from) {
		return 0, fmt.Errorf("total energy by hours: %w: from %s to %s", store.ErrInvalid, from, to)
	}
	lo := from.Truncate(time.Hour).UnixMilli()
	hi := to.Add(-time.Millisecond).Truncate(time.Hour).Add(time.Hour).UnixMilli()
	var total float64
	var packed int64
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if packed, err = compactedBefore(ctx, tx); err != nil || min(hi, packed) <= lo {
			return err
		}
		ids, err := registeredPoints(ctx, tx)
		if err != nil {
			return err
		}
		hours, err := hoursOf(ctx, tx, ids, lo, min(hi, packed), packed)
		for _, id := range ids { // in point order: the same sum every time
			for _, h := range hours[id] {
				total += h.energy
			}
		}
		return err
	})
	if err == nil && hi > packed {
		var sum sql.NullFloat64
		err = db.db.QueryRowContext(ctx, `SELECT sum(a.energy)
			FROM (SELECT point_id AS id FROM latest_samples UNION SELECT id FROM points) p
			CROSS JOIN agg_hour a ON a.point_id = p.id AND a.start >= ? AND a.start < ?`, max(lo, packed), hi).Scan(&sum)
		total += sum.Float64
	}
	if err != nil {
		return 0, fmt.Errorf("total energy %s – %s: %w", fromMS(lo).Format(time.DateTime), fromMS(hi).Format(time.DateTime), classify(err))
	}
	return total, nil
}

// registeredPoints lists the registry's point ids, in order.
func registeredPoints(ctx context.Context, q querier) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM points ORDER BY id`)
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
