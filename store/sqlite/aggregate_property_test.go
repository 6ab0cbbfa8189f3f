package sqlite_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"powerwatch/store"
)

// TestAggregatesEqualRecompute feeds random batches — several points in one
// batch, slots out of order, re-sent slots, late data for days already packed
// by Compact, counter resets, missing counters and powers, a threshold that
// changes in the middle — and requires the hourly, daily and monthly rows that
// ingest maintained to equal, exactly, what RecomputeAggregates rebuilds from
// the same stored series.
func TestAggregatesEqualRecompute(t *testing.T) {
	for seed := range uint64(6) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 42))
			f := mustReadings(t, 3)
			ctx := t.Context()
			// Over a month's end, so that two month rows are maintained.
			start := time.Date(2026, 11, 29, 20, 0, 0, 0, store.Beijing)
			if _, err := f.db.SQL().ExecContext(ctx, `INSERT INTO thresholds(facility_id, basis, stop, run, effective_from)
				VALUES (?, 'power', 5, 30, ?)`, f.facs[1], start.Add(30*time.Hour).UnixMilli()); err != nil {
				t.Fatal(err)
			}
			const slots = 3 * 288
			var all []store.Sample
			for i, p := range f.points {
				counter := 1000.0 * float64(i+1)
				for s := range slots {
					if rng.IntN(20) == 0 { // the terminal lost this slot for good
						continue
					}
					// Values as the packed tier stores them (P 0.001 kW, E 0.01 kWh),
					// so that Compact changes none of them.
					power := float64(rng.IntN(60000)) / 1000
					counter = math.Round(counter*100+float64(rng.IntN(500))) / 100
					if rng.IntN(200) == 0 { // meter replaced
						counter = float64(rng.IntN(1000)) / 100
					}
					smp := sample(p, start.Add(time.Duration(s)*5*time.Minute), power, counter)
					switch rng.IntN(30) {
					case 0:
						smp.E = math.NaN()
					case 1:
						smp.P = math.NaN()
					}
					all = append(all, smp)
				}
			}
			// Mostly in order per point, with pieces held back and sent late,
			// backwards, or twice.
			var live, held []store.Sample
			for _, s := range all {
				if rng.IntN(6) == 0 {
					held = append(held, s)
				} else {
					live = append(live, s)
				}
			}
			slices.SortStableFunc(live, func(a, b store.Sample) int { return a.At.Compare(b.At) })
			send := func(ss []store.Sample) {
				for len(ss) > 0 {
					n := min(len(ss), 1+rng.IntN(40))
					b := &store.Batch{Samples: slices.Clone(ss[:n])}
					if rng.IntN(4) == 0 && n > 1 { // a re-send within the batch
						b.Samples = append(b.Samples, ss[rng.IntN(n)])
					}
					mustIngest(t, f.db, b)
					ss = ss[n:]
				}
			}
			send(live[:len(live)/2])
			if _, err := f.db.Compact(ctx, start.Add(28*time.Hour)); err != nil {
				t.Fatal(err)
			}
			send(live[len(live)/2:])
			rng.Shuffle(len(held), func(i, j int) { held[i], held[j] = held[j], held[i] })
			send(held)
			send(held[:len(held)/3]) // re-sent again: duplicates
			before := aggRows(t, f)
			if err := f.db.RecomputeAggregates(ctx, start, start.Add(slots*5*time.Minute)); err != nil {
				t.Fatal(err)
			}
			after := aggRows(t, f)
			if len(before) != len(after) {
				t.Fatalf("%d aggregate rows after ingest, %d after RecomputeAggregates", len(before), len(after))
			}
			for i := range after {
				if before[i] != after[i] {
					t.Errorf("after ingest %v\n  recomputed %v", before[i], after[i])
				}
			}
		})
	}
}

// aggRows returns every row of agg_hour, agg_day and agg_month as text, in
// key order. %v of a float64 is exact enough to tell two values apart.
func aggRows(t *testing.T, f *readingsFixture) []string {
	t.Helper()
	var out []string
	for _, tbl := range []string{"agg_hour", "agg_day", "agg_month"} {
		rows, err := f.db.SQL().QueryContext(t.Context(), `SELECT point_id, start, energy, run_min, min_p, max_p, sum_p, n_p,
			received, expected, resets FROM `+tbl+` ORDER BY point_id, start`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var point, start, nP, received, expected, resets int64
			var energy, runMin, sumP float64
			var minP, maxP *float64
			if err := rows.Scan(&point, &start, &energy, &runMin, &minP, &maxP, &sumP, &nP, &received, &expected, &resets); err != nil {
				t.Fatal(err)
			}
			f := func(v *float64) string {
				if v == nil {
					return "NULL"
				}
				return fmt.Sprint(*v)
			}
			out = append(out, fmt.Sprintf("%s point %d %s: energy %v run %v P %s..%s sum %v n %d received %d/%d resets %d",
				tbl, point, time.UnixMilli(start).In(store.Beijing).Format("01-02 15:04"), energy, runMin, f(minP), f(maxP), sumP, nP,
				received, expected, resets))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}
