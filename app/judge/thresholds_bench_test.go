package judge

import (
	"os"
	"testing"
	"time"

	"powerwatch/store/sqlite"
)

// BenchmarkProposeThresholds proposes for every facility of the database in
// $BENCH_DB (a district-year from `powerwatch gen`) over the year before
// $BENCH_END (default now), without replay. Skipped without BENCH_DB.
func BenchmarkProposeThresholds(b *testing.B) {
	path := os.Getenv("BENCH_DB")
	if path == "" {
		b.Skip("set BENCH_DB to a generated district-year")
	}
	end := time.Now()
	if e := os.Getenv("BENCH_END"); e != "" {
		var err error
		if end, err = time.Parse(time.DateOnly, e); err != nil {
			b.Fatal(err)
		}
	}
	// Read-only: the district-year may be a shared file, and an older one
	// must not be migrated by a benchmark. No quick check: it reads every
	// page of the file, which is the open's cost, not the proposal's.
	db, err := sqlite.OpenWith(b.Context(), path, sqlite.Options{ReadOnly: true, SkipCheck: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for b.Loop() {
		ps, err := ProposeThresholds(b.Context(), db, ProposeOptions{To: end})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(ps)), "facilities")
	}
}
