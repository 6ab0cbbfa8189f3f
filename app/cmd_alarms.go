package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"powerwatch/alarms"
	"powerwatch/assets"
	"powerwatch/calendar"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// openAlarmDB opens --db, or powerwatch.db in the user's data folder.
func openAlarmDB(ctx context.Context, d *dataFlags) (*sqlite.DB, error) {
	path := d.db
	if path == "" {
		path = filepath.Join(dataDir(), "powerwatch.db")
	}
	return sqlite.Open(ctx, path)
}

// parseBeijing reads a time typed by a person, in Beijing time unless it
// carries an offset: 2026-11-28, 2026-11-28 08:05, 2026-11-28T08:05[:00][+08:00].
func parseBeijing(flag, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, store.Beijing); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("--%s %q: want a time like 2026-11-28T08:05 or 2026-11-28 (Beijing time)", flag, s)
}

type listOptions struct {
	data                                 *dataFlags
	from, to, typ, grade, status, format string
	enterprise, group                    string
}

func runAlarmsList(e *env, args []string) error {
	fs := newFlags(e, "alarms list", "[--db PATH] [--from T --to T] [--type T] [--group G] [--grade G] [--status S] [--enterprise NAME] --format json|csv")
	o := listOptions{data: addDataFlags(fs)}
	fs.StringVar(&o.from, "from", "", "alarms overlapping from this time (Beijing), e.g. 2026-11-28T08:00")
	fs.StringVar(&o.to, "to", "", "… until this time (exclusive)")
	fs.StringVar(&o.typ, "type", "", "alarm type id(s), comma-separated: treatment_off, shutdown_ignored, cut_ignored, offline, …")
	fs.StringVar(&o.group, "group", "", "alarm group(s), comma-separated: violation (违法), suspect (违法嫌疑), device (设备与数据)")
	fs.StringVar(&o.grade, "grade", "", "grade id(s), comma-separated: minor, major, severe")
	fs.StringVar(&o.status, "status", "", "status(es), comma-separated: open, ended, withdrawn")
	fs.StringVar(&o.enterprise, "enterprise", "", "enterprise name (substring)")
	fs.StringVar(&o.format, "format", "json", "json (one object per line) or csv")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	filter, err := o.filter()
	if err != nil {
		return err
	}
	db, err := openAlarmDB(e.ctx, o.data)
	if err != nil {
		return err
	}
	defer db.Close()
	as, err := db.FindAlarms(e.ctx, filter)
	if err != nil {
		return err
	}
	reg, err := db.LoadRegistry(e.ctx)
	if err != nil {
		return err
	}
	return writeAlarms(e.stdout, o.format, reg, as, time.Now())
}

func (o listOptions) filter() (store.AlarmFilter, error) {
	var f store.AlarmFilter
	var err error
	if o.format != "json" && o.format != "csv" {
		return f, usagef("--format %q: want json or csv", o.format)
	}
	if o.from != "" {
		if f.From, err = parseBeijing("from", o.from); err != nil {
			return f, err
		}
	}
	if o.to != "" {
		if f.To, err = parseBeijing("to", o.to); err != nil {
			return f, err
		}
	}
	if f.Types, err = parseList("type", o.typ, typeIDs); err != nil {
		return f, err
	}
	if f.Groups, err = parseList("group", o.group, store.AlarmGroups); err != nil {
		return f, err
	}
	if f.Grades, err = parseList("grade", o.grade, []store.Grade{store.Minor, store.Major, store.Severe}); err != nil {
		return f, err
	}
	if f.Statuses, err = parseList("status", o.status, []store.AlarmStatus{store.Open, store.Ended, store.Withdrawn}); err != nil {
		return f, err
	}
	f.Enterprise = o.enterprise
	return f, nil
}

var typeIDs = store.AllAlarmTypes

// parseList splits a comma-separated flag value and checks each id against valid.
func parseList[T ~string](flag, s string, valid []T) ([]T, error) {
	if s == "" {
		return nil, nil
	}
	var out []T
	for _, w := range strings.Split(s, ",") {
		v := T(strings.TrimSpace(w))
		ok := false
		for _, x := range valid {
			ok = ok || x == v
		}
		if !ok {
			return nil, usagef("--%s %q: want one of %v", flag, v, valid)
		}
		out = append(out, v)
	}
	return out, nil
}

// alarmRow is one line of `alarms list`.
type alarmRow struct {
	ID                 int64   `json:"id"`
	Type               string  `json:"type"`
	Grade              string  `json:"grade"`
	Enterprise         string  `json:"enterprise"`
	ProductionFacility string  `json:"production_facility"`
	TreatmentFacility  string  `json:"treatment_facility"`
	Start              string  `json:"start"`
	End                *string `json:"end"`
	DurationMinutes    int64   `json:"duration_minutes"`
	Status             string  `json:"status"`
	Disposition        string  `json:"disposition"`
}

func newAlarmRow(reg *store.Registry, a store.Alarm, now time.Time) alarmRow {
	r := alarmRow{ID: a.ID, Type: string(a.Type), Grade: string(a.Grade), Start: a.Start.In(store.Beijing).Format(time.RFC3339),
		DurationMinutes: int64(math.Round(a.Duration(now).Minutes())), Status: string(a.Status), Disposition: string(a.Disposition)}
	if en, ok := reg.Enterprise(a.EnterpriseID); ok {
		r.Enterprise = en.Name
	}
	if f, ok := reg.Facility(a.ProductionID); ok {
		r.ProductionFacility = f.Name
	}
	if f, ok := reg.Facility(a.TreatmentID); ok {
		r.TreatmentFacility = f.Name
	}
	if !a.End.IsZero() {
		end := a.End.In(store.Beijing).Format(time.RFC3339)
		r.End = &end
	}
	return r
}

func writeAlarms(w io.Writer, format string, reg *store.Registry, as []store.Alarm, now time.Time) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		for _, a := range as {
			if err := enc.Encode(newAlarmRow(reg, a, now)); err != nil {
				return fmt.Errorf("write alarm %d: %w", a.ID, err)
			}
		}
		return nil
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "type", "grade", "enterprise", "production_facility", "treatment_facility", "start", "end",
		"duration_minutes", "status", "disposition"})
	for _, a := range as {
		r := newAlarmRow(reg, a, now)
		end := ""
		if r.End != nil {
			end = *r.End
		}
		cw.Write([]string{strconv.FormatInt(r.ID, 10), r.Type, r.Grade, r.Enterprise, r.ProductionFacility, r.TreatmentFacility,
			r.Start, end, strconv.FormatInt(r.DurationMinutes, 10), r.Status, r.Disposition})
	}
	cw.Flush()
	return cw.Error()
}

func runAlarmsEvaluate(e *env, args []string) error {
	fs := newFlags(e, "alarms evaluate", "[--db PATH] --from T --to T")
	data := addDataFlags(fs)
	from := fs.String("from", "", "start of the period to re-evaluate (Beijing time), required")
	to := fs.String("to", "", "end of the period (exclusive), required")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *from == "" || *to == "" {
		return usagef("--from and --to are required")
	}
	f, err := parseBeijing("from", *from)
	if err != nil {
		return err
	}
	t, err := parseBeijing("to", *to)
	if err != nil {
		return err
	}
	if !t.After(f) {
		return usagef("--to %s is not after --from %s", *to, *from)
	}
	db, err := openAlarmDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := evaluateStored(e.ctx, db, f, t)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "evaluated %d enterprises under rule set v%d: %d alarms; %d inserted or changed, %d withdrawn / 重新研判完成\n",
		sum.enterprises, sum.ruleVersion, sum.alarms, sum.changed, sum.withdrawn)
	return nil
}

// evalSummary is what evaluateStored did.
type evalSummary struct {
	enterprises, alarms, changed, withdrawn, ruleVersion int
}

// evaluationLead is how much data before --from is read, so that an episode
// running at --from is judged from its true start.
const evaluationLead = 6 * time.Hour

// maxEpisodeFollow bounds how far past the end of a re-evaluated period the
// data is read to judge the episodes running at its end, so that re-judging
// an old month does not read a year of samples.
const maxEpisodeFollow = 31 * 24 * time.Hour

// evaluateStored re-runs the rules over [from, to) from the stored registry,
// series and aggregates, enterprise by enterprise, and reconciles the result
// with the stored alarms.
func evaluateStored(ctx context.Context, db *sqlite.DB, from, to time.Time) (evalSummary, error) {
	return evaluateEnterprises(ctx, db, from, to, 0)
}

// evaluateEnterprises is evaluateStored for one enterprise, or all when ent is 0.
func evaluateEnterprises(ctx context.Context, db *sqlite.DB, from, to time.Time, ent int64) (evalSummary, error) {
	rs, err := currentRules(ctx, db)
	if err != nil {
		return evalSummary{}, err
	}
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		return evalSummary{}, err
	}
	facts := alarms.FactsFrom(reg)
	baselines, err := storedBaselines(ctx, db, rs, &facts, from, to)
	if err != nil {
		return evalSummary{}, err
	}
	sum := evalSummary{ruleVersion: rs.Version}
	judgeTo := time.Now().Truncate(rs.Slot).Add(rs.Slot)
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
		in := alarms.Input{From: efrom, To: judgeTo, Facts: &facts, Series: series, Baselines: baselines, Enterprises: []int64{en.ID}}
		got := alarms.Evaluate(rs, in)
		sum.enterprises++
		for _, a := range got {
			if a.Start.Before(to) {
				sum.alarms++
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
			for _, a := range changed {
				if a.Status == store.Withdrawn {
					sum.withdrawn++
				} else {
					sum.changed++
				}
			}
		}
	}
	return sum, nil
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

// currentRules is the newest saved rule set, or the defaults when none was saved.
func currentRules(ctx context.Context, db *sqlite.DB) (store.RuleSet, error) {
	rs, err := db.CurrentRuleSet(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return alarms.DefaultRules(), nil
	}
	return rs, err
}

// startAlarmEngine builds the engine that serve and the desktop app feed: the
// current rule set, the registry, the baselines of 限产 orders around now, the
// open alarms resumed and primed with the stored samples from its horizon.
// The ingest then calls Observe per stored batch and saveAlarmUpdates with
// the result; the offline-sweep job calls Sweep the same way; backfill scopes
// go to reevaluateScopes.
func startAlarmEngine(ctx context.Context, db *sqlite.DB, now time.Time) (*alarms.Engine, []alarms.Update, error) {
	rs, err := currentRules(ctx, db)
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
	open, err := db.OpenAlarms(ctx)
	if err != nil {
		return nil, nil, err
	}
	e.Resume(open)
	prime, err := primeSamples(ctx, db, reg, e, 0, now)
	if err != nil {
		return nil, nil, err
	}
	ups, _ := e.Observe(now, prime)
	return e, ups, nil
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

// saveAlarmUpdates reconciles the engine's verdicts with the store and returns
// the alarms inserted or changed, for the UI.
func saveAlarmUpdates(ctx context.Context, db *sqlite.DB, ups []alarms.Update) ([]store.Alarm, error) {
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

// manyEnterprises is where re-judging late data switches from one pass per
// enterprise to one pass over the district.
const manyEnterprises = 20

// reevaluateScopes re-judges, from stored data, the periods of late data: those
// the engine handed back because they fell before its window, and the spans of
// samples that arrived after their deadline.
func reevaluateScopes(ctx context.Context, db *sqlite.DB, scopes []store.AlarmScope) error {
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

// replayStored runs rs over [from, to) of the stored data, enterprise by
// enterprise, and compares it with the stored alarms of the period and their
// reviews (alarms.Replay), before an officer saves rs.
func replayStored(ctx context.Context, db *sqlite.DB, rs store.RuleSet, from, to time.Time) (alarms.ReplayReport, error) {
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
	for _, en := range reg.Enterprises {
		series, err := storedSeries(ctx, db, reg, en.ID, from.Add(-evaluationLead), to)
		if err != nil {
			return rep, fmt.Errorf("replay %s: %w", en.Name, err)
		}
		stored, err := db.FindAlarms(ctx, store.AlarmFilter{From: from, To: to, EnterpriseID: en.ID})
		if err != nil {
			return rep, fmt.Errorf("replay %s: %w", en.Name, err)
		}
		in := alarms.Input{From: from, To: to, Facts: &facts, Series: series, Baselines: baselines, Enterprises: []int64{en.ID}}
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
// [from, to) under rs's method with alarms.BaselineFor: per 管控时段, the mean
// of the scope's stored hourly energy over the candidate periods that are
// usable — no order, 报备 or public holiday in them (the shipped holiday
// calendar), and every hour of every point complete. The rated method needs
// none.
func storedBaselines(ctx context.Context, db *sqlite.DB, rs store.RuleSet, f *alarms.Facts, from, to time.Time) ([]alarms.Baseline, error) {
	if rs.CutBaseline == store.BaselineRated {
		return nil, nil
	}
	holiday := shippedHolidays()
	var out []alarms.Baseline
	for _, o := range f.Orders {
		if o.Kind != store.Cut || !o.Start.Before(to) || !o.End.After(from) {
			continue
		}
		pts := alarms.BaselinePoints(f, o)
		var failed error
		measure := func(p alarms.Period) (float64, bool) {
			kwh, complete := 0.0, len(pts) > 0
			hours := int(p.End.Sub(p.Start.Truncate(time.Hour)).Hours() + 0.999)
			for _, pid := range pts {
				aggs, err := db.HourlyAggregates(ctx, pid, p.Start.Truncate(time.Hour), p.End)
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
		b := alarms.BaselineFor(f, o, rs.CutBaseline, holiday, measure)
		if failed != nil {
			return nil, failed
		}
		out = append(out, b)
	}
	return out, nil
}

// shippedHolidays reports the public holidays of the shipped calendar
// (assets/holidays.csv): a baseline period on one is not normal production.
func shippedHolidays() func(time.Time) bool {
	c, _ := calendar.Parse("assets/holidays.csv", bytes.NewReader(assets.HolidaysCSV())) // shipped and tested: a broken file is a build error elsewhere
	cal := calendar.New(c)
	return func(t time.Time) bool { return cal.Day(t).Kind == calendar.Holiday }
}
