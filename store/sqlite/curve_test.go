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
	const width = 90 // 8 hours a column: the hourly path
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
