package sqlite_test

import (
	"math"
	"reflect"
	"testing"
	"time"

	"powerwatch/store"
)

func TestAggregates(t *testing.T) {
	tests := []struct {
		name       string
		energies   []float64 // counter per 5-minute slot from 08:00; NaN = no counter
		power      float64
		wantEnergy float64
		wantResets int
	}{
		{"counter difference", []float64{100, 101, 103, 106}, 20, 6, 0},
		// The meter was replaced after 101: that interval falls back to ∫P (20 kW × 5 min).
		{"counter reset", []float64{100, 101, 2, 5}, 20, 1 + 20.0/12 + 3, 1},
		{"no counter: integral of P", []float64{math.NaN(), math.NaN(), math.NaN()}, 12, 3 * 12.0 / 12, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustReadings(t, 1)
			var b store.Batch
			for i, e := range tt.energies {
				b.Samples = append(b.Samples, sample(f.points[0], day0.Add(8*time.Hour+time.Duration(i)*5*time.Minute), tt.power, e))
			}
			mustIngest(t, f.db, &b)
			days, err := f.db.DailyAggregates(t.Context(), f.points[0], day0, day0.AddDate(0, 0, 1))
			if err != nil || len(days) != 1 {
				t.Fatalf("DailyAggregates = %+v, %v", days, err)
			}
			d := days[0]
			if math.Abs(d.Energy-tt.wantEnergy) > 1e-9 || d.Resets != tt.wantResets {
				t.Errorf("energy %v resets %d, want %v and %d", d.Energy, d.Resets, tt.wantEnergy, tt.wantResets)
			}
			if d.Received != len(tt.energies) || d.Expected != 288 {
				t.Errorf("received %d / expected %d, want %d / 288", d.Received, d.Expected, len(tt.energies))
			}
		})
	}
}

// TestAggregatesBackfillEqualsInOrder ensures that data arriving out of order
// (late backfill, in pieces) gives the same aggregates as data in order.
func TestAggregatesBackfillEqualsInOrder(t *testing.T) {
	mk := func(i int) store.Sample {
		at := day0.Add(time.Duration(i) * 5 * time.Minute)
		p := 10.0
		if i%12 < 6 {
			p = 60 // above the derived running threshold (20 % of 100 kW) half of each hour
		}
		return sample(0, at, p, 500+float64(i*i%7)+float64(i))
	}
	inOrder, backfilled := mustReadings(t, 1), mustReadings(t, 1)
	var all store.Batch
	for i := range 288 * 2 {
		s := mk(i)
		s.PointID = inOrder.points[0]
		all.Samples = append(all.Samples, s)
	}
	mustIngest(t, inOrder.db, &all)

	// Live data with a gap 10:00–14:00 on day 0, filled the next morning, one slot a batch, backwards.
	var live store.Batch
	for i := range 288 * 2 {
		if i >= 24 && i < 72 {
			continue
		}
		s := mk(i)
		s.PointID = backfilled.points[0]
		live.Samples = append(live.Samples, s)
	}
	mustIngest(t, backfilled.db, &live)
	for i := 71; i >= 24; i-- {
		s := mk(i)
		s.PointID = backfilled.points[0]
		mustIngest(t, backfilled.db, &store.Batch{Samples: []store.Sample{s}})
	}
	for _, tbl := range []string{"hour", "day"} {
		get := func(f *readingsFixture) []store.Aggregate {
			from, to := day0, day0.AddDate(0, 0, 2)
			var as []store.Aggregate
			var err error
			if tbl == "hour" {
				as, err = f.db.HourlyAggregates(t.Context(), f.points[0], from, to)
			} else {
				as, err = f.db.DailyAggregates(t.Context(), f.points[0], from, to)
			}
			if err != nil {
				t.Fatal(err)
			}
			return as
		}
		want, got := get(inOrder), get(backfilled)
		if len(want) != len(got) {
			t.Fatalf("%s rows: %d after backfill, want %d", tbl, len(got), len(want))
		}
		for i := range want {
			w, g := want[i], got[i]
			if math.Abs(w.Energy-g.Energy) > 1e-9 || w.RunMinutes != g.RunMinutes || w.Received != g.Received || w.MaxP != g.MaxP || w.AvgP != g.AvgP {
				t.Errorf("%s %s after backfill = %+v, want %+v", tbl, w.Start.In(store.Beijing), g, w)
			}
		}
	}
	days, _ := inOrder.db.DailyAggregates(t.Context(), inOrder.points[0], day0, day0.AddDate(0, 0, 1))
	if days[0].RunMinutes != 12*60 {
		t.Errorf("running minutes of day 0 = %v, want 720 (half of each hour at 60 kW)", days[0].RunMinutes)
	}
	// The nightly catch-up must agree with what ingest maintained.
	if err := backfilled.db.RecomputeAggregates(t.Context(), day0, day0.AddDate(0, 0, 2)); err != nil {
		t.Fatal(err)
	}
	re, _ := backfilled.db.DailyAggregates(t.Context(), backfilled.points[0], day0, day0.AddDate(0, 0, 2))
	want, _ := inOrder.db.DailyAggregates(t.Context(), inOrder.points[0], day0, day0.AddDate(0, 0, 2))
	for i := range want {
		if math.Abs(re[i].Energy-want[i].Energy) > 1e-9 || re[i].Received != want[i].Received {
			t.Errorf("day %d after RecomputeAggregates = %+v, want %+v", i, re[i], want[i])
		}
	}
}

// TestBackfillMovesEnergyAcrossDays ensures that a backfilled sample in a gap
// takes its share of the counter difference from the day after the gap.
func TestBackfillMovesEnergyAcrossDays(t *testing.T) {
	f := mustReadings(t, 1)
	ctx := t.Context()
	p := f.points[0]
	mustIngest(t, f.db, &store.Batch{Samples: []store.Sample{sample(p, day0.Add(8*time.Hour), 1, 0), sample(p, day0.AddDate(0, 0, 2).Add(8*time.Hour), 1, 100)}})
	energy := func() []float64 {
		days, err := f.db.DailyAggregates(ctx, p, day0, day0.AddDate(0, 0, 3))
		if err != nil {
			t.Fatal(err)
		}
		var out []float64
		for _, d := range days {
			out = append(out, d.Energy)
		}
		return out
	}
	if got := energy(); len(got) != 2 || got[0] != 0 || got[1] != 100 {
		t.Fatalf("daily energy before backfill = %v, want [0 100] (the gap's counter difference on day 2)", got)
	}
	mustIngest(t, f.db, &store.Batch{Samples: []store.Sample{sample(p, day0.AddDate(0, 0, 1).Add(8*time.Hour), 1, 40)}})
	if got := energy(); len(got) != 3 || got[0] != 0 || got[1] != 40 || got[2] != 60 {
		t.Fatalf("daily energy after backfill = %v, want [0 40 60]", got)
	}
}

// TestHourlyPowerMatchesAggregates: the power-only read the threshold
// proposal uses gives the hours and power HourlyAggregates gives, for packed
// days (folded from their blobs: their agg_hour rows are dropped), packed
// days with late data, live days, and a range across the watermark.
func TestHourlyPowerMatchesAggregates(t *testing.T) {
	f := mustReadings(t, 1)
	ctx := t.Context()
	pt := f.points[0]
	var b store.Batch
	// Three days at 5 minutes: a level changing with the hour, an hour without
	// power (current only), a rejected value, and 02:00–04:00 not sent.
	for i := range 3 * 288 {
		at := day0.Add(time.Duration(i) * 5 * time.Minute)
		h := at.In(store.Beijing).Hour()
		if h >= 2 && h < 4 {
			continue
		}
		p := 10 + float64(i%288)/7 + float64(i%5)
		if h == 6 {
			p = math.NaN()
		}
		if i == 300 {
			p = math.Inf(1)
		}
		s := sample(pt, at, p, math.NaN())
		s.I = 3
		b.Samples = append(b.Samples, s)
	}
	mustIngest(t, f.db, &b)
	if _, err := f.db.Compact(ctx, day0.AddDate(0, 0, 2)); err != nil { // days 0 and 1 packed
		t.Fatal(err)
	}
	// Late data for the packed day 0 (02:00–03:00), merged into its blob.
	var late store.Batch
	for i := range 12 {
		late.Samples = append(late.Samples, sample(pt, day0.Add(2*time.Hour+time.Duration(i)*5*time.Minute), 55, math.NaN()))
	}
	mustIngest(t, f.db, &late)
	for _, tt := range []struct {
		name     string
		from, to time.Time
		hours    int // hours with power
	}{
		{"all three days", day0, day0.AddDate(0, 0, 3), 3*22 - 3 + 1},
		{"packed days only", day0, day0.AddDate(0, 0, 2), 2*22 - 2 + 1},
		{"live day only", day0.AddDate(0, 0, 2), day0.AddDate(0, 0, 3), 21},
		{"across the watermark, from mid-hour", day0.AddDate(0, 0, 1).Add(20*time.Hour + 30*time.Minute), day0.AddDate(0, 0, 2).Add(5 * time.Hour), 3 + 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			full, err := f.db.HourlyAggregates(ctx, pt, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			var want []store.Aggregate
			for _, a := range full {
				if !math.IsNaN(a.AvgP) {
					want = append(want, a)
				}
			}
			got, err := f.db.HourlyPower(ctx, pt, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.hours || len(want) != tt.hours {
				t.Fatalf("HourlyPower = %d hours, HourlyAggregates %d with power; want %d", len(got), len(want), tt.hours)
			}
			for i := range got {
				a, p := want[i], got[i]
				if !p.Start.Equal(a.Start) || p.MinP != a.MinP || p.MaxP != a.MaxP || math.Abs(p.AvgP-a.AvgP) > 1e-9*a.AvgP {
					t.Errorf("hour %d: power %+v, aggregate %+v", i, p, a)
				}
			}
		})
	}
	got, _ := f.db.HourlyPower(ctx, pt, day0.Add(2*time.Hour), day0.Add(3*time.Hour))
	if len(got) != 1 || got[0].MinP != 55 || got[0].AvgP != 55 {
		t.Errorf("02:00 of the packed day after late data = %+v, want one hour at 55 kW", got)
	}

	// The proposal's reader (memory-mapped reads on a connection of its
	// own) reads the same, and leaves its connection unmapped.
	f.db.SQL().SetMaxOpenConns(1) // so that the check below gets the reader's connection back
	pr, err := f.db.PowerReader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	viaReader, err := pr.HourlyPower(ctx, pt, day0, day0.AddDate(0, 0, 3))
	if err != nil {
		t.Fatal(err)
	}
	if err := pr.Close(); err != nil {
		t.Fatal(err)
	}
	direct, _ := f.db.HourlyPower(ctx, pt, day0, day0.AddDate(0, 0, 3))
	if !reflect.DeepEqual(viaReader, direct) {
		t.Errorf("PowerReader read %d hours, DB.HourlyPower %d, or they differ", len(viaReader), len(direct))
	}
	var mmap int64
	if err := f.db.SQL().QueryRowContext(ctx, "PRAGMA mmap_size").Scan(&mmap); err != nil || mmap != 0 {
		t.Errorf("mmap_size after the reader closed = %d, %v; want 0", mmap, err)
	}
}
