package ui

import (
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"powerwatch/store"
)

// The 管控 tables as column specs: the live board of an episode, its
// reduction by group, all orders, and the 报备 filings.

func (od *ordersScreen) boardColumns() []column[store.FacilityReduction] {
	tr := od.s.tr
	type r = store.FacilityReduction
	num := func(head string, w float32, v func(r) float64) column[r] {
		return column[r]{head: head, width: w, text: func(x r) string { return kwh(v(x)) }, cmp: byNum(v), align: fyne.TextAlignTrailing}
	}
	// Without a baseline there is no reduction: ratio writes — and the row
	// sorts last.
	reduction := func(f r) float64 {
		if !(f.Baseline > 0) {
			return math.NaN()
		}
		return (f.Baseline - f.Energy) / f.Baseline
	}
	return []column[r]{
		{head: tr.T("ord.col.enterprise"), width: 170, text: func(f r) string { return f.Enterprise }},
		{head: tr.T("ord.col.facility"), width: 110, text: func(f r) string { return f.Facility }},
		{head: tr.T("ord.col.order"), width: 90, text: func(f r) string { return od.orderText(f.Kind, f.CutPercent) }},
		{head: tr.T("ord.col.state"), width: 90, text: func(f r) string {
			if f.Unjudged != "" {
				return tr.T("ord.state.unjudged")
			}
			if f.Warning {
				return od.state(f.State) + " · " + tr.T("ord.state.warning")
			}
			return od.state(f.State)
		}},
		num(tr.T("ord.col.power"), 80, func(f r) float64 { return f.PowerKW }),
		num(tr.T("ord.col.energy"), 100, func(f r) float64 { return f.Energy }),
		num(tr.T("ord.col.allowance"), 100, func(f r) float64 { return f.Allowance }),
		num(tr.T("ord.col.baseline"), 100, func(f r) float64 { return f.Baseline }),
		{head: tr.T("ord.col.reduction"), width: 80, align: fyne.TextAlignTrailing, cmp: byNum(reduction),
			text: func(f r) string { return ratio(reduction(f)) }},
		{head: tr.T("ord.col.alarms"), width: 60, align: fyne.TextAlignTrailing, cmp: byNum(func(f r) int { return f.Alarms }),
			text: func(f r) string { return strconv.Itoa(f.Alarms) }},
	}
}

func (od *ordersScreen) groupColumns() []column[store.ReductionRow] {
	tr := od.s.tr
	type r = store.ReductionRow
	num := func(head string, v func(r) float64) column[r] {
		return column[r]{head: head, width: 110, text: func(x r) string { return kwh(v(x)) }, cmp: byNum(v), align: fyne.TextAlignTrailing}
	}
	return []column[r]{
		{head: tr.T("ord.col.name"), width: 200, text: func(x r) string { return x.Name }},
		num(tr.T("ord.col.energy"), func(x r) float64 { return x.Energy }),
		num(tr.T("ord.col.allowance"), func(x r) float64 { return x.Allowance }),
		num(tr.T("ord.col.baseline"), func(x r) float64 { return x.Baseline }),
		{head: tr.T("ord.col.reduction"), width: 90, align: fyne.TextAlignTrailing, cmp: byNum(func(x r) float64 { return x.Reduction }),
			text: func(x r) string { return ratio(x.Reduction) }},
		{head: tr.T("ord.col.alarms"), width: 60, align: fyne.TextAlignTrailing, cmp: byNum(func(x r) int { return x.Alarms }),
			text: func(x r) string { return strconv.Itoa(x.Alarms) }},
	}
}

func (od *ordersScreen) orderColumns() []column[store.Order] {
	tr := od.s.tr
	type r = store.Order
	return []column[r]{
		{head: tr.T("ord.col.enterprise"), width: 180, text: func(o r) string { return od.names[o.EnterpriseID] }},
		{head: tr.T("ord.col.order"), width: 90, text: func(o r) string { return od.orderText(o.Kind, o.CutPercent) }},
		{head: tr.T("ord.col.level"), width: 90, text: func(o r) string { return od.level(o.Level) },
			cmp: byNum(func(o r) int { return levelRank(o.Level) })},
		{head: tr.T("ord.col.start"), width: 140, text: func(o r) string { return beijing(o.Start) }, cmp: byTime(func(o r) time.Time { return o.Start })},
		{head: tr.T("ord.col.end"), width: 140, text: func(o r) string { return beijing(o.End) }, cmp: byTime(func(o r) time.Time { return o.End })},
		{head: tr.T("ord.col.facility"), width: 90, text: func(o r) string { return od.scope(o.FacilityIDs, o.ExemptIDs) }},
		{head: tr.T("ord.col.phase"), width: 70, text: func(o r) string { return od.phaseOf(o.Start, o.End) }},
		{head: tr.T("ord.col.note"), width: 220, text: func(o r) string { return o.Note }},
	}
}

func (od *ordersScreen) filingColumns() []column[store.Filing] {
	tr := od.s.tr
	type r = store.Filing
	return []column[r]{
		{head: tr.T("ord.col.enterprise"), width: 200, text: func(f r) string { return od.names[f.EnterpriseID] }},
		{head: tr.T("ord.col.filing"), width: 110, text: func(f r) string { return tr.T("filing." + string(f.Kind)) }},
		{head: tr.T("ord.col.start"), width: 140, text: func(f r) string { return beijing(f.Start) }, cmp: byTime(func(f r) time.Time { return f.Start })},
		{head: tr.T("ord.col.end"), width: 140, text: func(f r) string { return beijing(f.End) }, cmp: byTime(func(f r) time.Time { return f.End })},
		{head: tr.T("ord.col.facility"), width: 90, text: func(f r) string { return od.scope(f.FacilityIDs, nil) }},
		{head: tr.T("ord.col.note"), width: 300, text: func(f r) string { return f.Note }},
	}
}

func beijing(t time.Time) string { return t.In(store.Beijing).Format(orderTimeLayout) }

// scope says which facilities an order or filing names: the whole
// enterprise, or how many, with the exempted ones.
func (od *ordersScreen) scope(facilities, exempt []int64) string {
	s := od.s.tr.T("ord.scope.all")
	if len(facilities) > 0 {
		s = od.s.tr.T("ord.scope.some", len(facilities))
	}
	if len(exempt) > 0 {
		s += od.s.tr.T("ord.scope.exempt", len(exempt))
	}
	return strings.TrimSpace(s)
}

func levelRank(l store.Level) int {
	switch l {
	case store.Yellow:
		return 1
	case store.Orange:
		return 2
	case store.Red:
		return 3
	}
	return 0
}
