package ui

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"powerwatch/statsheet"
	"powerwatch/store"
)

// statsColumns are 统计's consumption table for a query by period p (the
// period column writes p's label: 2026-03-18, 2026-03 or 2026). Figures
// sort largest first on the first click; a missing one (—) sorts last.
func statsColumns(tr *translator, p store.Period) []column[store.StatsRow] {
	type r = store.StatsRow
	return []column[r]{
		{head: tr.T("st.col.name"), width: 200, text: func(x r) string { return x.Name }},
		{head: tr.T("st.col.period"), width: 100, text: func(x r) string { return periodLabel(p, x.Start) }},
		figure(tr.T("st.col.energy"), 120, func(x r) float64 { return x.Energy }, kwh),
		figure(tr.T("st.col.lastyear"), 120, func(x r) float64 { return x.LastYear }, kwh),
		figure(tr.T("st.col.yoy"), 80, func(x r) float64 { return x.YoY }, pct),
		figure(tr.T("st.col.previous"), 120, func(x r) float64 { return x.Previous }, kwh),
		figure(tr.T("st.col.mom"), 80, func(x r) float64 { return x.MoM }, pct),
		figure(tr.T("st.col.industryavg"), 120, func(x r) float64 { return x.IndustryAvg }, kwh),
	}
}

// figure is a column of numbers written by show (— for none), sorted by
// value, largest first.
func figure[R any](head string, w float32, v func(R) float64, show func(float64) string) column[R] {
	return column[R]{head: head, width: w, text: func(x R) string { return show(v(x)) }, cmp: byNum(v), descFirst: true}
}

// dayNightColumns are 昼夜对比's table: each enterprise's day and night
// consumption and the night's share of it.
func dayNightColumns(tr *translator) []column[store.DayNightRow] {
	type r = store.DayNightRow
	return []column[r]{
		{head: tr.T("st.col.name"), width: 220, text: func(x r) string { return x.Name }},
		figure(tr.T("st.dn.day"), 140, func(x r) float64 { return x.Day }, kwh),
		figure(tr.T("st.dn.night"), 140, func(x r) float64 { return x.Night }, kwh),
		figure(tr.T("st.dn.share"), 120, r.NightShare, ratio),
	}
}

// periodLabel writes a period start as the period's name: 2026-03-18, 2026-03, 2026.
func periodLabel(p store.Period, t time.Time) string { return statsheet.PeriodLabel(p, t) }

func kwh(v float64) string {
	if math.IsNaN(v) {
		return noValue
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func pct(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return noValue
	}
	return fmt.Sprintf("%+.1f%%", v*100)
}
