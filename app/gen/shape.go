package gen

import (
	"math"
	"math/rand/v2"
	"time"
)

const slotsPerDay = 288 // 5-minute slots

// plan is one enterprise-day: when each facility runs, slot by slot.
type plan struct {
	on      [][slotsPerDay]bool // per facility
	lost    [][slotsPerDay]bool // per terminal: slots it never delivered
	illegal []window            // treatment switched off while its production ran
}

type window struct {
	facility   int // index of the treatment facility
	start, end int // slots
}

// shift returns the working slots of a schedule on a weekday: [on, off).
func shift(s schedule, wd time.Weekday) (on, off int, works bool) {
	switch s {
	case continuous:
		return 0, slotsPerDay, true
	case twoShifts:
		return 8 * 12, slotsPerDay, wd != time.Sunday
	default:
		return 8 * 12, 18 * 12, wd != time.Saturday && wd != time.Sunday
	}
}

// planDay decides the day of e: production follows the shift with a few
// minutes of jitter, each treatment unit starts 10 minutes before its
// production and stops 15 minutes after it, and now and then (violators) a
// treatment unit is off for 1–3 hours while production runs.
func planDay(rng *rand.Rand, e *enterprise, day int, date time.Time, violator bool) plan {
	p := plan{on: make([][slotsPerDay]bool, len(e.facilities)), lost: make([][slotsPerDay]bool, len(e.mns))}
	on, off, works := shift(e.schedule, date.Weekday())
	if e.schedule == continuous && rng.IntN(60) == 0 {
		works = false // a maintenance stop
	}
	for i, f := range e.facilities {
		if f.treatment || !works {
			continue
		}
		a := on + rng.IntN(4)
		b := off - rng.IntN(4)
		if e.schedule == continuous {
			a, b = 0, slotsPerDay
		}
		for k := a; k < b; k++ {
			p.on[i][k] = true
		}
	}
	for i, f := range e.facilities {
		if !f.treatment {
			continue
		}
		prod := p.on[f.treats]
		for k := range slotsPerDay {
			for d := -3; d <= 2; d++ { // on from 15 min before to 10 min after each production slot
				if j := k + d; j >= 0 && j < slotsPerDay && prod[j] {
					p.on[i][k] = true
					break
				}
			}
		}
		if violator && works && rng.IntN(6) == 0 {
			start := on + 12 + rng.IntN(max(1, (off-on)/2))
			end := min(start+12+rng.IntN(25), off-1)
			if end > start {
				for k := start; k < end; k++ {
					p.on[i][k] = false
				}
				p.illegal = append(p.illegal, window{facility: i, start: start, end: end})
			}
		}
	}
	for t := range p.lost {
		loss := 0.003
		if e.lossy && t == 0 && day >= 30 && day < 60 {
			loss = 0.15
		}
		for k := range p.lost[t] {
			p.lost[t][k] = rng.Float64() < loss
		}
	}
	return p
}

// reading is one facility-slot in the units terminals send.
type reading struct {
	p, i, u, e, pf float64
}

// sampleAt returns the electrical values of f in slot k: a daily wave, noise,
// a lunch dip for day shifts, and the idle draw of its control cabinet when off.
func sampleAt(rng *rand.Rand, f *facility, s schedule, k int, running bool, counter *float64) reading {
	var p float64
	if running {
		wave := 1 + 0.06*math.Sin(2*math.Pi*float64(k)/slotsPerDay)
		if s == dayShift && k >= 12*12 && k < 13*12 && !f.treatment {
			wave *= 0.45
		}
		p = f.ratedKW * f.load * wave * (1 + 0.03*rng.NormFloat64())
	} else {
		p = f.ratedKW * 0.008 * (1 + 0.1*rng.NormFloat64())
	}
	p = math.Max(0, round(p, 1000))
	u := round(380+2*rng.NormFloat64(), 10)
	pf := 0.35
	if running {
		pf = round(0.86+0.05*rng.Float64(), 1000)
	}
	i := round(p*1000/(math.Sqrt(3)*u*pf), 100)
	*counter = round(*counter+p/12, 100)
	return reading{p: p, i: i, u: u, e: *counter, pf: pf}
}

func round(v, scale float64) float64 { return math.Round(v*scale) / scale }
