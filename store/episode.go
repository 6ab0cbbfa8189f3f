package store

import (
	"sort"
	"time"
)

// An Episode is a heavy-pollution episode: the orders issued for one warning
// level over one period. The registry keeps orders; an episode is the orders
// that share level, start and end.
type Episode struct {
	Level  Level
	Start  time.Time
	End    time.Time
	Orders []Order
}

// EpisodesOf groups orders into episodes, newest first.
func EpisodesOf(orders []Order) []Episode {
	type key struct {
		level      Level
		start, end int64
	}
	idx := map[key]int{}
	var out []Episode
	for _, o := range orders {
		k := key{o.Level, o.Start.UnixMilli(), o.End.UnixMilli()}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Episode{Level: o.Level, Start: o.Start, End: o.End})
		}
		out[i].Orders = append(out[i].Orders, o)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.After(out[j].Start) })
	return out
}

// Facility states on the live board of an episode.
const (
	StateRunning = "running" // at or above the run threshold
	StatePartial = "partial" // between the stop and run thresholds
	StateStopped = "stopped" // at or below the stop threshold
	StateUnknown = "unknown" // no recent sample, or no threshold
)

// A FacilityReduction is one facility under an order of an episode: its state
// now and its consumption against the baseline and the allowance.
type FacilityReduction struct {
	OrderID      int64
	EnterpriseID int64
	FacilityID   int64
	Enterprise   string
	Facility     string
	Industry     string
	Kind         OrderKind
	CutPercent   float64
	State        string    // State* constants
	PowerKW      float64   // latest power, NaN when none
	SeenAt       time.Time // time of the latest sample
	Energy       float64   // kWh used over the report's span
	Baseline     float64   // kWh it would normally have used over the span; NaN when unknown
	Allowance    float64   // kWh allowed: 0 under 停产, baseline × (1 − cut %) under 限产; NaN when unknown
	Alarms       int       // 停产/限产未落实 alarms raised for the order
	// Warning (预警) marks a 限产 facility whose use so far is above its
	// allowance over the same hours (baseline so far × (1 − cut %) × (1 +
	// margin)): an early warning on the board, not an alarm — a plant that
	// complies by 错峰 or shorter hours may still end its period within the
	// whole period's allowance, which is what cut_ignored judges.
	Warning bool
	// Unjudged says why the rules cannot judge the order (an order_unjudged
	// alarm: no point on what it covers, no usable baseline); "" when they can.
	Unjudged string
}

// A ReductionRow sums facilities: one enterprise or one industry.
type ReductionRow struct {
	Name      string
	Energy    float64
	Baseline  float64 // NaN when any part is unknown
	Allowance float64 // NaN when any part is unknown
	Reduction float64 // (Baseline − Energy) ÷ Baseline; NaN when the baseline is unknown or zero
	Alarms    int
}

// An EpisodeReport is the live board during an episode and the reduction
// report after it.
type EpisodeReport struct {
	Episode     Episode
	From, To    time.Time // the span reported: the episode up to now while it runs
	Method      BaselineMethod
	Facilities  []FacilityReduction
	Enterprises []ReductionRow
	Industries  []ReductionRow
	Total       ReductionRow
}
