package alarms

import (
	"fmt"
	"math"
	"time"

	"powerwatch/store"
)

// A Period is a half-open span of time [Start, End).
type Period struct{ Start, End time.Time }

// BaselinePeriods returns the past periods whose consumption, averaged, is the
// normal consumption of [start, end) under method: the same weekday and hours
// in each of the 4 previous weeks, or the same dates one year earlier (in
// Beijing time). The rated-power baseline needs no history and returns nil.
// The app sums its stored aggregates over each period and passes the mean as
// Baseline.KWh.
func BaselinePeriods(method store.BaselineMethod, start, end time.Time) []Period {
	switch method {
	case store.BaselineWeekdays:
		ps := make([]Period, 4)
		for k := range ps {
			d := -7 * (k + 1)
			ps[k] = Period{start.In(store.Beijing).AddDate(0, 0, d), end.In(store.Beijing).AddDate(0, 0, d)}
		}
		return ps
	case store.BaselineLastYear:
		return []Period{{start.In(store.Beijing).AddDate(-1, 0, 0), end.In(store.Beijing).AddDate(-1, 0, 0)}}
	}
	return nil
}

// cutIgnored raises 限产未落实: during a 限产 order, the scope's cumulative
// consumption since the order's start exceeds the allowance — the baseline
// pro rata, reduced by the ordered percent — by more than the margin, for at
// least CutMin. The scope is the listed facilities, or for a whole-enterprise
// order the total-supply point (the production facilities when it has none).
func (ev *evaluator) cutIgnored() {
	for _, o := range ev.x.orders[ev.ent] {
		if o.Kind != store.Cut {
			continue
		}
		scope := ev.cutScope(o)
		base, ok := ev.baseline(o, scope)
		if !ok || len(scope) == 0 {
			continue
		}
		ev.judgeCut(o, scope, base)
	}
}

func (ev *evaluator) cutScope(o store.Order) []int64 {
	if len(o.FacilityIDs) > 0 {
		return o.FacilityIDs
	}
	var total []int64
	for _, fid := range ev.x.byEnterprise[ev.ent] {
		if ev.x.facility[fid].Kind == store.Total && len(ev.x.pointsOf[fid]) > 0 {
			total = append(total, fid)
		}
	}
	if len(total) > 0 {
		return total
	}
	return ev.orderScope(o, false)
}

func (ev *evaluator) baseline(o store.Order, scope []int64) (Baseline, bool) {
	if ev.rs.CutBaseline == store.BaselineRated {
		rated := 0.0
		for _, fid := range scope {
			if f := ev.x.facility[fid]; f != nil {
				rated += f.RatedKW
			}
		}
		h := o.End.Sub(o.Start).Hours()
		return Baseline{OrderID: o.ID, Method: store.BaselineRated, KWh: ev.rs.CutRatedPercent / 100 * rated * h,
			Note: fmt.Sprintf("%.0f %% × %.1f kW rated × %.1f h", ev.rs.CutRatedPercent, rated, h)}, rated > 0
	}
	for _, b := range ev.in.Baselines {
		if b.OrderID == o.ID && b.Method == ev.rs.CutBaseline && b.KWh > 0 {
			return b, true
		}
	}
	return Baseline{}, false
}

func (ev *evaluator) judgeCut(o store.Order, scope []int64, b Baseline) {
	first, last := ev.g.index(o.Start), ev.g.index(o.End.Add(-1))
	slots := last - first + 1
	allowPerSlot := b.KWh / float64(slots) * (1 - o.CutPercent/100)
	limit := 1 + ev.rs.CutMarginPct/100
	cond := make([]uint8, ev.g.n)
	cum := 0.0
	for i := first; i <= last; i++ {
		if i < 0 || i >= ev.g.n {
			continue
		}
		kwh, seen := 0.0, false
		for _, fid := range scope {
			for _, pid := range ev.x.pointsOf[fid] {
				if v := ev.point(pid).p[i]; !math.IsNaN(v) {
					kwh += v * ev.g.hours()
					seen = true
				}
			}
		}
		cum += kwh
		switch {
		case !seen:
			cond[i] = cUnknown
		case cum > allowPerSlot*float64(i-first+1)*limit:
			cond[i] = cTrue
		}
	}
	for _, ep := range findEpisodes(cond, ev.gapSlots()) {
		evid := &evidence{Order: orderEv(o), Baseline: &baselineEvidence{Method: string(b.Method), KWh: b.KWh, Note: b.Note,
			AllowanceKWh: allowPerSlot * float64(slots), MarginPct: ev.rs.CutMarginPct}}
		for _, fid := range scope {
			evid.Facilities = append(evid.Facilities, ev.facilityEv(fid, "production", ep.first))
		}
		a := store.Alarm{Type: store.CutIgnored, OrderID: o.ID,
			Detail: fmt.Sprintf("限产令 #%d（%.0f %%）期间累计用电超出允许值 %.0f %% 以上（基线 %s）/ consumption above the allowance of cut order #%d by more than %.0f %% (baseline %s)",
				o.ID, o.CutPercent, ev.rs.CutMarginPct, b.Method, o.ID, ev.rs.CutMarginPct, b.Method)}
		if len(scope) == 1 {
			a.ProductionID = scope[0]
		}
		ev.emit(a, ep, ev.rs.CutMin, o.Level, evid)
	}
}
