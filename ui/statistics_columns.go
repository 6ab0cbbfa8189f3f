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
	num := func(key string, w float32, v func(r) float64, show func(float64) string) column[r] {
		return column[r]{head: tr.T(key), width: w, text: func(x r) string { return show(v(x)) }, cmp: byNum(v), descFirst: true}
	}
	return []column[r]{
		{head: tr.T("st.col.name"), width: 200, text: func(x r) string { return x.Name }},
		{head: tr.T("st.col.period"), width: 100, text: func(x r) string { return periodLabel(p, x.Start) }},
		num("st.col.energy", 120, func(x r) float64 { return x.Energy }, kwh),
		num("st.col.lastyear", 120, func(x r) float64 { return x.LastYear }, kwh),
		num("st.col.yoy", 80, func(x r) float64 { return x.YoY }, pct),
		num("st.col.previous", 120, func(x r) float64 { return x.Previous }, kwh),
		num("st.col.mom", 80, func(x r) float64 { return x.MoM }, pct),
		num("st.col.industryavg", 120, func(x r) float64 { return x.IndustryAvg }, kwh),
	}
}

// dayNightColumns are 昼夜对比's table: each enterprise's day and night
// consumption and the night's share of it.
func dayNightColumns(tr *translator) []column[store.DayNightRow] {
	type r = store.DayNightRow
	num := func(key string, w float32, v func(r) float64, show func(float64) string) column[r] {
		return column[r]{head: tr.T(key), width: w, text: func(x r) string { return show(v(x)) }, cmp: byNum(v), descFirst: true}
	}
	return []column[r]{
		{head: tr.T("st.col.name"), width: 220, text: func(x r) string { return x.Name }},
		num("st.dn.day", 140, func(x r) float64 { return x.Day }, kwh),
		num("st.dn.night", 140, func(x r) float64 { return x.Night }, kwh),
		num("st.dn.share", 120, r.NightShare, ratio),
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
