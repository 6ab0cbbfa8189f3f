package judge

import (
	"context"
	"fmt"
	"slices"
	"time"

	"powerwatch/alarms"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// storedBaselines computes the baseline of every 限产 order overlapping
// [from, to) under rs's method (orderBaseline). The rated method needs none;
// an order whose periods have no usable candidate is judged order_unjudged.
func storedBaselines(ctx context.Context, db *sqlite.DB, rs store.RuleSet, f *alarms.Facts, from, to time.Time) ([]alarms.Baseline, error) {
	if rs.CutBaseline == store.BaselineRated {
		return nil, nil
	}
	var cuts []store.Order
	for _, o := range f.Orders {
		if o.Kind == store.Cut && o.Start.Before(to) && o.End.After(from) {
			cuts = append(cuts, o)
		}
	}
	if len(cuts) == 0 {
		return nil, nil
	}
	return orderBaselines(ctx, db, rs, alarms.NewBaseliner(f), cuts)
}

// orderBaselines computes the baselines of orders (orderBaseline), in their
// order, on every core at once: each folds its own points' packed hours from
// the series, which is CPU work (an episode puts hundreds of enterprises
// under orders at once).
func orderBaselines(ctx context.Context, db *sqlite.DB, rs store.RuleSet, bl *alarms.Baseliner, orders []store.Order) ([]alarms.Baseline, error) {
	out := make([]alarms.Baseline, len(orders))
	err := forEach(ctx, len(orders), func(ctx context.Context, i int) error {
		var err error
		out[i], err = orderBaseline(ctx, db, rs, bl, orders[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// orderBaseline is order o's baseline under rs's method with
// alarms.BaselineFor: per 管控时段, the mean of the scope's stored hourly
// energy over the candidate periods that are usable — no order, 报备 or
// public holiday (HolidaysFrom(ctx)) in them, and every hour of every point
// complete.
func orderBaseline(ctx context.Context, db *sqlite.DB, rs store.RuleSet, bl *alarms.Baseliner, o store.Order) (alarms.Baseline, error) {
	hr := hourReader{ctx: ctx, db: db, order: o.ID, pts: bl.Points(o), stretches: alarms.BaselineStretches(o, rs.CutBaseline)}
	b := bl.For(o, rs.CutBaseline, HolidaysFrom(ctx), hr.measure)
	return b, hr.failed
}

// hourReader is the measure of one order's baseline over the stored hourly
// aggregates. BaselineFor measures each candidate period and then every
// hour-long prefix of it (the hourly cumulative): so each point's hours are
// read once per stretch of candidate periods (alarms.BaselineStretches), from
// the packed days' summaries (sqlite.HourlyEnergy), and every measure sums
// them in memory.
type hourReader struct {
	ctx       context.Context
	db        *sqlite.DB
	order     int64
	pts       []int64
	stretches []alarms.Period
	read      map[hourKey][]store.HourEnergy // by point and stretch, in time order
	failed    error
}

type hourKey struct {
	point   int64
	stretch int
}

// measure returns the energy of every point's hours starting in [p.Start
// truncated to the hour, p.End), and whether each of those hours is there
// and complete — what one HourlyEnergy read of that range per point
// would say.
func (hr *hourReader) measure(p alarms.Period) (float64, bool) {
	kwh, complete := 0.0, len(hr.pts) > 0
	start := p.Start.Truncate(time.Hour)
	hours := int((p.End.Sub(start) + time.Hour - 1) / time.Hour)
	for _, pid := range hr.pts {
		aggs, err := hr.hours(pid, start, p.End)
		if err != nil {
			hr.failed = fmt.Errorf("baseline of order %d, point %d: %w", hr.order, pid, err)
			return 0, false
		}
		if len(aggs) < hours {
			complete = false
		}
		for _, a := range aggs {
			kwh += a.Energy
			if a.Expected > 0 && a.Received < a.Expected {
				complete = false
			}
		}
	}
	return kwh, complete
}

// hours returns point pid's hourly aggregates starting in [from, to), from
// the stretch holding that range (read at the first need), or read directly
// when no stretch holds it.
func (hr *hourReader) hours(pid int64, from, to time.Time) ([]store.HourEnergy, error) {
	i := slices.IndexFunc(hr.stretches, func(s alarms.Period) bool { return !s.Start.After(from) && !to.After(s.End) })
	if i < 0 {
		return hr.db.HourlyEnergy(hr.ctx, pid, from, to)
	}
	k := hourKey{pid, i}
	aggs, ok := hr.read[k]
	if !ok {
		// Every point of the order is read for the stretch at once, in one
		// transaction: the measures ask for all of them anyway.
		m, err := hr.db.HourlyEnergyOf(hr.ctx, hr.pts, hr.stretches[i].Start, hr.stretches[i].End)
		if err != nil {
			return nil, err
		}
		if hr.read == nil {
			hr.read = map[hourKey][]store.HourEnergy{}
		}
		for _, p := range hr.pts {
			hr.read[hourKey{p, i}] = m[p]
		}
		aggs = m[pid]
	}
	lo, _ := slices.BinarySearchFunc(aggs, from, func(a store.HourEnergy, t time.Time) int { return a.Start.Compare(t) })
	hi, _ := slices.BinarySearchFunc(aggs, to, func(a store.HourEnergy, t time.Time) int { return a.Start.Compare(t) })
	return aggs[lo:max(lo, hi)], nil
}

// OrderBaselines returns the baselines of orders under the current rule set,
// by order ID, exactly as the 限产 rule computes them (orderBaseline), for
// the episode board and reduction report: what the board calls normal is
// what the rule judges against. 停产 orders get one too (the report's
// reduction); none under the rated method, which needs no history.
func OrderBaselines(ctx context.Context, db *sqlite.DB, orders []store.Order) (map[int64]alarms.Baseline, error) {
	rs, err := CurrentRules(ctx, db)
	if err != nil {
		return nil, err
	}
	if rs.CutBaseline == store.BaselineRated || len(orders) == 0 {
		return nil, nil
	}
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		return nil, fmt.Errorf("order baselines: %w", err)
	}
	facts := alarms.FactsFrom(reg)
	bs, err := orderBaselines(ctx, db, rs, alarms.NewBaseliner(&facts), orders)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]alarms.Baseline, len(orders))
	for _, b := range bs {
		out[b.OrderID] = b
	}
	return out, nil
}

type holidaysKey struct{}

// WithHolidays returns ctx carrying the public-holiday calendar the 限产
// baseline skips (a baseline period on a holiday is not normal production).
// The app sets it once on its root context, from the shipped calendar with
// the officer's holidays.csv over it; this package cannot load it itself
// (the shipped file is embedded in assets, which imports Fyne).
func WithHolidays(ctx context.Context, holiday func(time.Time) bool) context.Context {
	return context.WithValue(ctx, holidaysKey{}, holiday)
}

// HolidaysFrom returns the calendar WithHolidays put in ctx, or nil (no day
// is a holiday).
func HolidaysFrom(ctx context.Context) func(time.Time) bool {
	h, _ := ctx.Value(holidaysKey{}).(func(time.Time) bool)
	return h
}
