package thresholds

import (
	"math"
	"sort"
)

// The histogram is log-spaced because a facility's levels are multiples of
// one another (stopped a few percent of running, idle a fifth of it): on a
// linear axis the stopped and idle modes would share a bin. It spans
// decades below the largest value; everything at or below its floor counts
// in one zero bin, the stopped mode of a meter that reads 0.
const (
	decades       = 3
	binsPerDecade = 40  // a bin is 6 % wide: finer than any two levels worth telling apart
	kernelBins    = 2.0 // Gaussian σ in bins (≈ 12 %): wider than meter noise, narrower than the gap between levels
	// mergeRatio: two peaks whose valley is above this share of the lower
	// peak are one mode with a dent, not two levels.
	mergeRatio = 0.6
	// minModeShare: a mode holds at least this share of the observations;
	// less is a rare event (a start-up surge, a fault), not a level.
	minModeShare = 0.03
)

// A Histogram is the distribution of a facility's power. Bin 0 is the zero
// bin [0, Edges[1]); bin i ≥ 1 is [Edges[i], Edges[i+1]) on a log scale.
// Counts are weights of observations, Smooth the kernel-smoothed counts on
// which the modes were found.
type Histogram struct {
	Edges  []float64 // kW, len(Counts)+1; Edges[0] = 0
	Counts []float64
	Smooth []float64
}

// obs is one weighted observation of power (kW).
type obs struct{ v, w float64 }

// newHistogram bins xs (sorted by value) between 0 and the largest value.
func newHistogram(xs []obs) Histogram {
	hi := xs[len(xs)-1].v * 1.05
	if !(hi > 0) {
		hi = 1
	}
	lo := hi / math.Pow(10, decades)
	n := decades*binsPerDecade + 1
	h := Histogram{Edges: make([]float64, n+1), Counts: make([]float64, n), Smooth: make([]float64, n)}
	for i := 1; i <= n; i++ {
		h.Edges[i] = lo * math.Pow(10, float64(i-1)/binsPerDecade)
	}
	for _, x := range xs {
		h.Counts[h.bin(x.v)] += x.w
	}
	h.smooth()
	return h
}

// bin is the bin of v.
func (h Histogram) bin(v float64) int {
	if v < h.Edges[1] {
		return 0
	}
	i := int(math.Log10(v/h.Edges[1])*binsPerDecade) + 1
	return min(max(i, 1), len(h.Counts)-1)
}

// center is bin i's geometric centre (its lower edge's half for the zero bin).
func (h Histogram) center(i int) float64 {
	if i == 0 {
		return h.Edges[1] / 2
	}
	return math.Sqrt(h.Edges[i] * h.Edges[i+1])
}

// smooth convolves the log bins with a Gaussian kernel. The zero bin is not
// spread into its neighbours: 0 kW has no log position.
func (h Histogram) smooth() {
	h.Smooth[0] = h.Counts[0]
	reach := int(math.Ceil(3 * kernelBins))
	for i := 1; i < len(h.Counts); i++ {
		if h.Counts[i] == 0 {
			continue
		}
		for j := max(1, i-reach); j <= min(len(h.Counts)-1, i+reach); j++ {
			d := float64(j-i) / kernelBins
			h.Smooth[j] += h.Counts[i] * math.Exp(-d*d/2) / (kernelBins * math.Sqrt(2*math.Pi))
		}
	}
}

// peaks returns the bins of the distribution's modes, lowest first: local
// maxima of the smoothed counts, merged while the valley between two is
// shallow, dropped while they hold too small a share.
func (h Histogram) peaks(total float64) []int {
	var ps []int
	if h.Smooth[0] > 0 {
		ps = append(ps, 0)
	}
	s := h.Smooth
	for i := 1; i < len(s); i++ {
		if s[i] <= 0 || (i > 1 && s[i-1] > s[i]) {
			continue
		}
		j := i // a plateau counts once, at its end
		for j+1 < len(s) && s[j+1] == s[i] {
			j++
		}
		if j+1 == len(s) || s[j+1] < s[i] {
			if i == 1 || s[i-1] < s[i] {
				ps = append(ps, (i+j)/2)
			}
		}
		i = j
	}
	for changed := true; changed; {
		changed = false
		for k := 0; k+1 < len(ps); k++ {
			a, b := ps[k], ps[k+1]
			if _, v := h.valley(a, b); v > mergeRatio*math.Min(h.height(a), h.height(b)) {
				if h.height(a) >= h.height(b) {
					ps = append(ps[:k+1], ps[k+2:]...)
				} else {
					ps = append(ps[:k], ps[k+1:]...)
				}
				changed = true
				break
			}
		}
		for k := range ps {
			lo, hi := h.basin(ps, k)
			if len(ps) > 1 && sum(h.Counts[lo:hi]) < minModeShare*total {
				ps = append(ps[:k], ps[k+1:]...)
				changed = true
				break
			}
		}
	}
	return ps
}

// height is the smoothed count at bin i; the zero bin's own count stands for
// its height, as it holds one point mass.
func (h Histogram) height(i int) float64 { return h.Smooth[i] }

// valley is the lowest bin between peaks a < b and its smoothed count.
func (h Histogram) valley(a, b int) (int, float64) {
	best, v := a, math.Inf(1)
	for i := a + 1; i < b; i++ {
		if h.Smooth[i] < v {
			best, v = i, h.Smooth[i]
		}
	}
	if best == a {
		return a, math.Min(h.height(a), h.height(b))
	}
	return best, v
}

// basin is the bins [lo, hi) that belong to peak ps[k]: from the valley below
// it to the valley above it.
func (h Histogram) basin(ps []int, k int) (lo, hi int) {
	lo, hi = 0, len(h.Counts)
	if k > 0 {
		v, _ := h.valley(ps[k-1], ps[k])
		lo = v + 1
		if ps[k-1] == 0 {
			lo = max(lo, 1)
		}
	}
	if k+1 < len(ps) {
		v, _ := h.valley(ps[k], ps[k+1])
		hi = v + 1
		if ps[k] == 0 {
			hi = 1
		}
	}
	return lo, hi
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// quantile is the weighted q-quantile of xs (sorted by value), or NaN when
// their weight is zero.
func quantile(xs []obs, q float64) float64 {
	total := 0.0
	for _, x := range xs {
		total += x.w
	}
	if total <= 0 {
		return math.NaN()
	}
	acc := 0.0
	for _, x := range xs {
		acc += x.w
		if acc >= q*total {
			return x.v
		}
	}
	return xs[len(xs)-1].v
}

// within returns the observations of xs (sorted by value) in [lo, hi).
func within(xs []obs, lo, hi float64) []obs {
	i := sort.Search(len(xs), func(i int) bool { return xs[i].v >= lo })
	j := sort.Search(len(xs), func(i int) bool { return xs[i].v >= hi })
	return xs[i:j]
}
