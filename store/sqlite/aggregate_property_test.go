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
			end := start.Add(slots * 5 * time.Minute)
			// The packed days' hour summaries (HourlyEnergy) must say what the
			// hours folded from the series say at every stage: stale summaries
			// of days that late data rebuilt, none at all, filled again.
			sameEnergy(t, f, start, end, "after the first compaction")
			send(held)
			sameEnergy(t, f, start, end, "after late data for packed days")
			send(held[:len(held)/3]) // re-sent again: duplicates
			// The hours of packed days are folded from the series on demand
			// (HourlyAggregates); Compact drops their stored rows.
			if _, err := f.db.Compact(ctx, start.Add(28*time.Hour)); err != nil {
				t.Fatal(err)
			}
			var stale int
			f.db.SQL().QueryRow(`SELECT count(*) FROM agg_hour WHERE start < ?`, store.Day.Start(start.Add(28*time.Hour)).UnixMilli()).Scan(&stale)
			if stale != 0 {
				t.Errorf("%d agg_hour rows of packed days after Compact", stale)
			}
			sameEnergy(t, f, start, end, "after the second compaction")
			if _, err := f.db.SQL().ExecContext(ctx, `DELETE FROM hour_days`); err != nil {
				t.Fatal(err)
			}
			sameEnergy(t, f, start, end, "without summaries (a file from before 0026)")
			if _, err := f.db.FillHourDays(ctx, 0); err != nil {
				t.Fatal(err)
			}
			sameEnergy(t, f, start, end, "after FillHourDays")
			served := hourlyRows(t, f, start, end)
			before := aggRows(t, f, "agg_day", "agg_month")
			if err := f.db.RecomputeAggregates(ctx, start, end); err != nil {
				t.Fatal(err)
			}
			after := aggRows(t, f, "agg_day", "agg_month")
			// RecomputeAggregates stores every hour it rebuilt from the series,
			// packed days' too (until the next Compact): what HourlyAggregates
			// served, packed or live, must equal that recomputation.
			recomputed := aggRows(t, f, "agg_hour")
			if !slices.Equal(served, recomputed) {
				t.Errorf("%d hours served, %d recomputed", len(served), len(recomputed))
				for i := range min(len(served), len(recomputed)) {
					if served[i] != recomputed[i] {
						t.Errorf("served     %v\nrecomputed %v", served[i], recomputed[i])
						break
					}
				}
			}
			if again := hourlyRows(t, f, start, end); !slices.Equal(served, again) {
				t.Error("HourlyAggregates changed after RecomputeAggregates")
			}
			sameEnergy(t, f, start, end, "after RecomputeAggregates")
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
func aggRows(t *testing.T, f *readingsFixture, tables ...string) []string {
	t.Helper()
	var out []string
	for _, tbl := range tables {
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
			out = append(out, aggRow(tbl, point, start, energy, runMin, f(minP), f(maxP), avg(sumP, nP), received, expected, resets))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

func aggRow(tbl string, point, start int64, energy, runMin float64, minP, maxP string, avgP float64, received, expected, resets int64) string {
	return fmt.Sprintf("%s point %d %s: energy %v run %v P %s..%s avg %v received %d/%d resets %d",
		tbl, point, time.UnixMilli(start).In(store.Beijing).Format("01-02 15:04"), energy, runMin, minP, maxP, avgP,
		received, expected, resets)
}

func avg(sum float64, n int64) float64 {
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// hourlyRows returns HourlyAggregates of every point of f over [from, to) as
// aggRows' "agg_hour" text.
func hourlyRows(t *testing.T, f *readingsFixture, from, to time.Time) []string {
	t.Helper()
	var out []string
	for _, p := range f.points {
		aggs, err := f.db.HourlyAggregates(t.Context(), p, from, to)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range aggs {
			f := func(v float64) string {
				if math.IsNaN(v) {
					return "NULL"
				}
				return fmt.Sprint(v)
			}
			out = append(out, aggRow("agg_hour", p, a.Start.UnixMilli(), a.Energy, a.RunMinutes, f(a.MinP), f(a.MaxP), a.AvgP,
				int64(a.Received), int64(a.Expected), int64(a.Resets)))
		}
	}
	return out
}

// sameEnergy requires HourlyEnergy of every point of f over [from, to), and
// over a range cut inside hours and days, to say what HourlyAggregates says
// of the same hours.
func sameEnergy(t *testing.T, f *readingsFixture, from, to time.Time, stage string) {
	t.Helper()
	for _, r := range [][2]time.Time{{from, to}, {from.Add(90 * time.Minute), to.Add(-25*time.Hour - 7*time.Minute)}} {
		// Every point at once (with one twice) says what each alone says.
		all, err := f.db.HourlyEnergyOf(t.Context(), append(slices.Clone(f.points), f.points[0]), r[0], r[1])
		if err != nil {
			t.Fatalf("%s: %v", stage, err)
		}
		for _, p := range f.points {
			one, err := f.db.HourlyEnergy(t.Context(), p, r[0], r[1])
			if err != nil {
				t.Fatalf("%s: %v", stage, err)
			}
			if !slices.Equal(one, all[p]) {
				t.Errorf("%s, point %d: HourlyEnergyOf all points %d hours, HourlyEnergy %d", stage, p, len(all[p]), len(one))
			}
		}
		for _, p := range f.points {
			aggs, err := f.db.HourlyAggregates(t.Context(), p, r[0], r[1])
			if err != nil {
				t.Fatal(err)
			}
			hs, err := f.db.HourlyEnergy(t.Context(), p, r[0], r[1])
			if err != nil {
				t.Fatalf("%s: %v", stage, err)
			}
			var want, got []string
			for _, a := range aggs {
				want = append(want, fmt.Sprintf("%s %v %d/%d", a.Start.In(store.Beijing).Format("01-02 15:04"), a.Energy, a.Received, a.Expected))
			}
			for _, h := range hs {
				got = append(got, fmt.Sprintf("%s %v %d/%d", h.Start.In(store.Beijing).Format("01-02 15:04"), h.Energy, h.Received, h.Expected))
			}
			if !slices.Equal(want, got) {
				t.Errorf("%s, point %d, %s – %s: HourlyEnergy %d hours, HourlyAggregates %d", stage, p,
					r[0].Format(time.DateTime), r[1].Format(time.DateTime), len(got), len(want))
				for i := range min(len(want), len(got)) {
					if want[i] != got[i] {
						t.Errorf("energy     %s\naggregates %s", got[i], want[i])
						break
					}
				}
				return
			}
		}
	}
}
