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
// packed days keep no hour rows (migration 0022), so their hours are folded
// from each registered point's series of the range, as HourlyAggregates does
// (last week's morning is always packed).
func (db *DB) TotalEnergyHours(ctx context.Context, from, to time.Time) (float64, error) {
	if !to.After(from) {
		return 0, fmt.Errorf("total energy by hours: %w: from %s to %s", store.ErrInvalid, from, to)
	}
	lo := from.Truncate(time.Hour).UnixMilli()
	hi := to.Add(-time.Millisecond).Truncate(time.Hour).Add(time.Hour).UnixMilli()
	var total float64
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		packed, err := compactedBefore(ctx, tx)
		if err != nil {
			return err
		}
		if end := min(hi, packed); lo < end {
			kwh, err := packedEnergy(ctx, tx, lo, end)
			if err != nil {
				return err
			}
			total += kwh
		}
		if hi <= packed {
			return nil
		}
		var sum sql.NullFloat64
		err = tx.QueryRowContext(ctx, `SELECT sum(a.energy)
			FROM (SELECT point_id AS id FROM latest_samples UNION SELECT id FROM points) p
			JOIN agg_hour a ON a.point_id = p.id AND a.start >= ? AND a.start < ?`, max(lo, packed), hi).Scan(&sum)
		total += sum.Float64
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("total energy %s – %s: %w", fromMS(lo).Format(time.DateTime), fromMS(hi).Format(time.DateTime), classify(err))
	}
	return total, nil
}

// packedEnergy sums the energy of every registered point's hours in [lo, hi)
// ms, whole hours of packed days, folded from the series (computeHours).
func packedEnergy(ctx context.Context, tx *sql.Tx, lo, hi int64) (float64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM points ORDER BY id`)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	total := 0.0
	for _, id := range ids {
		cfg, err := loadPointCfg(ctx, tx, id)
		if err != nil {
			return 0, fmt.Errorf("point %d: %w", id, err)
		}
		hs, err := computeHours(ctx, tx, id, lo, hi, &cfg)
		if err != nil {
			return 0, fmt.Errorf("point %d: %w", id, err)
		}
		for _, h := range hs {
			total += h.energy
		}
	}
	return total, nil
}
