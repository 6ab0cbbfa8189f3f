package sqlite_test

import (
	"math"
	"testing"
	"time"

	"powerwatch/store"
)

// TestCurveLongRangeFromHours checks the year-scale curve, folded from the
// hourly aggregates, against the slots themselves: each column's min, max,
// slot count and mean over the hours that start in it, a one-slot spike kept.
func TestCurveLongRangeFromHours(t *testing.T) {
	f := mustReadings(t, 1)
	ctx := t.Context()
	var b store.Batch
	const days = 30
	for i := range 288 * days {
		at := day0.Add(time.Duration(i) * 5 * time.Minute)
		p := 40 + float64(i%288)/10
		if i == 5000 {
			p = 900
		}
		if i%97 == 0 {
			continue // a lost slot now and then
		}
		b.Samples = append(b.Samples, sample(f.points[0], at, p, math.NaN()))
	}
	mustIngest(t, f.db, &b)
	from, to := day0, day0.AddDate(0, 0, days)
	const width = 180 // 4 hours a column: the hourly path
	curve, err := f.db.Curve(ctx, f.points[0], from, to, width)
	if err != nil {
		t.Fatal(err)
	}
	samples, err := f.db.Samples(ctx, f.points[0], from, to)
	if err != nil {
		t.Fatal(err)
	}
	type col struct {
		min, max, sum float64
		n             int
	}
	want := map[int]*col{}
	span := to.Sub(from).Milliseconds()
	for _, s := range samples {
		c := int(s.At.Truncate(time.Hour).Sub(from).Milliseconds() * width / span)
		w := want[c]
		if w == nil {
			w = &col{min: s.P, max: s.P}
			want[c] = w
		}
		w.min, w.max, w.sum, w.n = min(w.min, s.P), max(w.max, s.P), w.sum+s.P, w.n+1
	}
	if len(curve) != width || len(want) != width {
		t.Fatalf("%d columns, %d from the slots; want %d", len(curve), len(want), width)
	}
	spikes := 0
	for i, cp := range curve {
		w := want[i]
		if cp.Min != w.min || cp.Max != w.max || cp.N != w.n || math.Abs(cp.Mean-w.sum/float64(w.n)) > 1e-9 {
			t.Errorf("column %d = %+v, the slots give min %v max %v n %d mean %v", i, cp, w.min, w.max, w.n, w.sum/float64(w.n))
		}
		if cp.Max == 900 {
			spikes++
		}
	}
	if spikes != 1 {
		t.Errorf("%d columns with the spike, want 1", spikes)
	}
}

// TestCurveYearByDays: where a column would span six hours or more, the
// curve has a column per Beijing day, each the min, max, slot count and mean
// of that day's slots, from the first (partial) day of the range to the last.
func TestCurveYearByDays(t *testing.T) {
	f := mustReadings(t, 1)
	ctx := t.Context()
	var b store.Batch
	const days = 40
	for i := range 288 * days {
		if i%89 == 0 || (i/288 == 17) {
			continue // a lost slot now and then, and a whole day
		}
		// At the packed tier's 0.001 kW, so that packing changes no value.
		p := math.Round((10+float64(i%288)/7+float64(i/288))*1000) / 1000
		if i == 7000 {
			p = 2000
		}
		b.Samples = append(b.Samples, sample(f.points[0], day0.Add(time.Duration(i)*5*time.Minute), p, math.NaN()))
	}
	mustIngest(t, f.db, &b)
	if _, err := f.db.Compact(ctx, day0.AddDate(0, 0, 30)); err != nil { // packed days and live ones
		t.Fatal(err)
	}
	from, to := day0.Add(9*time.Hour+30*time.Minute), day0.AddDate(0, 0, days)
	curve, err := f.db.Curve(ctx, f.points[0], from, to, 60) // 16 hours a column
	if err != nil {
		t.Fatal(err)
	}
	samples, err := f.db.Samples(ctx, f.points[0], day0, to)
	if err != nil {
		t.Fatal(err)
	}
	type col struct {
		min, max, sum float64
		n             int
	}
	want := map[int]*col{}
	for _, s := range samples {
		d := int(s.At.Sub(day0) / (24 * time.Hour))
		w := want[d]
		if w == nil {
			w = &col{min: s.P, max: s.P}
			want[d] = w
		}
		w.min, w.max, w.sum, w.n = min(w.min, s.P), max(w.max, s.P), w.sum+s.P, w.n+1
	}
	if len(curve) != days-1 || len(want) != days-1 {
		t.Fatalf("%d columns, %d days with slots; want %d", len(curve), len(want), days-1)
	}
	spikes := 0
	for i, cp := range curve {
		d := i
		if d >= 17 {
			d++ // the day without data has no column
		}
		w := want[d]
		at := day0.AddDate(0, 0, d)
		if d == 0 {
			at = from // the first day begins before the range
		}
		if !cp.At.Equal(at) || cp.Min != w.min || cp.Max != w.max || cp.N != w.n || math.Abs(cp.Mean-w.sum/float64(w.n)) > 1e-9 {
			t.Errorf("column %d = %+v; day %d of the slots: at %s min %v max %v n %d mean %v", i, cp, d, at, w.min, w.max, w.n, w.sum/float64(w.n))
		}
		if cp.Max == 2000 {
			spikes++
		}
	}
	if spikes != 1 {
		t.Errorf("%d columns with the spike, want 1", spikes)
	}
}
