// Package alarmview is what an alarm's evidence shows, the same in the 报警
// detail of the window and in evidence.pdf: the facts read once (Load), the
// power chart and, for 限产未落实, the cumulative chart (Chart, CutChart) with
// every threshold in force, derived ones marked, and the rule table
// (RuleRows). Both the window and app/evidence call these functions, so a
// facility's role, a threshold or a type name cannot differ between them.
// Text comes through Texts: the window passes its translator, the PDF the
// Chinese and English translations (assets/translations).
package alarmview

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"powerwatch/store"
)

// Source is what a view is read from; *sqlite.DB has these methods.
type Source interface {
	AlarmEvidence(ctx context.Context, id int64, margin time.Duration) (store.AlarmEvidence, error)
	FacilitiesByEnterprise(ctx context.Context, enterpriseID int64) ([]store.Facility, error)
	FindPoints(ctx context.Context, f store.PointFilter) ([]store.Point, error)
	ThresholdsFor(ctx context.Context, facilityID int64) ([]store.Threshold, error)
	RuleSetVersion(ctx context.Context, v int) (store.RuleSet, error)
}

// Texts looks up user-visible text by message id (assets/translations),
// formatted with args.
type Texts interface {
	T(id string, args ...any) string
}

// A View is everything an alarm's evidence shows, read once.
type View struct {
	Evidence   store.AlarmEvidence
	Facilities map[int64]store.Facility // of the alarm's enterprise
	Points     []store.Point            // the points of Evidence.Series, by id
	// History is the threshold history of each facility of the enterprise.
	History map[int64][]store.Threshold
	// Rules is the rule-set version the alarm was raised under; nil when
	// that version was never saved (the built-in defaults).
	Rules  *store.RuleSet
	Params Params // what the judge recorded with the alarm (Alarm.Thresholds)
}

// Load reads alarm id's evidence with margin around it.
func Load(ctx context.Context, src Source, id int64, margin time.Duration) (View, error) {
	var v View
	ev, err := src.AlarmEvidence(ctx, id, margin)
	if err != nil {
		return v, fmt.Errorf("read the evidence of alarm %d: %w", id, err)
	}
	v.Evidence = ev
	v.Params = ParseParams(ev.Alarm.Thresholds)
	a := ev.Alarm
	facs, err := src.FacilitiesByEnterprise(ctx, a.EnterpriseID)
	if err != nil {
		return v, fmt.Errorf("read the facilities of enterprise %d: %w", a.EnterpriseID, err)
	}
	v.Facilities = make(map[int64]store.Facility, len(facs))
	v.History = make(map[int64][]store.Threshold, len(facs))
	for _, f := range facs {
		v.Facilities[f.ID] = f
		if v.History[f.ID], err = src.ThresholdsFor(ctx, f.ID); err != nil {
			return v, fmt.Errorf("read the thresholds of facility %s: %w", f.Name, err)
		}
	}
	points, err := src.FindPoints(ctx, store.PointFilter{EnterpriseID: a.EnterpriseID})
	if err != nil {
		return v, fmt.Errorf("read the points of enterprise %d: %w", a.EnterpriseID, err)
	}
	byID := make(map[int64]store.Point, len(points))
	for _, p := range points {
		byID[p.ID] = p
	}
	for pid := range ev.Series {
		p, ok := byID[pid]
		if !ok {
			return v, fmt.Errorf("point %d of alarm %d's series is not a point of enterprise %d: %w", pid, id, a.EnterpriseID, store.ErrNotFound)
		}
		v.Points = append(v.Points, p)
	}
	sort.Slice(v.Points, func(i, j int) bool { return v.Points[i].ID < v.Points[j].ID })
	if rs, err := src.RuleSetVersion(ctx, a.RuleVersion); err == nil {
		v.Rules = &rs
	} else if !errors.Is(err, store.ErrNotFound) {
		return v, fmt.Errorf("read rule set version %d: %w", a.RuleVersion, err)
	}
	return v, nil
}

// FacilityName is facility id's name, "—" for none.
func (v View) FacilityName(id int64) string {
	if id == 0 {
		return "—"
	}
	if f, ok := v.Facilities[id]; ok {
		return f.Name
	}
	return fmt.Sprintf("#%d", id)
}

// A Threshold is one facility's threshold in force at the alarm's start.
type Threshold struct {
	store.Threshold
	Facility store.Facility
	// Recorded: the judge recorded it with the alarm (the values it was
	// raised under), rather than read from the registry now.
	Recorded bool
}

// Thresholds returns the threshold in force at the alarm's start of each
// facility the evidence charts or the judge named, in that order. This is
// the one lookup of thresholds for the evidence: the values the judge
// recorded with the alarm first (an old alarm keeps the thresholds it was
// raised under); else the facility's threshold history at the alarm's start;
// for a facility with no history, the threshold derived from its rated power
// (store.DefaultThreshold), as the rules derive it. A facility with none of
// these has no threshold and is left out.
func (v View) Thresholds() []Threshold {
	var out []Threshold
	seen := map[int64]bool{}
	add := func(id int64) {
		if id == 0 || seen[id] {
			return
		}
		seen[id] = true
		if th, ok := v.thresholdOf(id); ok {
			out = append(out, th)
		}
	}
	for _, p := range v.Points {
		add(p.FacilityID)
	}
	for _, f := range v.Params.Facilities {
		add(f.ID)
	}
	add(v.Evidence.Alarm.ProductionID)
	add(v.Evidence.Alarm.TreatmentID)
	return out
}

func (v View) thresholdOf(id int64) (Threshold, bool) {
	f := v.Facilities[id]
	at := v.Evidence.Alarm.Start
	for _, r := range v.Params.Facilities {
		if r.ID != id || r.Basis == "" {
			continue
		}
		th := Threshold{Facility: f, Recorded: true, Threshold: store.Threshold{FacilityID: id, Basis: store.Basis(r.Basis),
			Stop: r.Stop, Run: r.Run, MinPersist: time.Duration(r.MinPersistMin * float64(time.Minute)), Derived: r.Derived}}
		if t, err := time.Parse(time.RFC3339, r.EffectiveFrom); err == nil {
			th.EffectiveFrom = t
		}
		return th, true
	}
	if hist := v.History[id]; len(hist) > 0 {
		t, ok := store.ThresholdAt(hist, at)
		return Threshold{Threshold: t, Facility: f}, ok
	}
	t, ok := store.DefaultThreshold(f.RatedKW)
	t.FacilityID, t.Derived = id, true
	return Threshold{Threshold: t, Facility: f}, ok
}
