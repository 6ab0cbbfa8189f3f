package sim

import (
	"math"
	"time"

	"powerwatch/store"
)

// A Schedule is how an enterprise works.
type Schedule int

// Schedules.
const (
	Continuous Schedule = iota // 24 h, 7 days (furnaces, kilns)
	TwoShifts                  // 08:00–24:00, Sundays off
	DayShift                   // 08:00–18:00 with a lunch dip, weekends off
)

func (s Schedule) String() string {
	switch s {
	case Continuous:
		return "连续生产 continuous"
	case TwoShifts:
		return "两班 two shifts"
	}
	return "白班 day shift"
}

// working reports whether production on schedule s runs at t (Beijing time).
// jitter (0–15 min) moves the start later and the stop earlier, so that the
// facilities of a district do not all switch in the same second.
func (s Schedule) working(t time.Time, jitter time.Duration) bool {
	l := t.In(store.Beijing)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, store.Beijing)
	since := l.Sub(day)
	switch s {
	case Continuous:
		return true
	case TwoShifts:
		return l.Weekday() != time.Sunday && since >= 8*time.Hour+jitter && since < 24*time.Hour-jitter
	}
	wd := l.Weekday()
	return wd != time.Saturday && wd != time.Sunday && since >= 8*time.Hour+jitter && since < 18*time.Hour-jitter
}

// lunch reports the day shift's lunch hour, when production draws less.
func lunch(s Schedule, t time.Time) bool {
	h := t.In(store.Beijing).Hour()
	return s == DayShift && h == 12
}

// A Reading is what one point measures at one instant: active power P (kW),
// phase current I (A), line voltage U (V), the energy counter E (kWh) and the
// power factor PF. For a three-phase supply P ≈ √3·U·I·PF/1000.
type Reading struct {
	P, I, U, E, PF float64
}

// idleShare is the draw of a stopped facility's control cabinet, as a share
// of its rated power: well under the 5 % stop threshold derived from it.
const idleShare = 0.008

// electrical completes a reading of power p: voltage around 380 V, a power
// factor of a loaded motor (0.86–0.91) or of an idle cabinet (0.35), and the
// current that makes P = √3·U·I·PF. Values are rounded as terminals send them.
func electrical(p float64, running bool, n *noise) Reading {
	u := round(380+2*n.norm(), 10)
	pf := 0.35
	if running {
		pf = round(0.86+0.05*n.unit(), 1000)
	}
	i := round(p*1000/(math.Sqrt(3)*u*pf), 100)
	return Reading{P: round(p, 1000), I: i, U: u, PF: pf}
}

func round(v, scale float64) float64 { return math.Round(v*scale) / scale }

// noise is a small deterministic generator (splitmix64): the same facility
// and slot always give the same values, so a re-sent or re-generated packet
// carries what the first one did.
type noise struct{ s uint64 }

func newNoise(seed uint64, at time.Time, salt int) *noise {
	return &noise{s: seed ^ uint64(at.Unix())*0x9e3779b97f4a7c15 ^ uint64(salt+1)*0xbf58476d1ce4e5b9}
}

func (n *noise) next() uint64 {
	n.s += 0x9e3779b97f4a7c15
	z := n.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// unit is uniform in [0, 1).
func (n *noise) unit() float64 { return float64(n.next()>>11) / (1 << 53) }

// norm is roughly standard normal (Irwin–Hall of 4).
func (n *noise) norm() float64 {
	return (n.unit() + n.unit() + n.unit() + n.unit() - 2) * math.Sqrt(3)
}
