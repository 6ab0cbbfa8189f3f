package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"powerwatch/store"
)

// TotalEnergy returns the kWh of every point over [from, to), widened to
// whole Beijing days: the sum of the Consumption rows of any grouping by day,
// without their 同比 and 环比. It reads each point's daily rows of the range
// through the table's key (point, day); Consumption, which also needs the
// year before, reads the whole daily table, a second on a year of a 2,000-point
// district, which the dashboard cannot wait for at start-up.
func (db *DB) TotalEnergy(ctx context.Context, from, to time.Time) (float64, error) {
	if !to.After(from) {
		return 0, fmt.Errorf("total energy: %w: from %s to %s", store.ErrInvalid, from, to)
	}
	lo, hi := store.Day.Start(from), store.Day.Add(store.Day.Start(to.Add(-time.Millisecond)), 1)
	// Every point with aggregates has a latest sample; the registry's points
	// are added for safety (the union is a few thousand ids).
	var sum sql.NullFloat64
	err := db.db.QueryRowContext(ctx, `SELECT sum(a.energy)
		FROM (SELECT point_id AS id FROM latest_samples UNION SELECT id FROM points) p
		CROSS JOIN agg_day a ON a.point_id = p.id AND a.start >= ? AND a.start < ?`, lo.UnixMilli(), hi.UnixMilli()).Scan(&sum)
	if err != nil {
		return 0, fmt.Errorf("total energy %s – %s: %w", lo.Format(time.DateOnly), hi.Format(time.DateOnly), classify(err))
	}
	return sum.Float64, nil
}
