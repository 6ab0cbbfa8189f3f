package alarms

import (
	"time"

	"powerwatch/store"
)

// evidence is what an alarm's Thresholds JSON holds: the rule version, the
// parameters and the thresholds in force when it started, so that an old alarm
// is explained with the values of its time.
type evidence struct {
	RuleVersion int     `json:"rule_version"`
	Rule        string  `json:"rule"`
	MinMinutes  float64 `json:"min_minutes"`
	// ObservedMinutes is the time the condition was seen to hold; Gaps are
	// the spans without data it bridges, counted neither as on nor off time.
	ObservedMinutes float64            `json:"observed_minutes,omitempty"`
	Gaps            []gapEvidence      `json:"gaps,omitempty"`
	Facilities      []facilityEvidence `json:"facilities,omitempty"`
	Order           *orderEvidence     `json:"order,omitempty"`
	Baseline        *baselineEvidence  `json:"baseline,omitempty"`
	Values          map[string]float64 `json:"values,omitempty"`
	Reason          string             `json:"reason,omitempty"` // why an order cannot be judged
}

type gapEvidence struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type facilityEvidence struct {
	ID            int64   `json:"id"`
	Name          string  `json:"name"`
	Role          string  `json:"role"` // production, treatment, standby, supply
	Basis         string  `json:"basis,omitempty"`
	Stop          float64 `json:"stop"`
	Run           float64 `json:"run"`
	MinPersistMin float64 `json:"min_persist_min,omitempty"`
	EffectiveFrom string  `json:"effective_from,omitempty"`
	Derived       bool    `json:"derived,omitempty"` // from rated power (store.DefaultThreshold)
	Group         string  `json:"group,omitempty"`
	Need          int     `json:"need,omitempty"`
	State         string  `json:"state_at_start,omitempty"`
}

type orderEvidence struct {
	ID         int64   `json:"id"`
	Kind       string  `json:"kind"`
	Level      string  `json:"level,omitempty"`
	Start      string  `json:"start"`
	End        string  `json:"end"`
	CutPercent float64 `json:"cut_percent,omitempty"`
}

type baselineEvidence struct {
	Method       string  `json:"method"`
	KWh          float64 `json:"kwh"`
	Note         string  `json:"note,omitempty"`
	AllowanceKWh float64 `json:"allowance_kwh"`
	MarginPct    float64 `json:"margin_pct"`
	// Period is the 管控时段 judged; ExceededKWh the scope's cumulative when
	// it passed the allowance; once the period is over, ActualKWh its
	// cumulative over the whole period; CumulativeKWh the cumulative at each
	// full hour (while the period runs, up to the passing);
	// Used and Skipped the candidate baseline periods and why one was not used.
	Period        string    `json:"period,omitempty"`
	ExceededKWh   float64   `json:"exceeded_kwh"`
	ActualKWh     float64   `json:"actual_kwh,omitempty"`
	CumulativeKWh []float64 `json:"cumulative_kwh,omitempty"`
	// BaselineCumulativeKWh is the baseline's cumulative at each full hour
	// of the period (PeriodBaseline.Hourly), drawn beside CumulativeKWh.
	BaselineCumulativeKWh []float64 `json:"baseline_cumulative_kwh,omitempty"`
	Used                  []string  `json:"used,omitempty"`
	Skipped               []string  `json:"skipped,omitempty"`
}

// facilityEv describes facility id with the threshold in force at slot i.
func (ev *evaluator) facilityEv(id int64, role string, i int) facilityEvidence {
	fe := facilityEvidence{ID: id, Name: ev.facilityName(id), Role: role}
	ts, derived := ev.x.thresholdsOf(id)
	if t, ok := store.ThresholdAt(ts, ev.g.at(i)); ok {
		fe.Basis, fe.Stop, fe.Run = string(t.Basis), t.Stop, t.Run
		fe.MinPersistMin = t.MinPersist.Minutes()
		fe.Derived = derived
		if !t.EffectiveFrom.IsZero() {
			fe.EffectiveFrom = beijingTime(t.EffectiveFrom)
		}
	}
	if st := ev.stateOf(id); i >= 0 && i < len(st) {
		fe.State = st[i].String()
	}
	return fe
}

func orderEv(o store.Order) *orderEvidence {
	return &orderEvidence{ID: o.ID, Kind: string(o.Kind), Level: string(o.Level),
		Start: beijingTime(o.Start), End: beijingTime(o.End), CutPercent: o.CutPercent}
}

func beijingTime(t time.Time) string { return t.In(store.Beijing).Format(time.RFC3339) }
