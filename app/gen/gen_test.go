package gen_test

import (
	"path/filepath"
	"testing"
	"time"

	"powerwatch/app/gen"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

func TestGenerate(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "gen.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	end := time.Date(2026, 11, 28, 0, 0, 0, 0, store.Beijing)
	sum, err := gen.Generate(ctx, db, gen.Config{Points: 60, Days: 9, End: end, Seed: 1, Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Points != 60 || sum.Samples < 60*288*9*95/100 || sum.Packets < sum.Terminals*288*9*95/100 {
		t.Fatalf("Summary = %+v, want 60 points and ~all slots of 9 days", sum)
	}
	rows, err := db.Consumption(ctx, store.StatsQuery{By: store.ByEnterprise, Period: store.Day, From: sum.From, To: sum.To})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != sum.Enterprises*9 {
		t.Fatalf("daily consumption rows = %d, want %d", len(rows), sum.Enterprises*9)
	}
	var total float64
	for _, r := range rows {
		if r.Energy < 0 {
			t.Errorf("row %+v has negative energy", r)
		}
		total += r.Energy
	}
	if total <= 0 {
		t.Errorf("total energy = %v, want > 0", total)
	}
	// Treatment follows production: in a working hour of a day-shift firm both draw power.
	latest, err := db.LatestSamples(ctx)
	if err != nil || len(latest) != 60 {
		t.Fatalf("LatestSamples = %d, %v", len(latest), err)
	}
	again, err := gen.Generate(ctx, mustOpen(t), gen.Config{Points: 60, Days: 9, End: end, Seed: 1})
	if err != nil || again.Samples != sum.Samples || len(again.Violations) != len(sum.Violations) {
		t.Errorf("same seed gave %d samples and %d violations, want %d and %d", again.Samples, len(again.Violations), sum.Samples, len(sum.Violations))
	}
}

func mustOpen(t *testing.T) *sqlite.DB {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "gen2.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
