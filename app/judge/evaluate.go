package judge

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
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
// reviews (alarms.Replay), before an officer saves rs. The stored alarms are
// read in one query, and the enterprises are judged on every core at once
// (each reads and judges only its own series), their reports added in the
// registry's order so the result does not depend on which finished first.
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
	all, err := db.FindAlarms(ctx, store.AlarmFilter{From: from, To: to})
	if err != nil {
		return rep, fmt.Errorf("replay: stored alarms: %w", err)
	}
	stored := map[int64][]store.Alarm{}
	for _, a := range all {
		stored[a.EnterpriseID] = append(stored[a.EnterpriseID], a)
	}
	pointsOf := enterprisePoints(reg)
	reports := make([]alarms.ReplayReport, len(reg.Enterprises))
	err = forEach(ctx, len(reg.Enterprises), func(ctx context.Context, i int) error {
		en := reg.Enterprises[i]
		series, err := readSeries(ctx, db, pointsOf[en.ID], from.Add(-evaluationLead), to)
		if err != nil {
			return fmt.Errorf("replay %s: %w", en.Name, err)
		}
		prior, err := priorAlarms(ctx, db, en.ID, from)
		if err != nil {
			return fmt.Errorf("replay %s: %w", en.Name, err)
		}
		in := alarms.Input{From: from, To: to, Facts: &facts, Series: series, Baselines: baselines, Enterprises: []int64{en.ID},
			Runs: runs, RunsKnown: known, Rates: rates, Prior: prior}
		reports[i] = alarms.Replay(rs, in, stored[en.ID])
		return nil
	})
	if err != nil {
		return rep, err
	}
	for _, r := range reports {
		rep.Add(r)
	}
	return rep, nil
}

// StandingByType counts the alarms stored for [from, to) that stand (not
// withdrawn), by type: what a Replay of changed rules is held against.
func StandingByType(ctx context.Context, db *sqlite.DB, from, to time.Time) (map[store.AlarmType]int, error) {
	stored, err := db.FindAlarms(ctx, store.AlarmFilter{From: from, To: to})
	if err != nil {
		return nil, fmt.Errorf("alarms stored for %s–%s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), err)
	}
	n := map[store.AlarmType]int{}
	for _, a := range stored {
		if a.Status != store.Withdrawn {
			n[a.Type]++
		}
	}
	return n, nil
}

// forEach calls fn(ctx, i) for i in [0, n) on as many goroutines as there
// are cores, and returns the first error (the rest are then cancelled).
func forEach(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := range next {
				if err := fn(ctx, i); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

// enterprisePoints lists the registry's points by enterprise, in the
// registry's order.
func enterprisePoints(reg *store.Registry) map[int64][]int64 {
	out := map[int64][]int64{}
	for _, p := range reg.Points {
		if fc, ok := reg.Facility(p.FacilityID); ok {
			out[fc.EnterpriseID] = append(out[fc.EnterpriseID], p.ID)
		}
	}
	return out
}

// readSeries reads the series of points in [from, to), by point.
func readSeries(ctx context.Context, db *sqlite.DB, points []int64, from, to time.Time) (map[int64][]store.Sample, error) {
	out := make(map[int64][]store.Sample, len(points))
	for _, id := range points {
		ss, err := db.Samples(ctx, id, from, to)
		if err != nil {
			return nil, err
		}
		out[id] = ss
	}
	return out, nil
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
