package sqlite_test

import (
	"context"
	"os"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// BenchmarkConsumptionByDay asks $BENCH_DB (a generated district-year) for
// 统计's heaviest query: every enterprise by day, with 同比 and 环比, over
// the year so far ending at $BENCH_END — from the enterprises' daily totals
// (agg_ent_day, what Consumption reads) and from the points' rows (agg_day,
// what it read before 0027). Skipped without BENCH_DB.
func BenchmarkConsumptionByDay(b *testing.B) {
	path := os.Getenv("BENCH_DB")
	if path == "" {
		b.Skip("set BENCH_DB to a generated district-year")
	}
	end := time.Date(2026, 11, 29, 0, 0, 0, 0, store.Beijing)
	if s := os.Getenv("BENCH_END"); s != "" {
		t, err := time.ParseInLocation(time.DateOnly, s, store.Beijing)
		if err != nil {
			b.Fatal(err)
		}
		end = t
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, by := range []store.StatsBy{store.ByEnterprise, store.ByIndustry} {
		q := store.StatsQuery{By: by, Period: store.Day, From: time.Date(end.Year(), 1, 1, 0, 0, 0, 0, store.Beijing), To: end}
		for _, read := range []struct {
			name string
			fn   func() ([]store.StatsRow, error)
		}{
			{"enterprise-days", func() ([]store.StatsRow, error) { return db.Consumption(ctx, q) }},
			{"point-days", func() ([]store.StatsRow, error) { return sqlite.ConsumptionFromPoints(ctx, db, q) }},
		} {
			b.Run(string(by)+"/"+read.name, func(b *testing.B) {
				var n int
				for b.Loop() {
					rows, err := read.fn()
					if err != nil {
						b.Fatal(err)
					}
					n = len(rows)
				}
				b.ReportMetric(float64(n), "rows")
			})
		}
	}
}
