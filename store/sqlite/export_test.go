package sqlite

import (
	"context"

	"powerwatch/store"
)

// SetCrashAt makes db behave, at the crash points for which f returns true,
// as if the process died there (see crashed). For the crash tests only.
func SetCrashAt(db *DB, f func(point string) bool) { db.crashAt = f }

// ConsumptionFromPoints is Consumption summed from the points' daily rows
// (agg_day) even where Consumption reads the enterprises' totals
// (agg_ent_day): the tests hold the two equal.
func ConsumptionFromPoints(ctx context.Context, db *DB, q store.StatsQuery) ([]store.StatsRow, error) {
	return db.consumptionStats(ctx, q, true)
}
