package alarmview

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"powerwatch/store"
	"powerwatch/ui/chart"
)

// chartColumns is the number of columns the power curves are reduced to:
// fixed, so the window and the PDF draw the same points whatever their size
// (an alarm's evidence spans hours: 5-minute data never reaches it).
const chartColumns = 1200

// TypeName is the name of alarm type at, from the translations (the one
// source of type names: the window, the queue and the PDF).
func TypeName(t Texts, at store.AlarmType) string { return t.T("alarm." + string(at)) }

// Chart is the alarm's power chart: the power of every point of the
// evidence, drawn by its facility's role (chart.RoleOf), the alarm shaded,
// and the stop and run threshold of each facility in force at the alarm's
// start (Thresholds), derived ones marked 推导. Width, Height, Font and Dark
// are the caller's: the window sizes the chart to its pane, the PDF to its
// page.
func Chart(v View, t Texts) chart.Options {
	ev := v.Evidence
	a := ev.Alarm
	end := a.End
	if end.IsZero() {
		end = ev.To
	}
	o := chart.Options{From: ev.From, To: ev.To, Unit: "kW",
		Spans: []chart.Span{{From: a.Start, To: end, Kind: chart.Alarm, Label: TypeName(t, a.Type)}}}
	for _, p := range v.Points {
		f := v.Facilities[p.FacilityID]
		o.Series = append(o.Series, chart.Series{Name: f.Name + "/" + p.Name, Role: chart.RoleOf(f.Kind), Key: f.ID,
			Points: chart.Downsample(ev.Series[p.ID], chart.Power, ev.From, ev.To, chartColumns)})
	}
	// Every facility of the enterprise takes part in the colours, so a
	// facility keeps its colour whichever points the evidence holds.
	for _, f := range v.Facilities {
		o.Keys = append(o.Keys, chart.SeriesKey{Key: f.ID, Role: chart.RoleOf(f.Kind)})
	}
	slices.SortFunc(o.Keys, func(a, b chart.SeriesKey) int { return cmp.Compare(a.Key, b.Key) })
	for _, th := range v.Thresholds() {
		if th.Basis != store.ByPower && th.Basis != "" {
			continue // on current (A): listed in the rule table, not on a kW axis
		}
		mark := ""
		if th.Derived {
			mark = t.T("av.derived.mark")
		}
		o.Lines = append(o.Lines,
			chart.Line{Value: th.Run, Label: t.T("av.line.run", th.Facility.Name, th.Run) + mark},
			chart.Line{Value: th.Stop, Label: t.T("av.line.stop", th.Facility.Name, th.Stop) + mark})
	}
	return o
}

// CutChart is the cumulative chart of a 限产未落实 alarm over its 管控时段:
// the scope's cumulative consumption hour by hour as the judge recorded it,
// the baseline's cumulative when recorded, and the period's allowance and
// baseline as levels. ok is false when the alarm has no recorded cumulative
// (another type, or an alarm of an older version).
func CutChart(v View, t Texts) (o chart.Options, ok bool) {
	b := v.Params.Baseline
	if b == nil || len(b.CumulativeKWh) == 0 {
		return o, false
	}
	from, to, ok := Period(b.Period)
	if !ok {
		return o, false
	}
	o = chart.Options{From: from, To: to, Unit: "kWh"}
	a := v.Evidence.Alarm
	end := a.End
	if end.IsZero() || end.After(to) {
		end = to
	}
	if start := a.Start; start.Before(to) {
		if start.Before(from) {
			start = from
		}
		o.Spans = []chart.Span{{From: start, To: end, Kind: chart.Alarm, Label: TypeName(t, a.Type)}}
	}
	o.Series = append(o.Series, chart.Series{Name: t.T("av.cut.cumulative"), Role: chart.Production, Points: hourly(from, b.CumulativeKWh)})
	if len(b.BaselineCumulativeKWh) > 0 {
		o.Series = append(o.Series, chart.Series{Name: t.T("av.cut.baseline.cumulative"), Role: chart.Other, Points: hourly(from, b.BaselineCumulativeKWh)})
	}
	o.Lines = []chart.Line{
		{Value: b.AllowanceKWh, Label: t.T("av.cut.allowance", b.AllowanceKWh)},
		{Value: b.KWh, Label: t.T("av.cut.baseline", b.KWh)},
	}
	return o, true
}

// hourly turns cumulative values at each full hour after from into points,
// starting from 0 at from.
func hourly(from time.Time, cum []float64) []store.CurvePoint {
	pts := []store.CurvePoint{{At: from, N: 1}}
	for k, c := range cum {
		if math.IsNaN(c) {
			continue
		}
		pts = append(pts, store.CurvePoint{At: from.Add(time.Duration(k+1) * time.Hour), Min: c, Max: c, Mean: c, N: 1})
	}
	return pts
}

// level formats a level with its unit.
func level(basis store.Basis, v float64) string {
	if basis == store.ByCurrent {
		return fmt.Sprintf("%.1f A", v)
	}
	return fmt.Sprintf("%.1f kW", v)
}
