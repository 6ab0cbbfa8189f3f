package alarms

import (
	"math"
	"time"

	"powerwatch/store"
)

// State is a facility's operating state in one slot.
type State uint8

// States. Unknown means no data (or data the terminal flagged as not to be
// trusted); PowerOff means the terminal reported loss of supply (flag P) or
// the voltage was zero. AboveStop is what a lower bound proves: some points of
// the facility are missing and those that reported already sum above the
// shutdown threshold, but whether it reaches the running threshold is unknown.
const (
	Unknown State = iota
	Stopped
	Low // above the shutdown threshold, below the running threshold
	Running
	PowerOff
	AboveStop
)

var stateNames = [...]string{"unknown", "stopped", "low", "running", "power_off", "above_stop"}

// String is the state's id: unknown, stopped, low, running, power_off, above_stop.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "state?"
}

// aboveStop reports whether s is above the shutdown threshold (low or running).
func (s State) aboveStop() bool { return s == Low || s == Running || s == AboveStop }

// When only current is reported, power is estimated as √3·U·I·PF with these
// where U or PF is missing: a 380 V three-phase supply at a typical motor PF.
const (
	defaultVolts = 380.0
	defaultPF    = 0.9
)

// zeroCurrent is the current (A) below which a zero voltage reads as a cut
// supply: the same noise floor bad_values uses for "zero power with current".
const zeroCurrent = 0.5

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
// unknown by the terminal (store.FlagTable: D, M, C, F… → store.FlagFault).
// Each sample covers the span it stands for (spans.of), which may be several
// slots of a fine grid.
type pointGrid struct {
	p, cur []float64
	off    []bool // loss of supply (flag P) or zero voltage
	over   []bool // above the meter's range (flag T): valid and running
	seen   []bool // a sample covers the slot, whatever it carried
	at     []int  // slot of each sample in time order, -1 outside the grid
}

// spans says how long a sample of one point stands for (issue 14 point 6): a
// minute value (2051) its terminal's minute interval, an hour value (2061)
// its hour, a real-time value (2011, or any sample without a period flag)
// the time until the point's next sample, at most rtd; longer is unknown.
type spans struct {
	rtd, minute time.Duration
}

// ofMs is the span of sample s at Unix ms t, whose point's next sample is at
// next (Unix ms; 0 when it is the last), in ms: at least 1.
func (sp spans) ofMs(s *store.Sample, t, next int64) int64 {
	switch {
	case s.Flags&store.FlagHourValue != 0:
		return time.Hour.Milliseconds()
	case s.Flags&store.FlagMinuteValue != 0:
		return max(sp.minute.Milliseconds(), 1)
	}
	d := sp.rtd.Milliseconds()
	if next != 0 && next-t < d {
		d = next - t
	}
	return max(d, 1)
}

func newPointGrid(g grid, raw []store.Sample, sp spans) *pointGrid {
	samples := sortedSamples(raw)
	pg := &pointGrid{p: make([]float64, g.n), cur: make([]float64, g.n), off: make([]bool, g.n), over: make([]bool, g.n),
		seen: make([]bool, g.n), at: make([]int, len(samples))}
	for i := range pg.p {
		pg.p[i], pg.cur[i] = math.NaN(), math.NaN()
	}
	var dup map[int]*[2]uint16 // samples per slot beyond the first, rare on a grid as fine as the data
	var t, next int64
	if len(samples) > 0 {
		next = samples[0].At.UnixMilli()
	}
	for k := range samples {
		s := &samples[k]
		t, next = next, 0
		if k+1 < len(samples) {
			next = samples[k+1].At.UnixMilli()
		}
		i := int(floorDiv(t-g.base, g.slot))
		pg.at[k] = i
		if i >= g.n || i < 0 {
			pg.at[k] = -1
		}
		last := int(floorDiv(t+sp.ofMs(s, t, next)-1-g.base, g.slot))
		if i >= g.n || last < 0 {
			continue
		}
		off := s.Flags&store.FlagPowerOff != 0
		p, cur := samplePower(*s), s.I
		switch {
		case s.Flags&store.FlagFault != 0:
			p, cur = math.NaN(), math.NaN() // the terminal itself says the value is not to be trusted
		case s.U == 0 && !(s.P > 0) && !(s.I > zeroCurrent):
			off = true // no voltage, no power, no current: the supply is cut
		case s.U == 0:
			p, cur = math.NaN(), math.NaN() // no voltage yet power flows: the values contradict each other (bad_values says so)
		}
		over := s.Flags&store.FlagOverRange != 0 && s.Flags&store.FlagFault == 0
		for c := max(i, 0); c <= last && c < g.n; c++ {
			pg.off[c] = pg.off[c] || off
			pg.over[c] = pg.over[c] || over
			if !pg.seen[c] {
				pg.seen[c], pg.p[c], pg.cur[c] = true, p, cur
				continue
			}
			if dup == nil {
				dup = map[int]*[2]uint16{}
			}
			n := dup[c]
			if n == nil {
				n = &[2]uint16{1, 1}
				if math.IsNaN(pg.p[c]) {
					n[0] = 0
				}
				if math.IsNaN(pg.cur[c]) {
					n[1] = 0
				}
				dup[c] = n
			}
			pg.p[c], n[0] = addMean(pg.p[c], p, n[0])
			pg.cur[c], n[1] = addMean(pg.cur[c], cur, n[1])
		}
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
// sum is the total over the points that reported a valid value, missing how
// many did not, off how many reported loss of supply, over how many are above
// their meter's range, of total points. With points missing, the known sum is
// a lower bound: it can prove the facility above a threshold, never below one.
func classify(t store.Threshold, sum float64, missing, off, over, total int) State {
	switch {
	case total == 0 || missing == total:
		return Unknown
	case over > 0:
		return Running
	case off == total:
		return PowerOff
	case missing > 0 && sum >= t.Run:
		return Running
	case missing > 0 && sum > t.Stop:
		return AboveStop
	case missing > 0:
		return Unknown // the missing points could lift it above either threshold
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
