package judge

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"

	"powerwatch/alarms"
	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/thresholds"
)

// ProposeOptions selects the facilities to propose limits for and the
// history to learn them from.
type ProposeOptions struct {
	EnterpriseID int64 // 0: every enterprise
	FacilityID   int64 // 0: every facility of the selection
	To           time.Time
	History      time.Duration // learnt from [To − History, To); 0 means a year
	// ReplayDays is how many days before To the rules are replayed with the
	// proposed limits; 0 skips the replay (it reads the 5-minute series).
	ReplayDays int
}

// A ThresholdProposal is one facility's proposal with what an officer
// compares it with: the limits in force, typed and derived, and what the
// proposal would have changed in the alarms.
type ThresholdProposal struct {
	thresholds.Proposal
	Facility   store.Facility
	Enterprise string
	Current    store.Threshold // in force at To (the derived one when none is stored)
	Typed      store.Threshold // the latest stored threshold set by a person; zero when none
	Derived    store.Threshold // from rated power; zero when rated power is unknown
	Misfits    []thresholds.Misfit
	Replay     *ThresholdReplay // nil when not replayed or nothing was proposed
	Test       *TestLevels      // the latest 停上电试验 that saw the facility switch; nil when none
}

// TestLevels is what a 停上电试验 (acceptance or inspection) saw of a
// facility: its off and on levels, and the limits placed between them
// (thresholds.FromTest), which an officer can accept in one step.
type TestLevels struct {
	From, To  time.Time
	Off, On   float64
	Stop, Run float64
}

// A ThresholdReplay is the rules replayed over [From, To) with the limits in
// force and with the proposed ones: the alarms of the facility's enterprise
// each raises, and how many the proposal adds or removes.
type ThresholdReplay struct {
	From, To        time.Time
	Before, After   int
	Raised, Removed int
}

// judged reports whether the rules use the limits of a facility of kind k.
func judged(k store.FacilityKind) bool { return k != store.Total }

// ProposeThresholds proposes limits for the selected facilities from their
// hourly aggregates, leaving out orders, 报备 stops and test windows.
func ProposeThresholds(ctx context.Context, db *sqlite.DB, o ProposeOptions) ([]ThresholdProposal, error) {
	if o.To.IsZero() {
		o.To = time.Now()
	}
	if o.History <= 0 {
		o.History = 365 * 24 * time.Hour
	}
	from := o.To.Add(-o.History)
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		return nil, fmt.Errorf("propose thresholds: %w", err)
	}
	var sel []store.Facility
	for _, f := range reg.Facilities {
		if judged(f.Kind) && (o.EnterpriseID == 0 || f.EnterpriseID == o.EnterpriseID) && (o.FacilityID == 0 || f.ID == o.FacilityID) {
			sel = append(sel, f)
		}
	}
	out := make([]ThresholdProposal, len(sel))
	// Facilities are independent: one worker per core reads and proposes
	// (SQLite serves concurrent readers), the year of a district in half
	// the time on two cores.
	workers := min(runtime.GOMAXPROCS(0), max(len(sel), 1))
	next, errs := make(chan int), make(chan error, workers)
	for range workers {
		go func() {
			pr, err := db.PowerReader(ctx)
			for i := range next {
				if err == nil {
					err = proposeOne(ctx, db, pr, reg, sel[i], from, o.To, &out[i])
				}
				if err != nil {
					break
				}
			}
			if pr != nil {
				if cerr := pr.Close(); err == nil {
					err = cerr
				}
			}
			errs <- err
			for range next {
			}
		}()
	}
	var failed error
feed:
	for i := range sel {
		select {
		case next <- i:
		case failed = <-errs:
			workers--
			break feed
		}
	}
	close(next)
	for range workers {
		if err := <-errs; err != nil && failed == nil {
			failed = err
		}
	}
	if failed != nil {
		return nil, failed
	}
	if o.ReplayDays > 0 {
		if err := replayProposals(ctx, db, reg, out, o.To.AddDate(0, 0, -o.ReplayDays), o.To); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// proposeOne fills tp with facility f's proposal from [from, to).
func proposeOne(ctx context.Context, db *sqlite.DB, pr *sqlite.PowerReader, reg *store.Registry, f store.Facility, from, to time.Time, tp *ThresholdProposal) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	hs, err := facilityHours(ctx, pr, reg.PointsOf(f.ID), from, to)
	if err != nil {
		return fmt.Errorf("propose thresholds of %s: %w", f.Name, err)
	}
	*tp = ThresholdProposal{Facility: f, Proposal: thresholds.Propose(thresholds.Input{
		FacilityID: f.ID, Kind: f.Kind, RatedKW: f.RatedKW, Hours: hs, Exclude: leftOut(reg, f),
	})}
	if en, ok := reg.Enterprise(f.EnterpriseID); ok {
		tp.Enterprise = en.Name
	}
	tp.Derived, _ = store.DefaultThreshold(f.RatedKW)
	tp.Current, _ = reg.ThresholdAt(f.ID, to)
	if tp.Current == (store.Threshold{}) {
		tp.Current = tp.Derived
	}
	for _, t := range reg.ThresholdsOf(f.ID) {
		if !t.Derived && !t.EffectiveFrom.After(to) {
			tp.Typed = t
		}
	}
	tp.Misfits = thresholds.Misfits(tp.Proposal, tp.Current)
	if tp.Test, err = testLevels(ctx, db, reg, f, tp.Floor); err != nil {
		return fmt.Errorf("propose thresholds of %s: %w", f.Name, err)
	}
	return nil
}

// facilityHours is the facility's hourly power: the sum over its points of
// each hour every point reported. Each point's hours come sorted, so the
// sum is a merge.
func facilityHours(ctx context.Context, pr *sqlite.PowerReader, pts []store.Point, from, to time.Time) ([]thresholds.Hour, error) {
	var out []thresholds.Hour
	for k, p := range pts {
		aggs, err := pr.HourlyPower(ctx, p.ID, from, to)
		if err != nil {
			return nil, err
		}
		if k == 0 {
			out = make([]thresholds.Hour, 0, len(aggs))
			for _, a := range aggs {
				if !math.IsNaN(a.AvgP) {
					out = append(out, thresholds.Hour{Start: a.Start, Min: a.MinP, Avg: a.AvgP, Max: a.MaxP})
				}
			}
			continue
		}
		// Keep the hours this point reported too, summed.
		n, j := 0, 0
		for _, h := range out {
			for j < len(aggs) && aggs[j].Start.Before(h.Start) {
				j++
			}
			if j == len(aggs) {
				break
			}
			if a := aggs[j]; a.Start.Equal(h.Start) && !math.IsNaN(a.AvgP) {
				h.Min, h.Avg, h.Max = h.Min+a.MinP, h.Avg+a.AvgP, h.Max+a.MaxP
				out[n] = h
				n++
			}
		}
		out = out[:n]
	}
	return out, nil
}

// testLevels reads the facility's power in its enterprise's latest test
// window that shows it switching off and on.
func testLevels(ctx context.Context, db *sqlite.DB, reg *store.Registry, f store.Facility, floor float64) (*TestLevels, error) {
	pts := reg.PointsOf(f.ID)
	for i := len(reg.Tests) - 1; i >= 0 && len(pts) > 0; i-- {
		t := reg.Tests[i]
		if t.EnterpriseID != f.EnterpriseID || !t.TestTo.After(t.TestFrom) {
			continue
		}
		sum := map[int64]float64{}
		for _, p := range pts {
			ss, err := db.Samples(ctx, p.ID, t.TestFrom, t.TestTo)
			if err != nil {
				return nil, err
			}
			for _, s := range ss {
				if !math.IsNaN(s.P) {
					sum[s.At.UnixMilli()] += s.P
				}
			}
		}
		vs := make([]float64, 0, len(sum))
		for _, v := range sum {
			vs = append(vs, v)
		}
		if off, on, ok := thresholds.Observed(vs); ok {
			stop, run := thresholds.FromTest(off, on, floor)
			return &TestLevels{From: t.TestFrom, To: t.TestTo, Off: off, On: on, Stop: stop, Run: run}, nil
		}
	}
	return nil, nil
}

// leftOut is the periods of facility f that do not show its habit: the
// orders covering it, its 报备 filings and its enterprise's test windows.
func leftOut(reg *store.Registry, f store.Facility) []thresholds.Window {
	var ws []thresholds.Window
	for _, o := range reg.Orders {
		if o.EnterpriseID == f.EnterpriseID && o.Covers(f.ID, o.Start) {
			ws = append(ws, thresholds.Window{From: o.Start, To: o.End})
		}
	}
	for _, fl := range reg.Filings {
		if fl.EnterpriseID == f.EnterpriseID && fl.Covers(f.ID, fl.Start) {
			ws = append(ws, thresholds.Window{From: fl.Start, To: fl.End})
		}
	}
	for _, t := range reg.Tests {
		if t.EnterpriseID == f.EnterpriseID && t.TestTo.After(t.TestFrom) {
			ws = append(ws, thresholds.Window{From: t.TestFrom, To: t.TestTo})
		}
	}
	return ws
}

// replayProposals runs the rules over [from, to) for each enterprise with a
// proposal twice, with the limits in force and with the proposed ones in
// force over the whole period, and counts the difference per facility.
func replayProposals(ctx context.Context, db *sqlite.DB, reg *store.Registry, ps []ThresholdProposal, from, to time.Time) error {
	rs, err := CurrentRules(ctx, db)
	if err != nil {
		return err
	}
	facts := alarms.FactsFrom(reg)
	baselines, err := storedBaselines(ctx, db, rs, &facts, from, to)
	if err != nil {
		return err
	}
	runs, known, err := serviceRuns(ctx, db, from.Add(-evaluationLead), to, 0)
	if err != nil {
		return err
	}
	rates, err := monthlyRates(ctx, db, from, to)
	if err != nil {
		return err
	}
	series := map[int64]map[int64][]store.Sample{}
	for i := range ps {
		p := &ps[i]
		if p.Status != thresholds.Proposed {
			continue
		}
		ent := p.Facility.EnterpriseID
		if series[ent] == nil {
			s, err := storedSeries(ctx, db, reg, ent, from.Add(-evaluationLead), to)
			if err != nil {
				return fmt.Errorf("replay proposals of enterprise %d: %w", ent, err)
			}
			series[ent] = s
		}
		in := alarms.Input{From: from, To: to, Facts: &facts, Series: series[ent], Baselines: baselines, Enterprises: []int64{ent},
			Runs: runs, RunsKnown: known, Rates: rates}
		before := alarms.Evaluate(rs, in)
		with := facts
		with.Thresholds = withProposal(facts.Thresholds, p.Facility, store.Threshold{FacilityID: p.Facility.ID, Basis: store.ByPower,
			Stop: p.Stop, Run: p.Run, MinPersist: p.Current.MinPersist, EffectiveFrom: from.Add(-evaluationLead)})
		in.Facts = &with
		after := alarms.Evaluate(rs, in)
		p.Replay = &ThresholdReplay{From: from, To: to, Before: len(before), After: len(after),
			Raised: unmatched(after, before), Removed: unmatched(before, after)}
	}
	return nil
}

// withProposal is ts with t added after the facility's history; a facility
// without a stored threshold keeps its derived one before t.
func withProposal(ts []store.Threshold, f store.Facility, t store.Threshold) []store.Threshold {
	out := append([]store.Threshold(nil), ts...)
	has := false
	for _, x := range ts {
		has = has || x.FacilityID == f.ID
	}
	if d, ok := store.DefaultThreshold(f.RatedKW); ok && !has {
		d.FacilityID = f.ID
		out = append(out, d)
	}
	return append(out, t)
}

// unmatched counts the alarms of as that no alarm of bs is the same episode of.
func unmatched(as, bs []store.Alarm) int {
	n := 0
	for _, a := range as {
		hit := false
		for _, b := range bs {
			if store.SameEpisode(a, b) {
				hit = true
				break
			}
		}
		if !hit {
			n++
		}
	}
	return n
}

// sinceAlways is the start of a derived threshold stored on acceptance:
// before any data the district holds.
func sinceAlways() time.Time { return time.Date(2000, 1, 1, 0, 0, 0, 0, store.Beijing) }

// AcceptThreshold makes stop and run facility f's limits from now on (a new
// threshold version; the history is kept and the creation audited), so the
// rules judge with them only from the acceptance on. A treatment unit's run
// limit below its floor from rated power needs a note saying why. A facility
// judged so far by its derived limits first gets them stored, in force from
// its installation, so that its past stays judged as it was.
func AcceptThreshold(ctx context.Context, db *sqlite.DB, who string, f store.Facility, stop, run float64, note string) (store.Threshold, error) {
	note = strings.TrimSpace(note)
	if f.Kind == store.Treatment && f.RatedKW > 0 && run < store.DefaultRunShare*f.RatedKW && note == "" {
		return store.Threshold{}, fmt.Errorf("accept limits of %s: run limit %.2f kW is below the floor %.2f kW (%.0f %% of rated power): a note must say why / 运行限值低于额定功率下限，须填写说明",
			f.Name, run, store.DefaultRunShare*f.RatedKW, 100*store.DefaultRunShare)
	}
	if !(stop >= 0) || !(run > stop) {
		return store.Threshold{}, fmt.Errorf("accept limits of %s: stop %g kW, run %g kW: want 0 ≤ stop < run", f.Name, stop, run)
	}
	hist, err := db.ThresholdsFor(ctx, f.ID)
	if err != nil {
		return store.Threshold{}, fmt.Errorf("accept limits of %s: %w", f.Name, err)
	}
	if d, ok := store.DefaultThreshold(f.RatedKW); ok && len(hist) == 0 {
		// In force since always, as the rules applied it when none was stored.
		d.FacilityID, d.Derived, d.EffectiveFrom = f.ID, true, sinceAlways()
		if err := db.CreateThreshold(ctx, who, &d); err != nil {
			return store.Threshold{}, fmt.Errorf("accept limits of %s: keep the derived limits before it: %w", f.Name, err)
		}
	}
	t := store.Threshold{FacilityID: f.ID, Basis: store.ByPower, Stop: stop, Run: run, Note: note} // in force from now
	if len(hist) > 0 {
		t.MinPersist = hist[len(hist)-1].MinPersist
	}
	if t.Note == "" {
		t.Note = "采纳限值建议 / accepted proposal"
	}
	if err := db.CreateThreshold(ctx, who, &t); err != nil {
		return t, fmt.Errorf("accept limits of %s: %w", f.Name, err)
	}
	return t, nil
}

// RejectThreshold records in the audit log that who rejected the limits
// proposed for facility f (stop, run kW), with the reason, so a proposal
// left aside is as traceable as one accepted. Nothing else changes.
func RejectThreshold(ctx context.Context, db *sqlite.DB, who string, f store.Facility, stop, run float64, note string) error {
	b, err := json.Marshal(struct {
		Stop float64 `json:"stop"`
		Run  float64 `json:"run"`
		Note string  `json:"note,omitempty"`
	}{stop, run, strings.TrimSpace(note)})
	if err != nil {
		return fmt.Errorf("reject limits of %s: %w", f.Name, err)
	}
	if err := db.AppendAudit(ctx, store.AuditEntry{Who: who, Action: "reject", Entity: "threshold_proposal", EntityID: f.ID, After: string(b)}); err != nil {
		return fmt.Errorf("reject limits of %s: %w", f.Name, err)
	}
	return nil
}

// WorstMisfits keeps the proposals whose limits in force sit inside a mode,
// the largest such mode first (thresholds.WorstFirst).
func WorstMisfits(ps []ThresholdProposal) []ThresholdProposal {
	return thresholds.WorstFirst(ps, func(p ThresholdProposal) []thresholds.Misfit { return p.Misfits })
}
