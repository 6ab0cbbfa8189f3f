package store

import (
	"sort"
	"time"
)

// Default threshold rule: when a facility has no threshold of its own, its
// shutdown threshold is DefaultStopShare and its running threshold
// DefaultRunShare of its rated power. A motor idling or a control cabinet left
// on draws a few percent of rated power, so 5 % separates "switched off" from
// "switched on" and 20 % separates "idling" from "working" for the fans, pumps
// and mills the guideline watches. Both the registry import and the alarm rules
// use DefaultThreshold, so a derived threshold means the same everywhere.
const (
	DefaultStopShare = 0.05
	DefaultRunShare  = 0.20
)

// DefaultThreshold returns the threshold derived from a facility's rated power,
// on power (kW), in force since the zero time. ok is false when ratedKW is not
// positive: such a facility cannot be judged until someone sets a threshold.
func DefaultThreshold(ratedKW float64) (t Threshold, ok bool) {
	if !(ratedKW > 0) {
		return Threshold{}, false
	}
	return Threshold{
		Basis: ByPower,
		Stop:  DefaultStopShare * ratedKW,
		Run:   DefaultRunShare * ratedKW,
		Note:  "derived: 5 % / 20 % of rated kW (默认：额定功率的 5 % / 20 %)",
	}, true
}

// ThresholdAt returns the threshold in force at t among ts (one facility's
// history, any order): the one with the latest EffectiveFrom not after t.
// ok is false when none is in force yet.
func ThresholdAt(ts []Threshold, t time.Time) (Threshold, bool) {
	var best Threshold
	found := false
	for _, x := range ts {
		if x.EffectiveFrom.After(t) {
			continue
		}
		if !found || x.EffectiveFrom.After(best.EffectiveFrom) {
			best, found = x, true
		}
	}
	return best, found
}

// SortThresholds orders one facility's thresholds by EffectiveFrom.
func SortThresholds(ts []Threshold) {
	sort.Slice(ts, func(i, j int) bool { return ts[i].EffectiveFrom.Before(ts[j].EffectiveFrom) })
}
