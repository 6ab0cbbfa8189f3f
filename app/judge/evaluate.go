package judge

import (
	"context"
	"errors"
	"fmt"
	"time"

	"powerwatch/alarms"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// Summary is what EvaluateStored did.
type Summary struct {
	Enterprises, Alarms, Changed, Withdrawn, RuleVersion int
}

// evaluationLead is how much data before --from is read, so that an episode
// running at --from is judged from its true start.
const evaluationLead = 6 * time.Hour

// maxEpisodeFollow bounds how far past the end of a re-evaluated period the
// data is read to judge the episodes running at its end, so that re-judging
// an old month does not read a year of samples.
const maxEpisodeFollow = 31 * 24 * time.Hour

// EvaluateStored re-runs the rules over [from, to) from the stored registry,
// series and aggregates, enterprise by enterprise, and reconciles the result
// with the stored alarms.
func EvaluateStored(ctx context.Context, db *sqlite.DB, from, to time.Time) (Summary, error) {
	return evaluateEnterprises(ctx, db, from, to, 0)
}

// evaluateEnterprises is EvaluateStored for one enterprise, or all when ent is 0.
func evaluateEnterprises(ctx context.Context, db *sqlite.DB, from, to time.Time, ent int64) (Summary, error) {
	rs, err := CurrentRules(ctx, db)
	if err != nil {
		return Summary{}, err
	}
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		return Summary{}, err
	}
	facts := alarms.FactsFrom(reg)
	baselines, err := storedBaselines(ctx, db, rs, &facts, from, to)
	if err != nil {
		return Summary{}, err
	}
	runs, known, err := serviceRuns(ctx, db, from.Add(-evaluationLead), to.Add(maxEpisodeFollow), 0)
	if err != nil {
		return Summary{}, err
	}
	rates, err := monthlyRates(ctx, db, from, to)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{RuleVersion: rs.Version}
	now := time.Now()
	if to.After(now) {
		to = now // nothing is judged that has not happened: a silent terminal is not offline tomorrow
	}
	if !to.After(from) {
		return sum, nil
	}
	judgeTo := now.Truncate(rs.Slot).Add(rs.Slot)
	if judgeTo.Before(to) {
		judgeTo = to
	}
	if limit := to.Add(maxEpisodeFollow); judgeTo.After(limit) {
		judgeTo = limit
	}
	for _, en := range reg.Enterprises {
		if ent != 0 && en.ID != ent {
			continue
		}
		efrom, err := openSince(ctx, db, en.ID, from)
		if err != nil {
			return sum, fmt.Errorf("evaluate %s: %w", en.Name, err)
		}
		// The rules read the data after to as well: an episode running at to
		// (a terminal offline since before it) is judged with what came
		// later, so it ends where the data resumed instead of being stored
		// open. Only alarms starting before to are reconciled.
		series, err := storedSeries(ctx, db, reg, en.ID, efrom.Add(-evaluationLead), judgeTo)
		if err != nil {
			return sum, fmt.Errorf("evaluate %s: %w", en.Name, err)
		}
		prior, err := priorAlarms(ctx, db, en.ID, efrom)
		if err != nil {
			return sum, fmt.Errorf("evaluate %s: %w", en.Name, err)
		}
		in := alarms.Input{From: efrom, To: judgeTo, Facts: &facts, Series: series, Baselines: baselines, Enterprises: []int64{en.ID},
			Runs: runs, RunsKnown: known, Rates: rates, Prior: prior}
		got := alarms.Evaluate(rs, in)
		sum.Enterprises++
		for _, a := range got {
			if a.Start.Before(to) {
				sum.Alarms++
			}
		}
		scopes := []store.AlarmScope{{From: efrom, To: to, EnterpriseID: en.ID, Types: alarms.ContinuousTypes()}}
		if m, ok := alarms.CompleteMonths(from, to); ok {
			scopes = append(scopes, store.AlarmScope{From: m.Start, To: m.End, EnterpriseID: en.ID, Types: []store.AlarmType{store.LowTransmission}})
		}
		for _, sc := range scopes {
			changed, err := db.ReconcileAlarms(ctx, sc, got)
			if err != nil {
				return sum, fmt.Errorf("evaluate %s: %w", en.Name, err)
			}
			sum.count(changed)
		}
	}
	return sum, nil
}

// count adds what a reconciliation inserted, changed or withdrew.
func (sum *Summary) count(changed []store.Alarm) {
	for _, a := range changed {
		if a.Status == store.Withdrawn {
			sum.Withdrawn++
		} else {
			sum.Changed++
		}
	}
}

// openSince returns from, or the start of the enterprise's earliest alarm still
// open from before it: that episode is judged again from its start, so a stored
// alarm is never left open by a period that begins after it.
func openSince(ctx context.Context, db *sqlite.DB, ent int64, from time.Time) (time.Time, error) {
	open, err := db.FindAlarms(ctx, store.AlarmFilter{EnterpriseID: ent, To: from, Statuses: []store.AlarmStatus{store.Open}})
	if err != nil {
		return from, err
	}
	for _, a := range open {
		if a.Start.Before(from) && a.Type != store.LowTransmission {
			from = a.Start
		}
	}
	return from, nil
}

// CurrentRules is the newest saved rule set, or the defaults when none was saved.
func CurrentRules(ctx context.Context, db *sqlite.DB) (store.RuleSet, error) {
	rs, err := db.CurrentRuleSet(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return alarms.DefaultRules(), nil
	}
	return rs, err
}

// manyEnterprises is where re-judging late data switches from one pass per
// enterprise to one pass over the district.
const manyEnterprises = 20

// Reevaluate re-judges, from stored data, the periods of late data: those
// the engine handed back because they fell before its window, and the spans of
// samples that arrived after their deadline.
func Reevaluate(ctx context.Context, db *sqlite.DB, scopes []store.AlarmScope) error {
	// One pass per enterprise over the union of its late periods, reaching
	// evaluationLead further back: late data arrives slot by slot, and an
	// episode it completes usually started in an earlier slot, so judging
	// only the new slots would never raise it.
	merged := map[int64]store.AlarmScope{}
	var order []int64
	for _, sc := range scopes {
		m, ok := merged[sc.EnterpriseID]
		if !ok {
			order = append(order, sc.EnterpriseID)
			m = sc
		}
		if sc.From.Before(m.From) {
			m.From = sc.From
		}
		if sc.To.After(m.To) {
			m.To = sc.To
		}
		merged[sc.EnterpriseID] = m
	}
	// Late data of a closed month changes its transmission rate: its
	// low_transmission verdict is judged again (JudgeMonths skips the month
	// still running).
	thisMonth := store.Month.Start(time.Now())
	var closed []time.Time
	for _, ent := range order {
		sc := merged[ent]
		if !sc.From.Before(thisMonth) {
			continue
		}
		ms := monthsOf(sc.From, sc.To)
		if len(order) > manyEnterprises {
			closed = append(closed, ms...)
			continue
		}
		if _, err := JudgeMonths(ctx, db, ent, ms); err != nil {
			return fmt.Errorf("re-judge the transmission of enterprise %d: %w", ent, err)
		}
	}
	if len(closed) > 0 {
		if _, err := JudgeMonths(ctx, db, 0, closed); err != nil {
			return fmt.Errorf("re-judge the district's transmission: %w", err)
		}
	}
	if len(order) > manyEnterprises {
		// A district-wide backfill (after a mobile-network outage): one pass
		// over all enterprises reads the registry and rules once, not once each.
		var all store.AlarmScope
		for _, sc := range merged {
			if all.From.IsZero() || sc.From.Before(all.From) {
				all.From = sc.From
			}
			if sc.To.After(all.To) {
				all.To = sc.To
			}
		}
		if _, err := evaluateEnterprises(ctx, db, all.From.Add(-evaluationLead), all.To, 0); err != nil {
			return fmt.Errorf("re-evaluate backfill of the district: %w", err)
		}
		return nil
	}
	for _, ent := range order {
		sc := merged[ent]
		if _, err := evaluateEnterprises(ctx, db, sc.From.Add(-evaluationLead), sc.To, ent); err != nil {
			return fmt.Errorf("re-evaluate backfill of enterprise %d: %w", ent, err)
		}
	}
	return nil
}

// Replay runs rs over [from, to) of the stored data, enterprise by
// enterprise, and compares it with the stored alarms of the period and their
// reviews (alarms.Replay), before an officer saves rs.
func Replay(ctx context.Context, db *sqlite.DB, rs store.RuleSet, from, to time.Time) (alarms.ReplayReport, error) {
	var rep alarms.ReplayReport
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		return rep, err
	}
	facts := alarms.FactsFrom(reg)
	baselines, err := storedBaselines(ctx, db, rs, &facts, from, to)
	if err != nil {
		return rep, err
	}
	runs, known, err := serviceRuns(ctx, db, from.Add(-evaluationLead), to, 0)
	if err != nil {
		return rep, err
	}
	rates, err := monthlyRates(ctx, db, from, to)
	if err != nil {
		return rep, err
	}
	for _, en := range reg.Enterprises {
		series, err := storedSeries(ctx, db, reg, en.ID, from.Add(-evaluationLead), to)
		if err != nil {
			return rep, fmt.Errorf("replay %s: %w", en.Name, err)
		}
		stored, err := db.FindAlarms(ctx, store.AlarmFilter{From: from, To: to, EnterpriseID: en.ID})
		if err != nil {
			return rep, fmt.Errorf("replay %s: %w", en.Name, err)
		}
		prior, err := priorAlarms(ctx, db, en.ID, from)
		if err != nil {
			return rep, fmt.Errorf("replay %s: %w", en.Name, err)
		}
		in := alarms.Input{From: from, To: to, Facts: &facts, Series: series, Baselines: baselines, Enterprises: []int64{en.ID},
			Runs: runs, RunsKnown: known, Rates: rates, Prior: prior}
		rep.Add(alarms.Replay(rs, in, stored))
	}
	return rep, nil
}

// storedSeries reads the series of every point of enterprise ent in [from, to).
func storedSeries(ctx context.Context, db *sqlite.DB, reg *store.Registry, ent int64, from, to time.Time) (map[int64][]store.Sample, error) {
	out := map[int64][]store.Sample{}
	for _, p := range reg.Points {
		if fc, ok := reg.Facility(p.FacilityID); ok && fc.EnterpriseID == ent {
			ss, err := db.Samples(ctx, p.ID, from, to)
			if err != nil {
				return nil, err
			}
			out[p.ID] = ss
		}
	}
	return out, nil
}

// storedBaselines computes the baseline of every 限产 order overlapping
// [from, to) under rs's method (orderBaseline). The rated method needs none;
// an order whose periods have no usable candidate is judged order_unjudged.
func storedBaselines(ctx context.Context, db *sqlite.DB, rs store.RuleSet, f *alarms.Facts, from, to time.Time) ([]alarms.Baseline, error) {
	if rs.CutBaseline == store.BaselineRated {
		return nil, nil
	}
	var out []alarms.Baseline
	for _, o := range f.Orders {
		if o.Kind != store.Cut || !o.Start.Before(to) || !o.End.After(from) {
			continue
		}
		b, err := orderBaseline(ctx, db, rs, f, o)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// orderBaseline is order o's baseline under rs's method with
// alarms.BaselineFor: per 管控时段, the mean of the scope's stored hourly
// energy over the candidate periods that are usable — no order, 报备 or
// public holiday (HolidaysFrom(ctx)) in them, and every hour of every point
// complete.
func orderBaseline(ctx context.Context, db *sqlite.DB, rs store.RuleSet, f *alarms.Facts, o store.Order) (alarms.Baseline, error) {
	pts := alarms.BaselinePoints(f, o)
	var failed error
	measure := func(p alarms.Period) (float64, bool) {
		kwh, complete := 0.0, len(pts) > 0
		start := p.Start.Truncate(time.Hour)
		hours := int((p.End.Sub(start) + time.Hour - 1) / time.Hour)
		for _, pid := range pts {
			aggs, err := db.HourlyAggregates(ctx, pid, start, p.End)
			if err != nil {
				failed = fmt.Errorf("baseline of order %d, point %d: %w", o.ID, pid, err)
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
	b := alarms.BaselineFor(f, o, rs.CutBaseline, HolidaysFrom(ctx), measure)
	return b, failed
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
	out := make(map[int64]alarms.Baseline, len(orders))
	for _, o := range orders {
		b, err := orderBaseline(ctx, db, rs, &facts, o)
		if err != nil {
			return nil, err
		}
		out[o.ID] = b
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

// serviceRuns reads the spans in which the receiving service ran around
// [from, to) for the rules' offline time, the run current (still going, its
// heartbeat lagging up to a minute) open-ended. known is false when no service
// ever ran on this database.
func serviceRuns(ctx context.Context, db *sqlite.DB, from, to time.Time, current int64) (runs []store.ServiceRun, known bool, err error) {
	if known, err = db.AnyServiceRun(ctx); err != nil || !known {
		return nil, known, err
	}
	if runs, err = db.ServiceRuns(ctx, from, to); err != nil {
		return nil, true, err
	}
	for i := range runs {
		if runs[i].ID == current {
			runs[i].Alive = time.Time{}
		}
	}
	return runs, true, nil
}

// monthlyRates reads the monthly transmission rates of every point for the
// whole Beijing months inside [from, to), 报备 windows excluded: the numbers
// of the monthly maintenance list (maintenance.LowTransmission reads the same
// function), which low_transmission judges.
func monthlyRates(ctx context.Context, db *sqlite.DB, from, to time.Time) ([]store.Rate, error) {
	m, ok := alarms.CompleteMonths(from, to)
	if !ok {
		return nil, nil
	}
	_, months, err := db.TransmissionRate(ctx, 0, m.Start, m.End, true)
	if err != nil {
		return nil, fmt.Errorf("monthly transmission rates: %w", err)
	}
	return months, nil
}

// JudgeMonths re-judges low_transmission of the closed Beijing months that
// start at months (any time inside a month names it) for enterprise ent, or
// every enterprise when 0: after the monthly job, when late data of a closed
// month arrives and when a 报备 covering one changes. A month not yet over is
// left alone: its rate is still growing.
func JudgeMonths(ctx context.Context, db *sqlite.DB, ent int64, months []time.Time) (Summary, error) {
	rs, err := CurrentRules(ctx, db)
	if err != nil {
		return Summary{}, err
	}
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		return Summary{}, err
	}
	facts := alarms.FactsFrom(reg)
	sum := Summary{RuleVersion: rs.Version}
	thisMonth := store.Month.Start(time.Now())
	seen := map[int64]bool{}
	for _, at := range months {
		start := store.Month.Start(at)
		end := store.Month.Add(start, 1)
		if end.After(thisMonth) || seen[start.UnixMilli()] {
			continue
		}
		seen[start.UnixMilli()] = true
		rates, err := monthlyRates(ctx, db, start, end)
		if err != nil {
			return sum, err
		}
		in := alarms.Input{From: start, To: end, Facts: &facts, Rates: rates, Types: []store.AlarmType{store.LowTransmission}}
		if ent != 0 {
			in.Enterprises = []int64{ent}
		}
		got := alarms.Evaluate(rs, in)
		sum.Alarms += len(got)
		for _, en := range reg.Enterprises {
			if ent != 0 && en.ID != ent {
				continue
			}
			sum.Enterprises++
			changed, err := db.ReconcileAlarms(ctx, store.AlarmScope{From: start, To: end, EnterpriseID: en.ID,
				Types: []store.AlarmType{store.LowTransmission}}, got)
			if err != nil {
				return sum, fmt.Errorf("judge transmission of %s for %s: %w", start.Format("2006-01"), en.Name, err)
			}
			sum.count(changed)
		}
	}
	return sum, nil
}

// monthsOf names every month that [from, to) touches.
func monthsOf(from, to time.Time) []time.Time {
	var out []time.Time
	for m := store.Month.Start(from); m.Before(to); m = store.Month.Add(m, 1) {
		out = append(out, m)
	}
	return out
}

// nightsLead is how much data before a night the night rule reads: the day
// before it, from the rule set's NightTo hour.
const nightsLead = 24 * time.Hour

// JudgeNights judges night_undertreatment for the nights that end in
// (from, to] (at most now), for enterprise ent or every enterprise when 0,
// and reconciles exactly those nights: each is judged with its whole day
// before it, so a short re-evaluation never withdraws a night it cannot see.
func JudgeNights(ctx context.Context, db *sqlite.DB, ent int64, from, to time.Time) (Summary, error) {
	if now := time.Now(); to.After(now) {
		to = now
	}
	rs, err := CurrentRules(ctx, db)
	if err != nil {
		return Summary{}, err
	}
	nightFrom, nightTo := rs.NightFrom, rs.NightTo
	if nightFrom == 0 && nightTo == 0 {
		d := alarms.DefaultRules()
		nightFrom, nightTo = d.NightFrom, d.NightTo
	}
	// The nights ending in (from, to]: they start at nightFrom on the day
	// before their end.
	f := from.In(store.Beijing)
	first := time.Date(f.Year(), f.Month(), f.Day(), nightTo, 0, 0, 0, store.Beijing)
	if !first.After(from) {
		first = first.AddDate(0, 0, 1)
	}
	sum := Summary{RuleVersion: rs.Version}
	if first.After(to) {
		return sum, nil
	}
	last := first
	for !last.AddDate(0, 0, 1).After(to) {
		last = last.AddDate(0, 0, 1)
	}
	startFirst := first.AddDate(0, 0, -1).Add(time.Duration(nightFrom-nightTo) * time.Hour)
	startLast := last.AddDate(0, 0, -1).Add(time.Duration(nightFrom-nightTo) * time.Hour)
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		return sum, err
	}
	facts := alarms.FactsFrom(reg)
	types := []store.AlarmType{store.NightUndertreatment}
	for _, en := range reg.Enterprises {
		if ent != 0 && en.ID != ent {
			continue
		}
		series, err := storedSeries(ctx, db, reg, en.ID, first.Add(-nightsLead), last)
		if err != nil {
			return sum, fmt.Errorf("judge the nights of %s: %w", en.Name, err)
		}
		got := alarms.Evaluate(rs, alarms.Input{From: startFirst, To: last, Facts: &facts, Series: series,
			Enterprises: []int64{en.ID}, Types: types})
		sum.Enterprises++
		sum.Alarms += len(got)
		changed, err := db.ReconcileAlarms(ctx, store.AlarmScope{From: startFirst, To: startLast.Add(time.Second), EnterpriseID: en.ID, Types: types}, got)
		if err != nil {
			return sum, fmt.Errorf("judge the nights of %s: %w", en.Name, err)
		}
		sum.count(changed)
	}
	return sum, nil
}

// NightlyJob judges the night that ended before at.
func NightlyJob(ctx context.Context, db *sqlite.DB, at time.Time) (string, error) {
	sum, err := JudgeNights(ctx, db, 0, at.Add(-24*time.Hour), at)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("night before %s: %d alarms, %d changed, %d withdrawn", at.In(store.Beijing).Format("2006-01-02 15:04"),
		sum.Alarms, sum.Changed, sum.Withdrawn), nil
}
