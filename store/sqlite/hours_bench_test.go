package sqlite_test

import (
	"context"
	"os"
	"testing"
	"time"

	"powerwatch/store/sqlite"
)

// BenchmarkPackedHours reads a week of hours of 200 points of $BENCH_DB (a
// generated district-year) ending at $BENCH_END, packed days all: the read
// the episode board's baselines and the 总览 comparison make for every
// point, as full aggregates folded from the series and as the hour_days
// summaries HourlyEnergy reads. Skipped without BENCH_DB.
func BenchmarkPackedHours(b *testing.B) {
	path := os.Getenv("BENCH_DB")
	if path == "" {
		b.Skip("set BENCH_DB to a generated district-year")
	}
	end := time.Date(2026, 11, 29, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	if s := os.Getenv("BENCH_END"); s != "" {
		t, err := time.ParseInLocation(time.DateOnly, s, end.Location())
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
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		b.Fatal(err)
	}
	pts := reg.Points
	if len(pts) > 200 {
		pts = pts[:200]
	}
	from := end.AddDate(0, 0, -7)
	for _, read := range []struct {
		name string
		fn   func(p int64) error
	}{
		{"aggregates", func(p int64) error { _, err := db.HourlyAggregates(ctx, p, from, end); return err }},
		{"energy", func(p int64) error { _, err := db.HourlyEnergy(ctx, p, from, end); return err }},
	} {
		b.Run(read.name, func(b *testing.B) {
			for b.Loop() {
				for _, p := range pts {
					if err := read.fn(p.ID); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(pts)*7), "µs/point-day")
		})
	}
}
