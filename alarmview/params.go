package alarmview

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// Params is what the judge records with an alarm (store.Alarm.Thresholds,
// written by package alarms): the rule, the parameters and thresholds in
// force when it started, the order and baseline of a 限产, values of the
// device rules. Fields the judge did not fill stay zero. TestParamsMatchJudge
// keeps this reading in step with what alarms writes.
type Params struct {
	RuleVersion     int                `json:"rule_version"`
	Rule            string             `json:"rule"`
	MinMinutes      float64            `json:"min_minutes"`
	ObservedMinutes float64            `json:"observed_minutes"`
	Gaps            []Gap              `json:"gaps"`
	Facilities      []FacilityParam    `json:"facilities"`
	Order           *OrderParam        `json:"order"`
	Baseline        *BaselineParam     `json:"baseline"`
	Values          map[string]float64 `json:"values"`
	Reason          string             `json:"reason"` // why an order cannot be judged

	// Other holds what the JSON held beyond the fields above (alarms of
	// older versions), key → raw value, so nothing recorded is hidden.
	Other map[string]string `json:"-"`
	// Raw is the text as stored when it is not a JSON object.
	Raw string `json:"-"`
}

// A Gap is a span without data that the alarm bridges (Beijing RFC 3339).
type Gap struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// A FacilityParam is a facility as the judge saw it at the alarm's start.
type FacilityParam struct {
	ID            int64   `json:"id"`
	Name          string  `json:"name"`
	Role          string  `json:"role"` // production, treatment, standby, supply, context
	Basis         string  `json:"basis"`
	Stop          float64 `json:"stop"`
	Run           float64 `json:"run"`
	MinPersistMin float64 `json:"min_persist_min"`
	EffectiveFrom string  `json:"effective_from"`
	Derived       bool    `json:"derived"`
	Group         string  `json:"group"` // treatment stage (N-of-M group)
	Need          int     `json:"need"`
	State         string  `json:"state_at_start"`
}

// An OrderParam is the order an alarm judged.
type OrderParam struct {
	ID         int64   `json:"id"`
	Kind       string  `json:"kind"`
	Level      string  `json:"level"`
	Start      string  `json:"start"`
	End        string  `json:"end"`
	CutPercent float64 `json:"cut_percent"`
}

// A BaselineParam is a 限产's baseline and allowance in the 管控时段 judged.
type BaselineParam struct {
	Method        string    `json:"method"`
	KWh           float64   `json:"kwh"`
	Note          string    `json:"note"`
	AllowanceKWh  float64   `json:"allowance_kwh"`
	MarginPct     float64   `json:"margin_pct"`
	Period        string    `json:"period"` // start/end, Beijing RFC 3339
	ExceededKWh   float64   `json:"exceeded_kwh"`
	ActualKWh     float64   `json:"actual_kwh"`
	CumulativeKWh []float64 `json:"cumulative_kwh"` // the scope's cumulative at each full hour of the period
	// BaselineCumulativeKWh is the baseline's cumulative at each full hour
	// (the mean over the periods used), when the judge recorded it.
	BaselineCumulativeKWh []float64 `json:"baseline_cumulative_kwh"`
	Used                  []string  `json:"used"`    // start/end of each baseline period used
	Skipped               []string  `json:"skipped"` // "start/end reason" of each left out
}

// known are the keys Params reads.
var known = map[string]bool{"rule_version": true, "rule": true, "min_minutes": true, "observed_minutes": true, "gaps": true,
	"facilities": true, "order": true, "baseline": true, "values": true, "reason": true}

// ParseParams reads an alarm's recorded parameters. Text that is not a JSON
// object is kept in Raw; keys it does not know in Other.
func ParseParams(s string) Params {
	var p Params
	var raw map[string]json.RawMessage
	if strings.TrimSpace(s) == "" {
		return p
	}
	if json.Unmarshal([]byte(s), &raw) != nil {
		p.Raw = s
		return p
	}
	if json.Unmarshal([]byte(s), &p) != nil {
		p = Params{Raw: s}
		return p
	}
	for k, m := range raw {
		if !known[k] {
			if p.Other == nil {
				p.Other = map[string]string{}
			}
			p.Other[k] = strings.Trim(string(m), `"`)
		}
	}
	return p
}

// Period parses a "start/end" period of the params.
func Period(s string) (from, to time.Time, ok bool) {
	a, b, found := strings.Cut(s, "/")
	if !found {
		return from, to, false
	}
	from, err1 := time.Parse(time.RFC3339, a)
	to, err2 := time.Parse(time.RFC3339, b)
	return from, to, err1 == nil && err2 == nil && to.After(from)
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
