package thresholds

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"powerwatch/store"
)

// An Hour is one hour of a facility's power (kW) from the hourly aggregates:
// its lowest, mean and highest value. NaN means not known.
type Hour struct {
	Start         time.Time
	Min, Avg, Max float64
}

// A Window is a period left out of the history: an order, a 报备 stop, a
// test. The facility did then what it was told, not what it usually does.
type Window struct{ From, To time.Time }

// Input is one facility's history and what is needed to place its limits.
type Input struct {
	FacilityID int64
	Kind       store.FacilityKind
	RatedKW    float64 // 0 when unknown: a treatment unit then has no floor
	Hours      []Hour
	Exclude    []Window
}

// Status says whether a proposal could be made.
type Status string

// Statuses.
const (
	Proposed  Status = "proposed"   // limits proposed
	TooLittle Status = "too_little" // fewer than MinDays days, or no weekday or no weekend day
	Unimodal  Status = "unimodal"   // one level only: nothing to separate
)

// Role is what a mode of the distribution is.
type Role string

// Roles. A treatment unit's idle mode is its 空转 (running empty).
const (
	Stopped Role = "stopped"
	Idle    Role = "idle"
	Running Role = "running"
	Other   Role = "other" // a further level between idle and running
)

// A Mode is one level of a facility's power.
type Mode struct {
	Role      Role
	Level     float64 // kW, the weighted median of the observations in the mode
	Low, High float64 // kW, its 5th and 95th percentile
	Share     float64 // of all observations, 0–1
	peak      int     // its bin in the histogram
}

// A Proposal is the limits a facility's own history suggests, with the
// evidence for them.
type Proposal struct {
	FacilityID  int64
	Status      Status
	Days        int // days with data, after the windows left out
	WeekendDays int
	Modes       []Mode // lowest first
	Stop, Run   float64
	// StopSeparation and RunSeparation say how clean the gap a limit sits in
	// is: 1 − valley / lower peak, 1 an empty gap, 0 no gap.
	StopSeparation, RunSeparation float64
	// StopObserved is false when the facility never stopped in its history:
	// the stop limit is then put below its lowest level, not between two.
	StopObserved bool
	// Floor is a treatment unit's lowest 运行限值 without an officer's note:
	// the share of rated power store.DefaultThreshold uses. FloorApplied says
	// the proposal was raised to it, so running empty is not learned as normal.
	Floor        float64
	FloorApplied bool
	Histogram    Histogram
}

// MinDays is the least history a proposal stands on: two weeks hold both
// working days and weekends, and more than one of each.
const MinDays = 14

// stoppedRatio: a lowest level below this share of the running level is the
// facility stopped (control power, a meter's own draw); above it, idling.
// It matches store.DefaultStopShare, the derived stop limit.
const stoppedRatio = store.DefaultStopShare

// steadyRatio: an hour whose highest value is within this factor of its
// lowest stayed at one level, and its mean is that level. Otherwise it
// changed level within the hour and its lowest and highest values stand for
// the two levels (its mean would fall in the gap between them).
const steadyRatio = 1.3

// Propose finds in's modes and places its limits by role.
func Propose(in Input) Proposal {
	p := Proposal{FacilityID: in.FacilityID, StopObserved: true}
	if in.Kind == store.Treatment && in.RatedKW > 0 {
		p.Floor = store.DefaultRunShare * in.RatedKW
	}
	xs, days, weekend := observations(in)
	p.Days, p.WeekendDays = days, weekend
	if days < MinDays || weekend == 0 || weekend == days || len(xs) == 0 {
		p.Status = TooLittle
		return p
	}
	p.Histogram = newHistogram(xs)
	total := 0.0
	for _, x := range xs {
		total += x.w
	}
	ps := p.Histogram.peaks(total)
	p.Modes = modes(p.Histogram, ps, xs, total)
	if len(p.Modes) < 2 {
		p.Status = Unimodal
		return p
	}
	p.Status = Proposed
	p.place()
	return p
}

// observations turns in's hours outside the windows into weighted values,
// sorted, and counts the days and weekend days (Beijing) they cover.
func observations(in Input) (xs []obs, days, weekend int) {
	seen := map[int64]bool{}
	for _, h := range in.Hours {
		if math.IsNaN(h.Avg) || excluded(h.Start, in.Exclude) {
			continue
		}
		lo, hi := h.Min, h.Max
		if math.IsNaN(lo) || math.IsNaN(hi) || hi <= steadyRatio*lo {
			xs = append(xs, obs{math.Max(h.Avg, 0), 1})
		} else {
			xs = append(xs, obs{math.Max(lo, 0), 0.5}, obs{hi, 0.5})
		}
		d := h.Start.In(store.Beijing)
		key := int64(d.Year())*1000 + int64(d.YearDay())
		if !seen[key] {
			seen[key] = true
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
				weekend++
			}
		}
	}
	slices.SortFunc(xs, func(a, b obs) int { return cmp.Compare(a.v, b.v) })
	return xs, len(seen), weekend
}

func excluded(start time.Time, ws []Window) bool {
	end := start.Add(time.Hour)
	for _, w := range ws {
		if start.Before(w.To) && end.After(w.From) {
			return true
		}
	}
	return false
}

// modes measures each peak's basin and names the modes by role.
func modes(h Histogram, ps []int, xs []obs, total float64) []Mode {
	var ms []Mode
	for k := range ps {
		lo, hi := h.basin(ps, k)
		in := within(xs, h.Edges[lo], edge(h, hi))
		w := 0.0
		for _, x := range in {
			w += x.w
		}
		if w == 0 {
			continue
		}
		ms = append(ms, Mode{Level: quantile(in, 0.5), Low: quantile(in, 0.05), High: quantile(in, 0.95), Share: w / total, peak: ps[k]})
	}
	if len(ms) < 2 {
		return ms
	}
	top := len(ms) - 1
	ms[top].Role = Running
	first := 0
	if ms[0].Level <= stoppedRatio*ms[top].Level {
		ms[0].Role = Stopped
		first = 1
	}
	// The idle level is the largest one between stopped and running; any
	// other is a further load step, drawn but not a limit's neighbour.
	idle := -1
	for i := first; i < top; i++ {
		if idle < 0 || ms[i].Share > ms[idle].Share {
			idle = i
		}
	}
	for i := first; i < top; i++ {
		ms[i].Role = Other
	}
	if idle >= 0 {
		ms[idle].Role = Idle
	}
	return ms
}

// edge is the upper edge of bins [.., hi): +Inf past the last bin.
func edge(h Histogram, hi int) float64 {
	if hi >= len(h.Counts) {
		return math.Inf(1)
	}
	return h.Edges[hi]
}

// place puts the limits in the gaps by role: 停产限值 above the stopped level,
// 运行限值 above the idle (空转) level; with one of them missing both share the
// gap that is there.
func (p *Proposal) place() {
	idx := map[Role]int{}
	for i, m := range p.Modes {
		if m.Role != Other {
			idx[m.Role] = i
		}
	}
	si, hasStop := idx[Stopped]
	ii, hasIdle := idx[Idle]
	ri := idx[Running]
	switch {
	case hasStop && hasIdle:
		p.Stop, p.StopSeparation = p.gap(si, ii)
		p.Run, p.RunSeparation = p.gap(ii, ii+1)
	case hasStop:
		p.Stop, p.StopSeparation = p.gap(si, ri)
		p.Run, p.RunSeparation = math.Sqrt(p.Stop*p.Modes[ri].Low), p.StopSeparation
	default: // never stopped: idle and running
		p.StopObserved = false
		p.Run, p.RunSeparation = p.gap(ii, ii+1)
		p.Stop = p.Modes[ii].Low / 2
	}
	if p.Floor > 0 && p.Run < p.Floor {
		p.Run, p.FloorApplied = p.Floor, true
	}
	p.Stop = math.Min(p.Stop, p.Run)
}

// gap places a limit between modes a < b and says how well they separate:
// the geometric middle between a's high and b's low when they do not
// overlap, else the valley's bottom. A stopped mode near 0 kW counts as
// reaching a tenth of b's low, so the limit is not put at a few watts.
func (p *Proposal) gap(a, b int) (limit, separation float64) {
	h := p.Histogram
	pa, pb := p.Modes[a].peak, p.Modes[b].peak
	v, depth := h.valley(pa, pb)
	separation = 1 - depth/math.Min(h.height(pa), h.height(pb))
	lo, hi := math.Max(p.Modes[a].High, p.Modes[b].Low/10), p.Modes[b].Low
	if lo < hi {
		return math.Sqrt(lo * hi), math.Max(separation, 0)
	}
	return h.center(v), math.Max(separation, 0)
}

// Reason is a sentence for people on why no limits were proposed, or "".
func (p Proposal) Reason() string {
	switch p.Status {
	case TooLittle:
		return fmt.Sprintf("数据不足：%d 天（其中周末 %d 天），至少需 %d 天且含工作日和周末 / too little data: %d days (%d weekend), need %d with weekdays and weekends",
			p.Days, p.WeekendDays, MinDays, p.Days, p.WeekendDays, MinDays)
	case Unimodal:
		return "功率只有一个水平，无法区分停产/运行 / one power level only: nothing to separate"
	}
	return ""
}

// Quality grades a separation: 良 good, 中 fair, 差 poor.
func Quality(separation float64) string {
	switch {
	case separation >= 0.8:
		return "good"
	case separation >= 0.5:
		return "fair"
	}
	return "poor"
}
