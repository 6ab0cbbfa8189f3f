package judge

import (
	"context"
	"fmt"
	"time"

	"powerwatch/alarms"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// MonthlyJob judges the month before at: the monthly transmission rate
// (low_transmission) needs the whole month, so it is judged once it ends.
func MonthlyJob(ctx context.Context, db *sqlite.DB, at time.Time) (string, error) {
	t := at.In(store.Beijing)
	to := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, store.Beijing)
	from := store.Month.Add(to, -1)
	sum, err := JudgeMonths(ctx, db, 0, []time.Time{from})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s: %d alarms, %d changed, %d withdrawn", from.Format("2006-01"), sum.Alarms, sum.Changed, sum.Withdrawn), nil
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
