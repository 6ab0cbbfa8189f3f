package alarms

import (
	"fmt"
	"time"

	"powerwatch/store"
)

// This file applies the registry's history to the violation rules (issue 14,
// point 1): a facility is judged only once it is in service, and the windows
// of recorded acceptance or inspection tests (停上电试验) are not judged as
// operation: what they would raise is marked 试验 (store.Alarm.Trial).
// This holds for the alarms officers review (violations and suspects,
// store.AlarmType.NeedsReview); device and data alarms are not affected. It is kept apart from the rules
// themselves so that they can change without touching it.

// A TestWindow is the window of a recorded acceptance or inspection test
// (§6.7.3–6.7.4, §6.10), in which the installer switches facilities off and
// on to see the terminal follow: a treatment unit off while production runs
// is the test, not a violation.
type TestWindow struct {
	RecordID     int64 // the maintenance record that documents it
	EnterpriseID int64
	FacilityIDs  []int64 // the facilities tested; empty: every facility of the enterprise
	From, To     time.Time
}

// covers reports whether w is a test of facility fid of enterprise ent.
func (w TestWindow) covers(ent, fid int64) bool {
	return w.EnterpriseID == ent && (len(w.FacilityIDs) == 0 || hasID(w.FacilityIDs, fid))
}

// inService returns when the violation rules start to apply to facility
// fid: its 投运/验收日期 (CommissionedAt), else the earliest installation
// date of its points; zero when neither is known (then whenever there is data).
func (x *index) inService(fid int64) time.Time {
	f := x.facility[fid]
	if f == nil {
		return time.Time{}
	}
	if !f.CommissionedAt.IsZero() {
		return f.CommissionedAt
	}
	var first time.Time
	for _, pid := range x.pointsOf[fid] {
		if t := x.points[pid].InstalledAt; !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first
}

// maskStates makes the slots in which the violation rules do not apply to
// facility fid unknown: those before it is in service and, except in the run
// that looks for what tests raise (ev.trialRun), those of its test windows.
// Unknown time never starts or lengthens an episode.
func (ev *evaluator) maskStates(fid int64, st []State) {
	mask := func(from, to time.Time) {
		for i := range st {
			if at := ev.g.at(i); at.Before(to) && at.Add(ev.rs.Slot).After(from) {
				st[i] = Unknown
			}
		}
	}
	if s := ev.x.inService(fid); !s.IsZero() {
		mask(time.Time{}, s)
	}
	if ev.trialRun {
		return
	}
	for _, w := range ev.x.tests[ev.ent] {
		if w.covers(ev.ent, fid) {
			mask(w.From, w.To)
		}
	}
}

// evaluateEnterprise judges one enterprise: the rules with test windows
// masked and, when a test window touches the period, once more without the
// mask; a violation only that second run raises, during a test, is the
// test's and is returned marked 试验.
func evaluateEnterprise(rs store.RuleSet, x *index, in *Input, ent int64) []store.Alarm {
	out := dropBeforeService(x, evaluateRules(rs, x, in, ent, false))
	var tests []TestWindow
	for _, w := range x.tests[ent] {
		if w.From.Before(in.To) && w.To.After(in.From.Add(-24*time.Hour)) {
			tests = append(tests, w)
		}
	}
	if len(tests) == 0 {
		return out
	}
	judged := len(out)
	for _, a := range dropBeforeService(x, evaluateRules(rs, x, in, ent, true)) {
		if !a.Type.NeedsReview() || matchesAny(out[:judged], a, in.To) {
			continue
		}
		w, ok := testOf(tests, a, in.To)
		if !ok {
			continue
		}
		a.Trial = true
		a.Detail += fmt.Sprintf(" · 试验：验收/巡检停上电试验期间（记录 #%d）/ raised during the on/off test of record #%d", w.RecordID, w.RecordID)
		out = append(out, a)
	}
	return out
}

// dropBeforeService removes violation alarms that start before their
// facility (or, for an alarm on a whole enterprise, its first facility) is in
// service. The rules on facility states never raise them (maskStates); this
// catches the rules that judge consumption.
func dropBeforeService(x *index, as []store.Alarm) []store.Alarm {
	out := as[:0]
	for _, a := range as {
		if a.Type.NeedsReview() && a.Start.Before(alarmInService(x, a)) {
			continue
		}
		out = append(out, a)
	}
	return out
}

// alarmInService is when the rules start to apply to what alarm a is about:
// the later of its production and treatment facilities, or the earliest of
// its enterprise's facilities when it names neither.
func alarmInService(x *index, a store.Alarm) time.Time {
	var s time.Time
	for _, fid := range []int64{a.ProductionID, a.TreatmentID} {
		if t := x.inService(fid); fid != 0 && t.After(s) {
			s = t
		}
	}
	if a.ProductionID != 0 || a.TreatmentID != 0 {
		return s
	}
	for k, fid := range x.byEnterprise[a.EnterpriseID] {
		t := x.inService(fid)
		if t.IsZero() {
			return time.Time{} // a facility with no date is judged whenever there is data
		}
		if k == 0 || t.Before(s) {
			s = t
		}
	}
	return s
}

// matchesAny reports whether one of as is the same episode as a: same rule
// and subjects, overlapping in time (an open alarm lasts until now).
func matchesAny(as []store.Alarm, a store.Alarm, now time.Time) bool {
	for _, b := range as {
		if b.Type == a.Type && b.ProductionID == a.ProductionID && b.TreatmentID == a.TreatmentID &&
			b.OrderID == a.OrderID && b.Start.Before(endOr(a, now)) && a.Start.Before(endOr(b, now)) {
			return true
		}
	}
	return false
}

// testOf returns the test window that alarm a overlaps and that covers one
// of its facilities.
func testOf(ws []TestWindow, a store.Alarm, now time.Time) (TestWindow, bool) {
	for _, w := range ws {
		if !w.From.Before(endOr(a, now)) || !a.Start.Before(w.To) {
			continue
		}
		if w.covers(a.EnterpriseID, a.ProductionID) || w.covers(a.EnterpriseID, a.TreatmentID) || len(w.FacilityIDs) == 0 {
			return w, true
		}
	}
	return TestWindow{}, false
}

func endOr(a store.Alarm, now time.Time) time.Time {
	if a.End.IsZero() {
		return now
	}
	return a.End
}

// indexTests arranges f's test windows by enterprise.
func (x *index) indexTests(f *Facts) {
	x.tests = map[int64][]TestWindow{}
	for _, w := range f.TestWindows {
		if w.To.After(w.From) {
			x.tests[w.EnterpriseID] = append(x.tests[w.EnterpriseID], w)
		}
	}
}

// TestWindows returns the test windows the records document (TestFrom and
// TestTo set): each covers the facilities of its on/off tests, else the
// facility of its point, else the whole enterprise.
func TestWindows(recs []store.MaintenanceRecord, points []store.Point) []TestWindow {
	var out []TestWindow
	for _, r := range recs {
		if !r.TestTo.After(r.TestFrom) {
			continue
		}
		w := TestWindow{RecordID: r.ID, EnterpriseID: r.EnterpriseID, From: r.TestFrom, To: r.TestTo}
		for _, o := range r.OnOff {
			if o.FacilityID != 0 && !hasID(w.FacilityIDs, o.FacilityID) {
				w.FacilityIDs = append(w.FacilityIDs, o.FacilityID)
			}
		}
		for _, p := range points {
			if len(w.FacilityIDs) == 0 && r.PointID != 0 && p.ID == r.PointID {
				w.FacilityIDs = []int64{p.FacilityID}
			}
		}
		out = append(out, w)
	}
	return out
}
