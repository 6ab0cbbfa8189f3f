package listing

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"powerwatch/app/judge"
	"powerwatch/csvsafe"
	"powerwatch/store"
	"powerwatch/thresholds"
)

// ProposalRow is one facility's proposal as `thresholds propose` prints it (kW).
type ProposalRow struct {
	FacilityID     int64       `json:"facility_id"`
	Facility       string      `json:"facility"`
	Enterprise     string      `json:"enterprise"`
	Kind           string      `json:"kind"`
	Status         string      `json:"status"`
	Reason         string      `json:"reason,omitempty"`
	Days           int         `json:"days"`
	Modes          []ModeRow   `json:"modes,omitempty"`
	Stop           float64     `json:"stop,omitempty"`
	Run            float64     `json:"run,omitempty"`
	StopSeparation float64     `json:"stop_separation,omitempty"`
	RunSeparation  float64     `json:"run_separation,omitempty"`
	Quality        string      `json:"quality,omitempty"`
	StopObserved   bool        `json:"stop_observed"`
	Floor          float64     `json:"floor,omitempty"`
	FloorApplied   bool        `json:"floor_applied"`
	Current        [2]float64  `json:"current"`
	CurrentBasis   string      `json:"current_basis"`
	Typed          *[2]float64 `json:"typed,omitempty"`
	Derived        *[2]float64 `json:"derived,omitempty"`
	Misfits        []string    `json:"misfits,omitempty"`
	ReplayFrom     string      `json:"replay_from,omitempty"`
	AlarmsBefore   *int        `json:"alarms_before,omitempty"`
	AlarmsAfter    *int        `json:"alarms_after,omitempty"`
	Raised         *int        `json:"raised,omitempty"`
	Removed        *int        `json:"removed,omitempty"`
	TestOff        *float64    `json:"test_off,omitempty"`
	TestOn         *float64    `json:"test_on,omitempty"`
}

// A ModeRow is one mode of a facility's power: its role, level, range and share of the time.
type ModeRow struct {
	Role  string  `json:"role"`
	Level float64 `json:"level"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	Share float64 `json:"share"`
}

// round keeps three decimals: kW to the watt.
func round(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }

// NewProposalRow is p as printed: kW rounded, dates in Beijing, the replay and
// test only when there was one.
func NewProposalRow(p judge.ThresholdProposal) ProposalRow {
	r := ProposalRow{FacilityID: p.Facility.ID, Facility: p.Facility.Name, Enterprise: p.Enterprise, Kind: string(p.Facility.Kind),
		Status: string(p.Status), Reason: p.Reason(), Days: p.Days, StopObserved: p.StopObserved, Floor: round(p.Floor),
		FloorApplied: p.FloorApplied, Current: [2]float64{round(p.Current.Stop), round(p.Current.Run)}, CurrentBasis: string(p.Current.Basis)}
	if p.Status == thresholds.Proposed {
		r.Stop, r.Run = round(p.Stop), round(p.Run)
		r.StopSeparation, r.RunSeparation = round(p.StopSeparation), round(p.RunSeparation)
		r.Quality = thresholds.Quality(min(p.StopSeparation, p.RunSeparation))
	}
	for _, m := range p.Modes {
		r.Modes = append(r.Modes, ModeRow{string(m.Role), round(m.Level), round(m.Low), round(m.High), round(m.Share)})
	}
	if p.Typed.ID != 0 {
		r.Typed = &[2]float64{round(p.Typed.Stop), round(p.Typed.Run)}
	}
	if p.Derived.Run > 0 {
		r.Derived = &[2]float64{round(p.Derived.Stop), round(p.Derived.Run)}
	}
	for _, m := range p.Misfits {
		r.Misfits = append(r.Misfits, fmt.Sprintf("%s %.3g in %s %.3g–%.3g", m.Limit, m.Value, m.Mode.Role, m.Mode.Low, m.Mode.High))
	}
	if rp := p.Replay; rp != nil {
		r.ReplayFrom = rp.From.In(store.Beijing).Format(time.DateOnly)
		r.AlarmsBefore, r.AlarmsAfter, r.Raised, r.Removed = &rp.Before, &rp.After, &rp.Raised, &rp.Removed
	}
	if t := p.Test; t != nil {
		off, on := round(t.Off), round(t.On)
		r.TestOff, r.TestOn = &off, &on
	}
	return r
}

// proposalHeader is the CSV header, one column per ProposalRow field.
func proposalHeader() []string {
	return []string{"facility_id", "facility", "enterprise", "kind", "status", "reason", "days", "modes",
		"stop", "run", "stop_separation", "run_separation", "quality", "floor", "floor_applied",
		"current_stop", "current_run", "typed", "derived", "misfits", "alarms_before", "alarms_after", "raised", "removed", "test_off", "test_on"}
}

// WriteProposals writes ps as JSON lines or CSV (format "json" or "csv").
func WriteProposals(w io.Writer, format string, ps []judge.ThresholdProposal) error {
	rows := make([]ProposalRow, len(ps))
	for i, p := range ps {
		rows[i] = NewProposalRow(p)
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(proposalHeader()); err != nil {
		return err
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	pair := func(p *[2]float64) string {
		if p == nil {
			return ""
		}
		return num(p[0]) + "/" + num(p[1])
	}
	opt := func(v *int) string {
		if v == nil {
			return ""
		}
		return strconv.Itoa(*v)
	}
	optf := func(v *float64) string {
		if v == nil {
			return ""
		}
		return num(*v)
	}
	for _, r := range rows {
		var ms []string
		for _, m := range r.Modes {
			ms = append(ms, fmt.Sprintf("%s %s (%.0f%%)", m.Role, num(m.Level), 100*m.Share))
		}
		rec := []string{strconv.FormatInt(r.FacilityID, 10), r.Facility, r.Enterprise, r.Kind, r.Status, r.Reason, strconv.Itoa(r.Days),
			strings.Join(ms, "; "), num(r.Stop), num(r.Run), num(r.StopSeparation), num(r.RunSeparation), r.Quality, num(r.Floor),
			strconv.FormatBool(r.FloorApplied), num(r.Current[0]), num(r.Current[1]), pair(r.Typed), pair(r.Derived),
			strings.Join(r.Misfits, "; "), opt(r.AlarmsBefore), opt(r.AlarmsAfter), opt(r.Raised), opt(r.Removed), optf(r.TestOff), optf(r.TestOn)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
