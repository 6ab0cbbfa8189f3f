package chart

import (
	"math"
	"time"

	"powerwatch/store"
)

// Quantity picks one measured value from a sample.
type Quantity func(store.Sample) float64

// Quantities of a sample.
var (
	Power   Quantity = func(s store.Sample) float64 { return s.P }
	Current Quantity = func(s store.Sample) float64 { return s.I }
	Voltage Quantity = func(s store.Sample) float64 { return s.U }
	Energy  Quantity = func(s store.Sample) float64 { return s.E }
)

// Downsample reduces samples (oldest first) over [from, to) to at most width
// columns of equal time. Each column keeps the min, max and mean of its
// values, so a short spike or stop stays visible at any zoom; columns without
// a value are left out, so gaps show as gaps. A year of 5-minute samples
// (105,120) becomes a few hundred columns in one pass.
func Downsample(samples []store.Sample, q Quantity, from, to time.Time, width int) []store.CurvePoint {
	if width <= 0 || !to.After(from) {
		return nil
	}
	span := to.Sub(from)
	col := span / time.Duration(width)
	if col <= 0 {
		col = 1
	}
	out := make([]store.CurvePoint, 0, min(width, len(samples)))
	cur := -1
	var sum float64
	for _, s := range samples {
		v := q(s)
		if math.IsNaN(v) || s.At.Before(from) || !s.At.Before(to) {
			continue
		}
		c := int(s.At.Sub(from) / col)
		if c != cur {
			if cur >= 0 {
				out[len(out)-1].Mean = sum / float64(out[len(out)-1].N)
			}
			cur, sum = c, 0
			out = append(out, store.CurvePoint{At: from.Add(time.Duration(c) * col), Min: v, Max: v})
		}
		p := &out[len(out)-1]
		p.Min, p.Max, p.N = math.Min(p.Min, v), math.Max(p.Max, v), p.N+1
		sum += v
	}
	if cur >= 0 {
		out[len(out)-1].Mean = sum / float64(out[len(out)-1].N)
	}
	return out
}
