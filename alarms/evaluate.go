package alarms

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"powerwatch/store"
)

// Evaluate returns the alarms that start in [in.From, in.To) under rs, judged
// from in's series and facts. It is pure and deterministic: the same input
// gives the same alarms, in order of start, type and subjects. Alarms have no
// ID; the store reconciles them with what it holds (see Input.Scope).
func Evaluate(rs store.RuleSet, in Input) []store.Alarm {
	x := newIndex(in.Facts)
	ents := in.Enterprises
	if len(ents) == 0 {
		ents = x.enterprises
	}
	// Enterprises are independent: judge them on every core.
	results := make([][]store.Alarm, len(ents))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ents)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(ents); i = int(next.Add(1) - 1) {
				results[i] = evaluateEnterprise(rs, x, &in, ents[i])
			}
		})
	}
	wg.Wait()
	var out []store.Alarm
	for _, r := range results {
		out = append(out, r...)
	}
	sortAlarms(out)
	return out
}

// evaluateRules runs the rules on one enterprise; evaluateEnterprise
// (history.go) calls it. trialRun judges test windows as operation.
func evaluateRules(rs store.RuleSet, x *index, in *Input, ent int64, trialRun bool) []store.Alarm {
	ev := newEvaluator(rs, x, in, ent)
	if ev == nil {
		return nil
	}
	ev.trialRun = trialRun
	ev.treatmentOff()
	ev.shutdownIgnored()
	ev.cutIgnored()
	ev.quality()
	ev.annotateFilings()
	return ev.out
}

// evaluator judges one enterprise on one grid.
type evaluator struct {
	rs     store.RuleSet
	x      *index
	in     *Input
	ent    int64
	g      grid
	step   time.Duration // the grid's slot: rs.Slot, or finer for finer data (gridStep)
	pts    map[int64]*pointGrid
	states map[int64][]State
	out    []store.Alarm
	clocks map[int64][]ClockOffset // in.Clock by terminal, built on first use
	// trialRun judges test windows like other time, to find what a test
	// raises (history.go).
	trialRun bool
}

func newEvaluator(rs store.RuleSet, x *index, in *Input, ent int64) *evaluator {
	if !in.To.After(in.From) || rs.Slot <= 0 {
		return nil
	}
	// The grid starts at the earliest sample given, so a lead-in before From is
	// judged and an episode running at From keeps its true start.
	from := in.From
	for _, fid := range x.byEnterprise[ent] {
		for _, pid := range x.pointsOf[fid] {
			for _, s := range in.Series[pid] {
				if s.At.Before(from) {
					from = s.At
				}
			}
		}
	}
	step := gridStep(rs.Slot, x, in, ent)
	g := newGrid(from, in.To, step)
	ev := &evaluator{rs: rs, x: x, in: in, ent: ent, g: g, step: step, pts: map[int64]*pointGrid{}, states: map[int64][]State{}}
	return ev
}

// gridStep is the slot of an enterprise's grid: rs.Slot, or for data finer
// than that the largest whole number of minutes dividing rs.Slot that is no
// longer than the finest spacing of the enterprise's samples (1 minute for
// minute data), so that a 14-minute stop in minute data stays 14 minutes
// instead of touching four 5-minute slots.
func gridStep(slot time.Duration, x *index, in *Input, ent int64) time.Duration {
	finest := slot.Milliseconds()
	for _, fid := range x.byEnterprise[ent] {
		for _, pid := range x.pointsOf[fid] {
			ss := sortedSamples(in.Series[pid])
			if len(ss) == 0 {
				continue
			}
			prev := ss[0].At.UnixMilli()
			for k := 1; k < len(ss) && finest > time.Minute.Milliseconds(); k++ {
				t := ss[k].At.UnixMilli()
				if d := t - prev; d > 0 && d < finest {
					finest = d
				}
				prev = t
			}
		}
	}
	if finest >= slot.Milliseconds() {
		return slot
	}
	for m := time.Duration(finest) * time.Millisecond / time.Minute; m > 1; m-- {
		if d := m * time.Minute; slot%d == 0 {
			return d
		}
	}
	return time.Minute
}

func (ev *evaluator) point(id int64) *pointGrid {
	pg, ok := ev.pts[id]
	if !ok {
		pg = newPointGrid(ev.g, ev.in.Series[id], ev.spansOf(id))
		ev.pts[id] = pg
	}
	return pg
}

// spansOf is how long point id's samples stand for, from its terminal's
// configured intervals (rs.Slot where none is configured).
func (ev *evaluator) spansOf(id int64) spans {
	sp := spans{rtd: ev.rs.Slot, minute: ev.rs.Slot}
	p := ev.x.points[id]
	if p == nil {
		return sp
	}
	if t := ev.x.terminal[p.TerminalID]; t != nil {
		if t.MinInterval > 0 {
			sp.minute, sp.rtd = t.MinInterval, t.MinInterval
		}
		if t.RtdInterval > 0 {
			sp.rtd = t.RtdInterval
		}
	}
	return sp
}

// slots is how many grid slots d spans.
func (ev *evaluator) slots(d time.Duration) int { return int(d / ev.step) }

func (ev *evaluator) gapSlots() int { return ev.slots(ev.rs.GapBridge) }

// stateOf returns facility fid's state per slot, judged against the threshold
// in force in each slot, with its minimum persistence applied.
func (ev *evaluator) stateOf(fid int64) []State {
	if st, ok := ev.states[fid]; ok {
		return st
	}
	st := make([]State, ev.g.n)
	ev.states[fid] = st
	ts, _ := ev.x.thresholdsOf(fid)
	pids := ev.x.pointsOf[fid]
	if len(ts) == 0 || len(pids) == 0 {
		return st
	}
	pgs := make([]*pointGrid, len(pids))
	for k, pid := range pids {
		pgs[k] = ev.point(pid)
	}
	ev.classifySlots(st, ts, pgs)
	ev.maskStates(fid, st)
	smooth(st, func(i int) int {
		t, ok := store.ThresholdAt(ts, ev.g.at(i))
		if !ok {
			return 0
		}
		return ev.slots(t.MinPersist)
	})
	return st
}

// classifySlots sets st[i] from the points' values in each slot against the
// threshold of ts (sorted) in force then.
func (ev *evaluator) classifySlots(st []State, ts []store.Threshold, pgs []*pointGrid) {
	from := make([]int64, len(ts))
	for k, t := range ts {
		from[k] = t.EffectiveFrom.UnixMilli()
	}
	ti := 0
	for i := range st {
		at := ev.g.base + int64(i)*ev.g.slot
		for ti+1 < len(ts) && from[ti+1] <= at {
			ti++
		}
		if from[ti] > at {
			continue // no threshold in force yet
		}
		t := &ts[ti]
		sum, missing, off, over := 0.0, 0, 0, 0
		for _, pg := range pgs {
			v := pg.p[i]
			if t.Basis == store.ByCurrent {
				v = pg.cur[i]
			}
			switch {
			case pg.off[i]:
				off++
			case pg.over[i]:
				over++
			case math.IsNaN(v):
				missing++
			default:
				sum += v
			}
		}
		st[i] = classify(*t, sum, missing, off, over, len(pgs))
	}
}

// emit turns an episode into an alarm when it was observed for at least min
// and starts inside the evaluated period. Its grade goes by the observed
// time too: the gaps it bridges are shown in the evidence, never counted.
func (ev *evaluator) emit(a store.Alarm, ep episode, min time.Duration, level store.Level, evid *evidence) {
	start, end := ev.g.at(ep.first), ev.g.at(ep.last+1)
	d := time.Duration(ep.observed) * ev.step
	if ep.observed == 0 { // a point event (counter reset): one slot
		d = end.Sub(start)
	}
	if d < min || start.Before(ev.in.From) || !start.Before(ev.in.To) || !ev.in.wants(a.Type) {
		return
	}
	a.EnterpriseID = ev.ent
	a.Start = start
	a.Status = store.Ended
	a.End = end
	if ep.open {
		a.Status, a.End = store.Open, time.Time{}
	}
	a.Grade = GradeFor(ev.rs, a.Type, d, level)
	a.RuleVersion = ev.rs.Version
	if evid != nil {
		evid.RuleVersion = ev.rs.Version
		evid.Rule = string(a.Type)
		evid.MinMinutes = min.Minutes()
		if !ep.open { // an open alarm's evidence stays the same from packet to packet: no store write each time
			evid.ObservedMinutes = d.Minutes()
		}
		for _, gp := range ep.gaps {
			evid.Gaps = append(evid.Gaps, gapEvidence{From: beijingTime(ev.g.at(gp[0])), To: beijingTime(ev.g.at(gp[1]))})
		}
		b, _ := json.Marshal(evid) // plain structs: cannot fail
		a.Thresholds = string(b)
	}
	ev.out = append(ev.out, a)
}

// annotateFilings marks every alarm that a 报备 filing of its enterprise
// overlaps. Nothing is lowered or hidden: the reviewer decides.
func (ev *evaluator) annotateFilings() {
	for i := range ev.out {
		a := &ev.out[i]
		if fl, ok := coveringFiling(ev.x.filings[ev.ent], *a, ev.in.To); ok {
			a.FilingID = fl.ID
			a.Detail += fmt.Sprintf(" · covered by filing #%d / 已报备 #%d", fl.ID, fl.ID)
		}
	}
}

func coveringFiling(fs []store.Filing, a store.Alarm, now time.Time) (store.Filing, bool) {
	end := a.End
	if end.IsZero() {
		end = now
	}
	for _, f := range fs {
		if !f.Start.Before(end) || !f.End.After(a.Start) {
			continue
		}
		if len(f.FacilityIDs) == 0 || hasID(f.FacilityIDs, a.ProductionID) || hasID(f.FacilityIDs, a.TreatmentID) {
			return f, true
		}
	}
	return store.Filing{}, false
}

func hasID(ids []int64, id int64) bool {
	if id == 0 {
		return false
	}
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func sortAlarms(as []store.Alarm) {
	sort.SliceStable(as, func(i, j int) bool {
		a, b := as[i], as[j]
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.EnterpriseID != b.EnterpriseID {
			return a.EnterpriseID < b.EnterpriseID
		}
		if a.ProductionID != b.ProductionID {
			return a.ProductionID < b.ProductionID
		}
		if a.TreatmentID != b.TreatmentID {
			return a.TreatmentID < b.TreatmentID
		}
		return a.PointID < b.PointID
	})
}

// facilityName is the facility's name, or #id when it is not in the facts.
func (ev *evaluator) facilityName(id int64) string {
	if f := ev.x.facility[id]; f != nil {
		return f.Name
	}
	return fmt.Sprintf("#%d", id)
}
