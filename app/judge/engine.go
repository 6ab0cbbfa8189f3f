package judge

import (
	"context"
	"fmt"
	"time"

	"powerwatch/alarms"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// StartEngine builds the engine that serve and the desktop app feed: the
// current rule set, the registry, the baselines of 限产 orders around now, the
// open alarms resumed and primed with the stored samples from its horizon.
// The ingest then calls Observe per stored batch and SaveUpdates with
// the result; the offline-sweep job calls Sweep the same way; backfill scopes
// go to Reevaluate. run is the id of the service run now going (see
// sqlite.StartServiceRun), 0 for none.
func StartEngine(ctx context.Context, db *sqlite.DB, now time.Time, run int64) (*alarms.Engine, []alarms.Update, error) {
	rs, err := CurrentRules(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		return nil, nil, err
	}
	facts := alarms.FactsFrom(reg)
	e := alarms.NewEngine(rs, facts)
	bs, err := storedBaselines(ctx, db, rs, &facts, now.Add(-24*time.Hour), now.Add(24*time.Hour))
	if err != nil {
		return nil, nil, err
	}
	e.SetBaselines(bs)
	runs, known, err := serviceRuns(ctx, db, now.Add(-e.Lookback-24*time.Hour), now.Add(time.Minute), run)
	if err != nil {
		return nil, nil, err
	}
	e.SetRuns(runs, known)
	open, err := db.OpenAlarms(ctx)
	if err != nil {
		return nil, nil, err
	}
	e.Resume(open)
	prior, err := priorAlarms(ctx, db, 0, now)
	if err != nil {
		return nil, nil, err
	}
	e.Recall(prior)
	prime, err := primeSamples(ctx, db, reg, e, 0, now)
	if err != nil {
		return nil, nil, err
	}
	ups, _ := e.Observe(now, prime)
	return e, ups, nil
}

// priorAlarms reads the stored alarms the rules reaching back over days
// need for a judgement from `from` on (alarms.Input.Prior): those of
// alarms.PriorTypes starting in the SilenceWindow before it, of enterprise
// ent (every enterprise when 0).
func priorAlarms(ctx context.Context, db *sqlite.DB, ent int64, from time.Time) ([]store.Alarm, error) {
	as, err := db.FindAlarms(ctx, store.AlarmFilter{From: from.Add(-alarms.SilenceWindow), To: from, EnterpriseID: ent,
		Types: alarms.PriorTypes(), Statuses: []store.AlarmStatus{store.Open, store.Ended}, Trial: store.TrialNo})
	if err != nil {
		return nil, fmt.Errorf("read the alarms of the %v before %s: %w", alarms.SilenceWindow, from.Format(time.RFC3339), err)
	}
	return as, nil
}

// primeSamples reads the stored samples the engine needs at now for
// enterprise ent (every enterprise when 0), from its horizon on.
func primeSamples(ctx context.Context, db *sqlite.DB, reg *store.Registry, e *alarms.Engine, ent int64, now time.Time) ([]store.Sample, error) {
	var prime []store.Sample
	for _, p := range reg.Points {
		f, ok := reg.Facility(p.FacilityID)
		if !ok || ent != 0 && f.EnterpriseID != ent {
			continue
		}
		ss, err := db.Samples(ctx, p.ID, e.HorizonOf(f.EnterpriseID, now), now.Add(time.Second))
		if err != nil {
			return nil, fmt.Errorf("prime alarm engine with point %d: %w", p.ID, err)
		}
		for i := range ss {
			ss[i].Flags |= store.FlagBackfill // stored data says nothing of the clock now
		}
		prime = append(prime, ss...)
	}
	return prime, nil
}

// SaveUpdates reconciles the engine's verdicts with the store and returns
// the alarms inserted or changed, for the UI.
func SaveUpdates(ctx context.Context, db *sqlite.DB, ups []alarms.Update) ([]store.Alarm, error) {
	var changed []store.Alarm
	for _, u := range ups {
		c, err := db.ReconcileAlarms(ctx, u.Scope, u.Alarms)
		if err != nil {
			return changed, err
		}
		changed = append(changed, c...)
	}
	return changed, nil
}
