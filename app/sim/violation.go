package sim

import (
	"fmt"
	"io"
	"time"

	"powerwatch/store"
)

// A ViolationKind names a scripted breach of the rules.
type ViolationKind string

// Scripted violations.
const (
	// TreatmentOff: the treatment unit is stopped while its production runs.
	TreatmentOff ViolationKind = "treatment_off"
	// ShutdownBreach: production runs during a 停产 order.
	ShutdownBreach ViolationKind = "shutdown_breach"
	// CutBreach: production runs at full load during a 限产 order that allows
	// only (100 − CutPercent) % of it.
	CutBreach ViolationKind = "cut_breach"
)

// A Violation is one scripted episode: what a terminal's facilities do
// during [From, To). ShutdownBreach and CutBreach need the matching order in
// the centre's database (Order returns it) for an alarm to be expected.
type Violation struct {
	Kind       ViolationKind
	MN         string
	Enterprise string
	Production string // the facility that runs
	Treatment  string // the one that is stopped, for TreatmentOff
	From, To   time.Time
	CutPercent float64 // of the 限产 order, for CutBreach
}

// PlanViolations scripts one violation of each kind within [start,
// start+span) on the first terminals that have a production point (a
// production with a treatment unit for TreatmentOff), at 20 %, 45 % and 70 %
// of the span, each lasting an eighth of it (at most 2 hours), on 5-minute
// boundaries. Their enterprises are switched to continuous work, so that
// production runs whatever the hour. It changes terminals in place.
func PlanViolations(terminals []Terminal, start time.Time, span time.Duration) []Violation {
	length := min(span/8, 2*time.Hour).Truncate(5 * time.Minute)
	if length <= 0 || len(terminals) == 0 {
		return nil
	}
	var out []Violation
	used := map[int]bool{}
	for k, kind := range []ViolationKind{TreatmentOff, ShutdownBreach, CutBreach} {
		from := start.Add(span * time.Duration(20+25*k) / 100).Truncate(5 * time.Minute)
		i, prod, treat := pickTerminal(terminals, used, kind == TreatmentOff)
		if i < 0 {
			continue
		}
		used[i] = true
		t := &terminals[i]
		t.Schedule = Continuous
		v := Violation{Kind: kind, MN: t.MN, Enterprise: t.Enterprise, Production: t.Points[prod].Facility,
			From: from, To: from.Add(length)}
		if treat >= 0 && kind == TreatmentOff {
			v.Treatment = t.Points[treat].Facility
		}
		if kind == CutBreach {
			v.CutPercent = 50
		}
		out = append(out, v)
	}
	return out
}

// pickTerminal finds a terminal not used yet (any, when all are) with a
// production point and, when withTreatment, a treatment point following it.
func pickTerminal(ts []Terminal, used map[int]bool, withTreatment bool) (term, prod, treat int) {
	for pass := range 2 {
		for i, t := range ts {
			if used[i] && pass == 0 {
				continue
			}
			for j, p := range t.Points {
				if p.Kind != store.Production {
					continue
				}
				tr := -1
				for k, q := range t.Points {
					if q.treatment() && q.Treats == j {
						tr = k
					}
				}
				if !withTreatment || tr >= 0 {
					return i, j, tr
				}
			}
		}
	}
	return -1, -1, -1
}

// overrides turns v into forced states of t's points.
func (v Violation) overrides(t *Terminal) []override {
	var out []override
	for i, p := range t.Points {
		switch {
		case p.Facility == v.Production && v.Kind == CutBreach:
			// Full load: above the allowance of any baseline the rules use.
			load := p.Load
			if load <= 0 {
				load = 0.7
			}
			out = append(out, override{point: i, from: v.From, to: v.To, on: true, scale: 0.95 / load})
		case p.Facility == v.Production:
			out = append(out, override{point: i, from: v.From, to: v.To, on: true})
		case p.Facility == v.Treatment && v.Kind == TreatmentOff:
			out = append(out, override{point: i, from: v.From, to: v.To, on: false})
		}
	}
	return out
}

// Order returns the control order the violation breaches, for the
// enterprise and production facility named; ok is false for TreatmentOff.
// The caller fills in the IDs (or writes it to an orders file).
func (v Violation) Order() (o store.Order, ok bool) {
	switch v.Kind {
	case ShutdownBreach:
		return store.Order{Kind: store.Shutdown, Level: store.Red, Start: v.From, End: v.To,
			Note: "模拟 simulated: 停产期间生产"}, true
	case CutBreach:
		return store.Order{Kind: store.Cut, CutPercent: v.CutPercent, Level: store.Orange, Start: v.From, End: v.To,
			Note: "模拟 simulated: 限产超负荷"}, true
	}
	return store.Order{}, false
}

// String describes v on one line, with the alarm it should raise.
func (v Violation) String() string {
	span := v.From.In(store.Beijing).Format("2006-01-02 15:04") + "–" + v.To.In(store.Beijing).Format("15:04")
	switch v.Kind {
	case TreatmentOff:
		return fmt.Sprintf("%s  %s %s: %s 运行, %s 停运 → 预期报警 产治不同步 (treatment off while production runs)",
			span, v.Enterprise, v.MN, v.Production, v.Treatment)
	case ShutdownBreach:
		return fmt.Sprintf("%s  %s %s: 停产令期间 %s 运行 → 预期报警 停产期间生产 (production during a shutdown order)",
			span, v.Enterprise, v.MN, v.Production)
	}
	return fmt.Sprintf("%s  %s %s: 限产 %.0f%% 期间 %s 满负荷 → 预期报警 超限产 (production above its cut allowance)",
		span, v.Enterprise, v.MN, v.CutPercent, v.Production)
}

// WriteSchedule prints the violations one per line, for checking that alarms appear.
func WriteSchedule(w io.Writer, vs []Violation) error {
	if _, err := fmt.Fprintf(w, "违规计划 scripted violations (%d):\n", len(vs)); err != nil {
		return err
	}
	for _, v := range vs {
		if _, err := fmt.Fprintln(w, "  "+v.String()); err != nil {
			return err
		}
	}
	return nil
}
