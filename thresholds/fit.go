package thresholds

import (
	"math"
	"sort"

	"powerwatch/store"
)

// A Misfit is a facility whose limit in force sits inside one of its own
// modes: every hour at that level is judged on a coin toss of noise.
type Misfit struct {
	FacilityID int64
	Limit      string  // "stop" or "run"
	Value      float64 // the limit in force, kW
	Mode       Mode    // the mode it sits in
}

// Misfits returns the limits of t that sit inside one of p's modes (between
// its 5th and 95th percentile), the mode holding most observations first.
// A current-based threshold is not compared: the modes are of power.
func Misfits(p Proposal, t store.Threshold) []Misfit {
	if len(p.Modes) == 0 || t.Basis == store.ByCurrent {
		return nil
	}
	var out []Misfit
	for _, l := range []struct {
		name string
		v    float64
	}{{"stop", t.Stop}, {"run", t.Run}} {
		for _, m := range p.Modes {
			if l.v > 0 && l.v >= m.Low && l.v <= m.High {
				out = append(out, Misfit{FacilityID: p.FacilityID, Limit: l.name, Value: l.v, Mode: m})
				break
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Mode.Share > out[j].Mode.Share })
	return out
}

// Worst is the share of p's observations in modes that t's limits cut
// through: the sort key of the bulk list, 0 when t fits.
func Worst(ms []Misfit) float64 {
	w := 0.0
	for _, m := range ms {
		w = math.Max(w, m.Mode.Share)
	}
	return w
}

// WorstFirst keeps the xs whose limits in force sit inside one of their
// modes (misfits(x) not empty), the largest such mode first, ties in their
// order: the bulk list of 限值建议 and `thresholds propose --misfits` alike.
func WorstFirst[T any](xs []T, misfits func(T) []Misfit) []T {
	var out []T
	for _, x := range xs {
		if len(misfits(x)) > 0 {
			out = append(out, x)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return Worst(misfits(out[i])) > Worst(misfits(out[j])) })
	return out
}

// Observed is a 停上电试验's off and on levels (kW): the medians of the
// values below and above the widest ratio gap in the test window's samples.
// ok is false when the window holds no two levels.
func Observed(samples []float64) (off, on float64, ok bool) {
	var xs []float64
	for _, v := range samples {
		if !math.IsNaN(v) {
			xs = append(xs, math.Max(v, 0))
		}
	}
	if len(xs) < 2 {
		return 0, 0, false
	}
	sort.Float64s(xs)
	top := xs[len(xs)-1]
	if !(top > 0) {
		return 0, 0, false
	}
	// Values near 0 are compared at a thousandth of the top, so a meter
	// reading 0.00 and 0.01 is one level, not a ratio of infinity.
	floor := top / 1000
	cut, best := 0, 0.0
	for i := 1; i < len(xs); i++ {
		r := math.Max(xs[i], floor) / math.Max(xs[i-1], floor)
		if r > best {
			cut, best = i, r
		}
	}
	if best < 2 { // the on level at least twice the off level, or the test saw no switch
		return 0, 0, false
	}
	return median(xs[:cut]), median(xs[cut:]), true
}

func median(xs []float64) float64 { return xs[len(xs)/2] }

// FromTest places limits between a 停上电试验's observed off and on levels for
// a facility with too little history: the stop limit a third and the run
// limit two thirds of the way up on a log scale (the off level counted as at
// least a twentieth of the on level), a treatment unit's run limit not below
// floor.
func FromTest(off, on, floor float64) (stop, run float64) {
	lo := math.Max(off, on/20)
	stop = lo * math.Pow(on/lo, 1.0/3)
	run = lo * math.Pow(on/lo, 2.0/3)
	if floor > 0 && run < floor {
		run = floor
	}
	return math.Min(stop, run), run
}
