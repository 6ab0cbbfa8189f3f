package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"powerwatch/store"
)

// TotalEnergyHours returns the kWh of every point over [from, to) widened to
// whole hours, from the hourly aggregates: the dashboard sets today so far
// against the same hours of the same weekday last week with it, which the
// daily totals of TotalEnergy cannot do before the day ends.
func (db *DB) TotalEnergyHours(ctx context.Context, from, to time.Time) (float64, error) {
	if !to.After(from) {
		return 0, fmt.Errorf("total energy by hours: %w: from %s to %s", store.ErrInvalid, from, to)
	}
	lo := from.Truncate(time.Hour)
	hi := to.Add(-time.Millisecond).Truncate(time.Hour).Add(time.Hour)
	var sum sql.NullFloat64
	err := db.db.QueryRowContext(ctx, `SELECT sum(a.energy)
		FROM (SELECT point_id AS id FROM latest_samples UNION SELECT id FROM points) p
		JOIN agg_hour a ON a.point_id = p.id AND a.start >= ? AND a.start < ?`, lo.UnixMilli(), hi.UnixMilli()).Scan(&sum)
	if err != nil {
		return 0, fmt.Errorf("total energy %s – %s: %w", lo.Format(time.DateTime), hi.Format(time.DateTime), classify(err))
	}
	return sum.Float64, nil
}
