package alarms

import (
	"fmt"
	"math"
	"slices"
	"time"

	"powerwatch/store"
)

// A Period is a half-open span of time [Start, End).
type Period struct{ Start, End time.Time }

func (p Period) overlaps(start, end time.Time) bool {
	return p.Start.Before(end) && start.Before(p.End)
}

// CutPeriods splits a 限产 order into its 管控时段, each judged on its own
// allowance: the order itself, or for an order over several Beijing calendar
// days, its part of each day (our rule: a day's allowance is the day's, so a
// plant's night and day are not traded across days).
func CutPeriods(o store.Order) []Period {
	var out []Period
	for s := o.Start; s.Before(o.End); {
		b := s.In(store.Beijing)
		e := time.Date(b.Year(), b.Month(), b.Day()+1, 0, 0, 0, 0, store.Beijing)
		if e.After(o.End) {
			e = o.End
		}
		out = append(out, Period{s, e})
		s = e
	}
	return out
}

// BaselinePeriods returns the candidate past periods whose consumption,
// averaged, is the normal consumption of [start, end) under method: the same
// weekday and hours in each of the 4 previous weeks, or the same dates one
// year earlier (in Beijing time). The rated-power baseline needs no history
// and returns nil. BaselineFor says which candidates are usable.
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

// A Baseline is the normal consumption of a 限产 order's scope in each of its
// 管控时段 (CutPeriods), from the usable candidate periods. BaselineFor builds
// it; the rated-power baseline needs none: Evaluate derives it.
type Baseline struct {
	OrderID int64
	Method  store.BaselineMethod
	Periods []PeriodBaseline
	Note    string // how it was computed, for the evidence
}

// A PeriodBaseline is the baseline of one 管控时段: the mean consumption of the
// scope over the candidate periods used. No Used: the period cannot be judged.
type PeriodBaseline struct {
	Period  Period
	KWh     float64
	Used    []Period
	Skipped []SkippedPeriod
	// Hourly is the baseline's cumulative at each full hour of the period
	// (the mean over Used), so the evidence can draw it beside the scope's
	// own cumulative; the judgement uses KWh only.
	Hourly []float64
}

// A SkippedPeriod is a candidate baseline period not used, and why.
type SkippedPeriod struct {
	Period
	Reason string // order, filing, holiday, missing_data
}

// Measure returns the consumption of an order's scope (BaselinePoints) over p
// in kWh and whether the data covering p is complete (every expected slot
// of every point received).
type Measure func(p Period) (kwh float64, complete bool)

// BaselineFor computes the baseline of 限产 order o under method, period by
// period. A candidate period is not used when it overlaps an order or a 报备
// of the enterprise (a filing of the whole enterprise or of a facility in the
// scope), touches a rest day of a public holiday (holiday may be nil), or its
// data is incomplete. The app passes measure over its stored aggregates.
// For many orders of the same facts, NewBaseliner indexes them once.
func BaselineFor(f *Facts, o store.Order, method store.BaselineMethod, holiday func(time.Time) bool, measure Measure) Baseline {
	return NewBaseliner(f).For(o, method, holiday, measure)
}

// A Baseliner computes the baselines of many orders over the same facts
// (the episode board's 500 orders): the facts are indexed once, not once
// per order.
type Baseliner struct {
	f *Facts
	x *index
}

// NewBaseliner indexes f for BaselineFor, BaselinePoints and
// BaselineStretches of many orders.
func NewBaseliner(f *Facts) *Baseliner { return &Baseliner{f: f, x: newIndex(f)} }

// Facilities is BaselineFacilities.
func (bl *Baseliner) Facilities(o store.Order) []int64 {
	ev := evaluator{x: bl.x, ent: o.EnterpriseID}
	scope, _ := ev.orderScope(o)
	return scope
}

// Points is BaselinePoints.
func (bl *Baseliner) Points(o store.Order) []int64 {
	var pts []int64
	for _, fid := range bl.Facilities(o) {
		pts = append(pts, bl.x.pointsOf[fid]...)
	}
	return pts
}

// BaselineStretches returns the spans of time For may measure for order o under
// method: its candidate periods (BaselinePeriods of each CutPeriods), their
// starts truncated to the hour, merged where they overlap or touch, in time
// order. Every period For passes to measure lies inside one of them, so a
// measure can read each stretch once and sum its parts in memory.
func BaselineStretches(o store.Order, method store.BaselineMethod) []Period {
	var cs []Period
	for _, p := range CutPeriods(o) {
		for _, c := range BaselinePeriods(method, p.Start, p.End) {
			cs = append(cs, Period{c.Start.Truncate(time.Hour), c.End})
		}
	}
	slices.SortFunc(cs, func(a, b Period) int { return a.Start.Compare(b.Start) })
	var out []Period
	for _, c := range cs {
		if n := len(out); n > 0 && !c.Start.After(out[n-1].End) {
			if c.End.After(out[n-1].End) {
				out[n-1].End = c.End
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

// For is BaselineFor.
func (bl *Baseliner) For(o store.Order, method store.BaselineMethod, holiday func(time.Time) bool, measure Measure) Baseline {
	b := Baseline{OrderID: o.ID, Method: method}
	scope := bl.Facilities(o)
	f := bl.f
	used, total := 0, 0
	for _, p := range CutPeriods(o) {
		pb := PeriodBaseline{Period: p}
		sum := 0.0
		for _, c := range BaselinePeriods(method, p.Start, p.End) {
			total++
			why := unusable(f, o, scope, c, holiday)
			var kwh float64
			if why == "" {
				var complete bool
				if kwh, complete = measure(c); !complete {
					why = "missing_data"
				}
			}
			if why != "" {
				pb.Skipped = append(pb.Skipped, SkippedPeriod{c, why})
				continue
			}
			pb.Used = append(pb.Used, c)
			sum += kwh
			pb.Hourly = addHourly(pb.Hourly, c, measure)
		}
		if len(pb.Used) > 0 {
			pb.KWh = sum / float64(len(pb.Used))
			used += len(pb.Used)
			for k := range pb.Hourly {
				pb.Hourly[k] /= float64(len(pb.Used))
			}
		}
		b.Periods = append(b.Periods, pb)
	}
	b.Note = fmt.Sprintf("%s: %d of %d candidate periods usable / 可用基线时段 %d/%d", method, used, total, used, total)
	return b
}

// addHourly adds candidate c's cumulative consumption at each of its full
// hours to sums: each measured from c's start, so it means what the period's
// own measure means.
func addHourly(sums []float64, c Period, measure Measure) []float64 {
	n := int(c.End.Sub(c.Start) / time.Hour)
	if sums == nil {
		sums = make([]float64, n)
	}
	for k := 0; k < n && k < len(sums); k++ {
		kwh, _ := measure(Period{c.Start, c.Start.Add(time.Duration(k+1) * time.Hour)})
		sums[k] += kwh
	}
	return sums
}

func unusable(f *Facts, o store.Order, scope []int64, c Period, holiday func(time.Time) bool) string {
	for _, x := range f.Orders {
		if x.EnterpriseID == o.EnterpriseID && c.overlaps(x.Start, x.End) {
			return "order"
		}
	}
	for _, fl := range f.Filings {
		if fl.EnterpriseID != o.EnterpriseID || !c.overlaps(fl.Start, fl.End) {
			continue
		}
		if len(fl.FacilityIDs) == 0 || slices.ContainsFunc(scope, func(id int64) bool { return slices.Contains(fl.FacilityIDs, id) }) {
			return "filing"
		}
	}
	if holiday != nil {
		for d := c.Start.In(store.Beijing); d.Before(c.End); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, store.Beijing) {
			if holiday(d) {
				return "holiday"
			}
		}
	}
	return ""
}

// BaselineFacilities returns the facilities a 限产 order is judged on: the
// same scope as a 停产 (orderScope), never treatment or the total supply.
func BaselineFacilities(f *Facts, o store.Order) []int64 { return NewBaseliner(f).Facilities(o) }

// BaselinePoints returns the points whose consumption makes up the baseline of
// 限产 order o: those of BaselineFacilities.
func BaselinePoints(f *Facts, o store.Order) []int64 { return NewBaseliner(f).Points(o) }

// cutIgnored raises 限产未落实 (our reading of 累计用电明显大于正常): in each
// 管控时段 of a 限产 order, from the moment the scope's cumulative consumption
// exceeds the period's allowance — the baseline over the same hours × (1 −
// ordered %) × (1 + margin) — to the period's end. Cumulative consumption only
// grows, so later data of the period never withdraws it, and a plant that
// cuts by 错峰 or shorter hours is never alarmed. Missing data lowers the
// cumulative: it can delay an alarm, never raise one. A period without a
// usable baseline raises order_unjudged.
func (ev *evaluator) cutIgnored() {
	for _, o := range ev.x.orders[ev.ent] {
		if o.Kind != store.Cut {
			continue
		}
		scope, context := ev.orderScope(o)
		if !ev.measured(scope) {
			ev.unjudged(o, Period{o.Start, o.End}, "限产令覆盖的设施均无监测点 / no facility the order covers has a monitoring point")
			continue
		}
		b := ev.baseline(o, scope)
		for _, pb := range b.Periods {
			if len(pb.Used) == 0 && b.Method != store.BaselineRated || pb.KWh <= 0 {
				ev.unjudged(o, pb.Period, fmt.Sprintf("没有可用的基线时段（%s）/ no usable baseline period (%s)", b.Method, skippedText(pb.Skipped)))
				continue
			}
			ev.judgeCut(o, scope, context, b, pb)
		}
	}
}

func skippedText(ss []SkippedPeriod) string {
	s := ""
	for k, x := range ss {
		if k > 0 {
			s += ", "
		}
		s += beijingTime(x.Start) + " " + x.Reason
	}
	if s == "" {
		return "none computed"
	}
	return s
}

// baseline returns order o's baseline: the rated one derived here, else the
// one the app computed (Input.Baselines), else one whose periods have none.
func (ev *evaluator) baseline(o store.Order, scope []int64) Baseline {
	if ev.rs.CutBaseline == store.BaselineRated {
		rated := 0.0
		for _, fid := range scope {
			if f := ev.x.facility[fid]; f != nil {
				rated += f.RatedKW
			}
		}
		b := Baseline{OrderID: o.ID, Method: store.BaselineRated,
			Note: fmt.Sprintf("%.0f %% × %.1f kW rated", ev.rs.CutRatedPercent, rated)}
		for _, p := range CutPeriods(o) {
			perHour := ev.rs.CutRatedPercent / 100 * rated
			pb := PeriodBaseline{Period: p, KWh: perHour * p.End.Sub(p.Start).Hours()}
			for k := 1; k <= int(p.End.Sub(p.Start)/time.Hour); k++ {
				pb.Hourly = append(pb.Hourly, perHour*float64(k))
			}
			b.Periods = append(b.Periods, pb)
		}
		return b
	}
	for _, b := range ev.in.Baselines {
		if b.OrderID == o.ID && b.Method == ev.rs.CutBaseline {
			return b
		}
	}
	b := Baseline{OrderID: o.ID, Method: ev.rs.CutBaseline}
	for _, p := range CutPeriods(o) {
		b.Periods = append(b.Periods, PeriodBaseline{Period: p})
	}
	return b
}

// judgeCut judges one 管控时段.
func (ev *evaluator) judgeCut(o store.Order, scope, context []int64, b Baseline, pb PeriodBaseline) {
	allow := pb.KWh * (1 - o.CutPercent/100) * (1 + ev.rs.CutMarginPct/100)
	first, last := ev.g.index(pb.Period.Start), ev.g.index(pb.Period.End.Add(-1))
	cum, over, atOver := 0.0, -1, 0.0
	var hourly []float64 // the cumulative at each hour of the period, for the evidence
	hoursAtOver := 0
	perHour := ev.slots(time.Hour)
	for i := first; i <= last; i++ {
		if i >= 0 && i < ev.g.n {
			cum += ev.energy(scope, i)
		}
		if over < 0 && cum > allow+1e-6 { // kWh: float noise never makes an exact cut an excess
			over, atOver, hoursAtOver = i, cum, len(hourly)
		}
		if perHour > 0 && (i-first+1)%perHour == 0 {
			hourly = append(hourly, math.Round(cum*10)/10)
		}
	}
	if over < 0 {
		return
	}
	// The alarm starts with the slot in which the cumulative passed the
	// allowance (at its end the excess is certain), so that even a period
	// passed in its last slot gives an alarm of that slot, not of no time.
	ep := episode{first: over, last: last, observed: last - over + 1, open: pb.Period.End.After(ev.in.To)}
	evid := &evidence{Order: orderEv(o), Baseline: &baselineEvidence{Method: string(b.Method), KWh: pb.KWh, Note: b.Note,
		AllowanceKWh: allow, MarginPct: ev.rs.CutMarginPct, Period: periodEv(pb.Period), ExceededKWh: math.Round(atOver*10) / 10}}
	if ep.open {
		// while the period runs, the evidence stays what it was when the
		// allowance was passed: no store write with every packet
		evid.Baseline.CumulativeKWh = hourly[:hoursAtOver]
	} else {
		evid.Baseline.ActualKWh, evid.Baseline.CumulativeKWh = math.Round(cum*10)/10, hourly
	}
	for _, c := range pb.Hourly {
		evid.Baseline.BaselineCumulativeKWh = append(evid.Baseline.BaselineCumulativeKWh, math.Round(c*10)/10)
	}
	for _, u := range pb.Used {
		evid.Baseline.Used = append(evid.Baseline.Used, periodEv(u))
	}
	for _, s := range pb.Skipped {
		evid.Baseline.Skipped = append(evid.Baseline.Skipped, periodEv(s.Period)+" "+s.Reason)
	}
	for _, fid := range scope {
		evid.Facilities = append(evid.Facilities, ev.facilityEv(fid, "production", ep.first))
	}
	for _, c := range context {
		evid.Facilities = append(evid.Facilities, ev.facilityEv(c, "context", ep.first))
	}
	a := store.Alarm{Type: store.CutIgnored, OrderID: o.ID,
		Detail: fmt.Sprintf("限产令 #%d（%.0f %%）%s 起累计用电 %.0f kWh 已超过本时段允许值 %.0f kWh（基线 %.0f kWh，%s）/ cumulative consumption of cut order #%d exceeded the period's allowance",
			o.ID, o.CutPercent, beijingTime(pb.Period.Start), atOver, allow, pb.KWh, b.Method, o.ID)}
	if len(scope) == 1 {
		a.ProductionID = scope[0]
	}
	ev.emit(a, ep, 0, o.Level, evid)
}

// energy is the scope's consumption in slot i, kWh: power × slot over the
// points that reported; a point without data or reporting loss of supply adds
// nothing, so the sum is a lower bound.
func (ev *evaluator) energy(scope []int64, i int) float64 {
	kwh := 0.0
	for _, fid := range scope {
		for _, pid := range ev.x.pointsOf[fid] {
			pg := ev.point(pid)
			if v := pg.p[i]; !math.IsNaN(v) && !pg.off[i] && v > 0 {
				kwh += v * ev.g.hours()
			}
		}
	}
	return kwh
}

func periodEv(p Period) string { return beijingTime(p.Start) + "/" + beijingTime(p.End) }
