package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"runtime"
	"slices"
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
	var slow []int64
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if packed, err = compactedBefore(ctx, tx); err != nil {
			return err
		}
		if min(hi, packed) > lo {
			total, slow, err = summedPacked(ctx, tx, lo, min(hi, packed))
		}
		return err
	})
	if err == nil && len(slow) > 0 {
		var more float64
		more, err = db.packedEnergy(ctx, slow, lo, min(hi, packed))
		total += more
	}
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

// summedPacked sums, in one pass over their summaries, the energy of the
// registered points' hours in [lo, hi) ms, whole hours of packed days. A
// point with a day that has no summary yet, or has hour rows again (rebuilt
// by late data), is left out of the sum and listed in slow, for packedEnergy.
func summedPacked(ctx context.Context, tx *sql.Tx, lo, hi int64) (float64, []int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.point_id, s.day, h.hours,
			EXISTS (SELECT 1 FROM agg_hour a WHERE a.point_id = s.point_id AND a.start >= s.day AND a.start < s.day + ?)
		FROM points p CROSS JOIN series_days s ON s.point_id = p.id AND s.day >= ? AND s.day < ?
		LEFT JOIN hour_days h ON h.point_id = s.point_id AND h.day = s.day
		ORDER BY s.point_id, s.day`, dayMS, dayOfMS(lo), hi)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var total, sum float64 // sum: the current point's, added when it is done
	var slow []int64
	cur := int64(math.MinInt64)
	var hs []hourEnergy
	for rows.Next() {
		var point, day int64
		var blob sql.RawBytes
		var rebuilt bool
		if err := rows.Scan(&point, &day, &blob, &rebuilt); err != nil {
			return 0, nil, err
		}
		if point != cur {
			if !slices.Contains(slow, cur) {
				total += sum
			}
			cur, sum = point, 0
		}
		if blob == nil || rebuilt {
			if !slices.Contains(slow, point) {
				slow = append(slow, point)
			}
			continue
		}
		if hs, err = decodeHourDay(hs[:0], day, blob); err != nil {
			return 0, nil, fmt.Errorf("point %d, day %s: %w", point, fromMS(day).In(store.Beijing).Format(time.DateOnly), err)
		}
		for _, h := range hs {
			if h.start >= lo && h.start < hi {
				sum += h.energy
			}
		}
	}
	if !slices.Contains(slow, cur) {
		total += sum
	}
	return total, slow, rows.Err()
}

// packedEnergy sums the energy of points' hours in [lo, hi) ms, whole hours
// of packed days, through packedHours: for the points whose days lack a
// summary (packed before 0026, not yet filled) the blobs are unpacked, so the
// points are shared among the cores, each part in its own read transaction,
// and the parts added in order (the same sum every time).
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
