package alarms

import (
	"math"
	"time"

	"powerwatch/store"
)

// State is a facility's operating state in one slot.
type State uint8

// States. Unknown means no data; PowerOff means the terminal reported loss of
// supply or the voltage was zero.
const (
	Unknown State = iota
	Stopped
	Low // above the shutdown threshold, below the running threshold
	Running
	PowerOff
)

var stateNames = [...]string{"unknown", "stopped", "low", "running", "power_off"}

// String is the state's id: unknown, stopped, low, running, power_off.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "state?"
}

// aboveStop reports whether s is above the shutdown threshold (low or running).
func (s State) aboveStop() bool { return s == Low || s == Running }

// When only current is reported, power is estimated as √3·U·I·PF with these
// where U or PF is missing: a 380 V three-phase supply at a typical motor PF.
const (
	defaultVolts = 380.0
	defaultPF    = 0.9
)

// grid is the slot grid of one evaluation: slot i is [base+i·slot, base+(i+1)·slot).
type grid struct {
	base, slot int64 // Unix ms
	n          int
}

func newGrid(from, to time.Time, slot time.Duration) grid {
	s := slot.Milliseconds()
	b := floorDiv(from.UnixMilli(), s) * s
	e := to.UnixMilli()
	n := int((e - b + s - 1) / s)
	if n < 0 {
		n = 0
	}
	return grid{base: b, slot: s, n: n}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func (g grid) index(t time.Time) int { return int(floorDiv(t.UnixMilli()-g.base, g.slot)) }
func (g grid) at(i int) time.Time    { return time.UnixMilli(g.base + int64(i)*g.slot).UTC() }
func (g grid) hours() float64        { return float64(g.slot) / 3.6e6 }

// pointGrid is one point's series on the grid: mean power (measured, or
// estimated from current) and current per slot, NaN where missing or flagged
// faulty by the terminal (HJ 212 flags D, M, F… → store.FlagFault).
type pointGrid struct {
	p, cur []float64
	off    []bool
	seen   []bool // a sample arrived for the slot, whatever it carried
	at     []int  // slot of each sample as given, -1 outside the grid
}

func newPointGrid(g grid, samples []store.Sample) *pointGrid {
	pg := &pointGrid{p: make([]float64, g.n), cur: make([]float64, g.n), off: make([]bool, g.n), seen: make([]bool, g.n),
		at: make([]int, len(samples))}
	for i := range pg.p {
		pg.p[i], pg.cur[i] = math.NaN(), math.NaN()
	}
	var dup map[int]*[2]uint16 // samples per slot beyond the first, rare
	for k, s := range samples {
		i := g.index(s.At)
		if i < 0 || i >= g.n {
			pg.at[k] = -1
			continue
		}
		pg.at[k] = i
		if s.Flags&store.FlagPowerOff != 0 || s.U == 0 {
			pg.off[i] = true
		}
		p, cur := samplePower(s), s.I
		if s.Flags&store.FlagFault != 0 {
			p, cur = math.NaN(), math.NaN() // the terminal itself says the value is not to be trusted
		}
		if !pg.seen[i] {
			pg.seen[i], pg.p[i], pg.cur[i] = true, p, cur
			continue
		}
		if dup == nil {
			dup = map[int]*[2]uint16{}
		}
		c := dup[i]
		if c == nil {
			c = &[2]uint16{1, 1}
			if math.IsNaN(pg.p[i]) {
				c[0] = 0
			}
			if math.IsNaN(pg.cur[i]) {
				c[1] = 0
			}
			dup[i] = c
		}
		pg.p[i], c[0] = addMean(pg.p[i], p, c[0])
		pg.cur[i], c[1] = addMean(pg.cur[i], cur, c[1])
	}
	return pg
}

// addMean folds v into the mean of n values; NaN v is skipped.
func addMean(mean, v float64, n uint16) (float64, uint16) {
	switch {
	case math.IsNaN(v):
		return mean, n
	case n == 0:
		return v, 1
	}
	return mean + (v-mean)/float64(n+1), n + 1
}

// samplePower is P, or √3·U·I·PF/1000 kW when only current was sent.
func samplePower(s store.Sample) float64 {
	if !math.IsNaN(s.P) {
		return s.P
	}
	if math.IsNaN(s.I) {
		return math.NaN()
	}
	u, pf := s.U, s.PF
	if math.IsNaN(u) {
		u = defaultVolts
	}
	if math.IsNaN(pf) || pf <= 0 {
		pf = defaultPF
	}
	return math.Sqrt(3) * u * s.I * pf / 1000
}

// classify maps a facility's value in one slot to a state under threshold t.
// sum is the total over the points that reported, missing how many did not,
// off how many reported loss of supply, of total points.
func classify(t store.Threshold, sum float64, missing, off, total int) State {
	switch {
	case total == 0 || missing == total:
		return Unknown
	case off == total:
		return PowerOff
	case off+missing == total:
		if missing > 0 {
			return Unknown
		}
		return PowerOff
	case missing > 0 && sum <= t.Stop:
		// the missing points could lift it above the shutdown threshold
		return Unknown
	case sum <= t.Stop:
		return Stopped
	case sum >= t.Run:
		return Running
	}
	return Low
}

// smooth applies the threshold's minimum persistence: a run of a known state
// shorter than persist slots keeps the state before it, so a short dip or
// blip does not change the facility's state.
func smooth(st []State, persist func(i int) int) {
	prev := Unknown
	for i := 0; i < len(st); {
		j := i
		for j < len(st) && st[j] == st[i] {
			j++
		}
		if st[i] != Unknown && prev != Unknown && st[i] != prev && j < len(st) && j-i < persist(i) {
			for k := i; k < j; k++ {
				st[k] = prev
			}
		} else if st[i] != Unknown {
			prev = st[i]
		}
		i = j
	}
}
