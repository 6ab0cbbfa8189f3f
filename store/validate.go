package store

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// FlagRejected marks a sample one or more of whose quantities a terminal sent
// as a value no meter can measure (not a finite number, beyond the meter's
// range, or far beyond the facility's rated power). Those quantities are
// Missing: the value is kept only in the raw frame, as evidence, and never
// reaches a sum, an aggregate or an alarm. The flag is FlagFault (a value
// nobody vouches for: the rules take the slot as unknown): all eight flag
// bits are taken, and the series codec keeps one byte per sample.
const FlagRejected = FlagFault

// MaxAhead is how far a DataTime may lie after its receive time (for the
// store: after the time it is moved in) and still be taken as the newest
// data; beyond it the terminal's clock is fast: the sample is stored (the
// alarm engine raises clock_drift from it) but is never the point's latest
// value, which it would pin.
const MaxAhead = time.Minute

// MaxAheadStored is how far a DataTime may lie after its receive time at all:
// an upload dated further ahead (a clock set to 2099) is quarantined, not
// stored, and the terminal is sent the time (1012).
const MaxAheadStored = 24 * time.Hour

// HardLimit is the magnitude beyond which no quantity is accepted whatever
// the configuration says: sums of a century of 1-second samples of it stay
// many orders of magnitude below float64's overflow, and the series codec
// still quantises it.
const HardLimit = 1e15

// SampleLimits are the largest magnitudes a point's power (kW), current (A),
// voltage (V), energy counter (kWh) and power factor may have; 0 means only
// HardLimit applies. A value at the limit is accepted.
type SampleLimits struct {
	P, I, U, E, PF float64
}

// Check replaces each quantity of s that is not finite or beyond its limit by
// Missing and sets FlagRejected; it returns one reason per quantity replaced
// ("P=+Inf: not a finite number"), nil when s was plausible.
func (l SampleLimits) Check(s *Sample) []string {
	var reasons []string
	for _, q := range [...]struct {
		name  string
		v     *float64
		limit float64
	}{{"P", &s.P, l.P}, {"I", &s.I, l.I}, {"U", &s.U, l.U}, {"E", &s.E, l.E}, {"PF", &s.PF, l.PF}} {
		v := *q.v
		if math.IsNaN(v) { // Missing: not sent
			continue
		}
		limit := HardLimit
		if q.limit > 0 && q.limit < limit {
			limit = q.limit
		}
		switch {
		case math.IsInf(v, 0):
			reasons = append(reasons, fmt.Sprintf("%s=%v: not a finite number", q.name, v))
		case math.Abs(v) > limit:
			reasons = append(reasons, fmt.Sprintf("%s=%g: beyond the limit %g", q.name, v, limit))
		default:
			continue
		}
		*q.v = Missing
		s.Flags |= FlagRejected
	}
	return reasons
}

// Sanitize applies HardLimit alone: the last guard before arithmetic, for
// samples from any source (old inbox entries, bulk loads, old databases).
func Sanitize(s *Sample) bool { return len(SampleLimits{}.Check(s)) > 0 }

// TypeRange is the magnitude a value of HJ 212 data type t cannot exceed:
// "N4.2" has 4 integer digits, so anything above 10,000 is beyond the
// meter's range (HJ212-2017 §6.3.2: Nx.y is a number of x integer and y
// decimal digits). ok is false for non-numeric or unknown types.
func TypeRange(t string) (max float64, ok bool) {
	t = strings.TrimSpace(t)
	if len(t) < 2 || t[0] != 'N' {
		return 0, false
	}
	digits := t[1:]
	if i := strings.IndexByte(digits, '.'); i >= 0 {
		digits = digits[:i]
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 || n > 18 {
		return 0, false
	}
	return math.Pow10(n), true
}

// ValuePolicy is what decides a point's SampleLimits: the configured
// magnitudes, the factor of the facility's rated power above which power is
// impossible, and the factor dictionary whose data types give each code's
// meter range.
type ValuePolicy struct {
	Max         SampleLimits // configured magnitudes; 0: none
	RatedFactor float64      // power above RatedFactor × rated kW is impossible; 0: not checked
	Dict        *FactorDict  // nil: no meter ranges
}

// Limits returns the limits of pt, whose facility is rated ratedKW (0 when
// unknown): for each quantity the smallest of the configured magnitude, the
// range of the code's data type and, for power, RatedFactor × ratedKW.
func (v ValuePolicy) Limits(pt Point, ratedKW float64) SampleLimits {
	l := v.Max
	tighten := func(dst *float64, limit float64) {
		if limit > 0 && (*dst <= 0 || limit < *dst) {
			*dst = limit
		}
	}
	for _, q := range [...]struct {
		code string
		dst  *float64
	}{{pt.PowerCode, &l.P}, {pt.CurrentCode, &l.I}, {pt.VoltageCode, &l.U}, {pt.EnergyCode, &l.E}, {pt.PFCode, &l.PF}} {
		if q.code == "" || v.Dict == nil {
			continue
		}
		if f, ok := v.Dict.Lookup(q.code); ok {
			if r, ok := TypeRange(f.DataType); ok {
				tighten(q.dst, r)
			}
		}
	}
	if v.RatedFactor > 0 && ratedKW > 0 {
		tighten(&l.P, v.RatedFactor*ratedKW)
	}
	return l
}
