package sqlite_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"powerwatch/store"
)

// TestDayNightEqualsHours feeds readings over a month's end — in order, late,
// re-sent, with a compaction and a recompute in between — and requires
// DayNight's summaries (migration 0021) to equal the day and night sums of
// the hourly aggregates for ranges inside a month, across it, and over whole
// months.
func TestDayNightEqualsHours(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 42))
	f := mustReadings(t, 3)
	ctx := t.Context()
	start := time.Date(2026, 10, 27, 0, 0, 0, 0, store.Beijing)
	const days = 40
	var all []store.Sample
	for i, p := range f.points {
		counter := 1000.0 * float64(i+1)
		for s := range days * 288 {
			if rng.IntN(15) == 0 {
				continue
			}
			counter = math.Round(counter*100+float64(rng.IntN(500))) / 100
			all = append(all, sample(p, start.Add(time.Duration(s)*5*time.Minute), float64(rng.IntN(60000))/1000, counter))
		}
	}
	var live, late []store.Sample
	for _, s := range all {
		if rng.IntN(8) == 0 {
			late = append(late, s)
		} else {
			live = append(live, s)
		}
	}
	slices.SortStableFunc(live, func(a, b store.Sample) int { return a.At.Compare(b.At) })
	send := func(ss []store.Sample) {
		for len(ss) > 0 {
			n := min(len(ss), 500)
			mustIngest(t, f.db, &store.Batch{Samples: slices.Clone(ss[:n])})
			ss = ss[n:]
		}
	}
	send(live)
	if _, err := f.db.Compact(ctx, start.AddDate(0, 0, 20)); err != nil {
		t.Fatal(err)
	}
	rng.Shuffle(len(late), func(i, j int) { late[i], late[j] = late[j], late[i] })
	send(late)
	if err := f.db.RecomputeAggregates(ctx, start.AddDate(0, 0, 3), start.AddDate(0, 0, 5)); err != nil {
		t.Fatal(err)
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, store.Beijing) }
	tests := []struct {
		name     string
		from, to time.Time
	}{
		{"inside a month", day(10, 28), day(10, 31)},
		{"across a month's end", day(10, 30), day(11, 3)},
		{"a whole month with days either side", day(10, 29), day(12, 4)},
		{"a whole month alone", day(11, 1), day(12, 1)},
		{"one day", day(11, 15), day(11, 16)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := f.db.DayNight(ctx, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			var wantDay, wantNight float64
			for _, p := range f.points {
				aggs, err := f.db.HourlyAggregates(ctx, p, tt.from, tt.to)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range aggs {
					if store.IsDayHour(a.Start.In(store.Beijing).Hour()) {
						wantDay += a.Energy
					} else {
						wantNight += a.Energy
					}
				}
			}
			if len(rows) != 1 || rows[0].ID != f.ent {
				t.Fatalf("rows = %+v, want one for enterprise %d", rows, f.ent)
			}
			r := rows[0]
			if math.Abs(r.Day-wantDay) > 1e-6 || math.Abs(r.Night-wantNight) > 1e-6 || wantDay == 0 || wantNight == 0 {
				t.Errorf("day %.4f night %.4f kWh, want %.4f and %.4f from the hours", r.Day, r.Night, wantDay, wantNight)
			}
		})
	}
	if _, err := f.db.DayNight(ctx, day(11, 2), day(11, 2)); err == nil {
		t.Error("an empty range gave no error")
	}
}
