package ui

import (
	"time"

	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// Probe drives the shell as the officer's clicks do, for `powerwatch bench
// ui` (app/benchui) and its test: each method makes one interaction through
// the same widget call a click makes (a Select picked, a check box ticked, a
// button tapped) and returns once the event has run; Shell.Wait then returns
// when the screen has applied what the interaction loaded. Call its methods on
// the UI goroutine (under Fyne's test driver: the caller's), one at a time.
// The getters after an interaction say what the screen shows, so a harness can
// tell a filled screen from an empty one.
type Probe struct{ s *Shell }

// Probe returns the shell's probe.
func (s *Shell) Probe() Probe { return Probe{s} }

// Show selects view v (a click on its navigation entry) and reloads it.
func (p Probe) Show(v View) { p.s.Show(v) }

// TakeError returns the last error a screen showed since the previous call
// (empty when none) and forgets it.
func (p Probe) TakeError() string {
	e := p.s.lastErr
	p.s.lastErr = ""
	return e
}

// CurveEnterprises is the number of enterprises the 曲线 picker lists.
func (p Probe) CurveEnterprises() int { return len(p.s.curve.ents) }

// CurveEnterprise picks enterprise i in 曲线's picker, once the picker's
// list has loaded (a bench run with --only starts on an unopened view).
func (p Probe) CurveEnterprise(i int) {
	if len(p.s.curve.ents) == 0 {
		p.s.Wait()
	}
	if i < len(p.s.curve.ents) {
		p.s.curve.entSel.SetSelectedID(p.s.curve.ents[i].ID)
	}
}

// CurveRange picks a range of 曲线: "curve.24h", "curve.7d", "curve.year"
// (the ids of curveRanges). Picking the range already chosen redraws, as
// 应用 does.
func (p Probe) CurveRange(id string) {
	c := p.s.curve
	for i, r := range curveRanges {
		if r != id {
			continue
		}
		if c.rangeSel.SelectedIndex() == i {
			c.onRange()
			return
		}
		c.rangeSel.SetSelectedIndex(i)
		return
	}
}

// CurveFacilities is the number of facilities 曲线 offers to tick.
func (p Probe) CurveFacilities() int { return len(p.s.curve.facCheck.Options) }

// CurveToggleFacility ticks or unticks facility i of 曲线.
func (p Probe) CurveToggleFacility(i int) {
	cg := p.s.curve.facCheck
	if i < 0 || i >= len(cg.Options) {
		return
	}
	opt := cg.Options[i]
	var sel []string
	found := false
	for _, s := range cg.Selected {
		if s == opt {
			found = true
			continue
		}
		sel = append(sel, s)
	}
	if !found {
		sel = append(sel, opt)
	}
	cg.SetSelected(sel) // fires OnChanged, as a click does
}

// CurveSeries is the number of series of the chart 曲线 shows (0 before one is drawn).
func (p Probe) CurveSeries() int {
	if p.s.curve.last.img == nil {
		return 0
	}
	return len(p.s.curve.last.series)
}

// Alarms is the number of alarms the 报警 queue lists.
func (p Probe) Alarms() int { return len(p.s.alarms.rows) }

// OpenAlarm selects row i of the 报警 queue: the alarm under review and its chart.
func (p Probe) OpenAlarm(i int) {
	as := p.s.alarms
	if as.cur == i { // selecting the open row again does nothing: open another first
		as.cur = -1
	}
	as.table.Select(widget.TableCellID{Row: i})
}

// AlarmChart reports whether the alarm under review shows its chart.
func (p Probe) AlarmChart() bool { return p.s.alarms.detail.chart.img.Image != nil }

// Statistics picks grouping by and period in 统计 and taps 查询 over the
// screen's range (by default the year so far); the rows carry 同比 and 环比.
func (p Probe) Statistics(by store.StatsBy, period store.Period) {
	st := p.statistics()
	for i, b := range statsBy {
		if b == by {
			st.by.SetSelectedIndex(i)
		}
	}
	for i, x := range statsPeriods {
		if x == period {
			st.period.SetSelectedIndex(i)
		}
	}
	st.tabs.SelectIndex(0)
	st.refresh()
}

// StatisticsRange sets 统计's from and to days (Beijing, both included).
func (p Probe) StatisticsRange(from, to time.Time) {
	st := p.statistics()
	st.from.SetText(from.In(store.Beijing).Format("2006-01-02"))
	st.to.SetText(to.In(store.Beijing).Format("2006-01-02"))
}

// StatRows is the number of rows 统计's table shows.
func (p Probe) StatRows() int { return len(p.statistics().shown) }

// DayNight opens 统计's 昼夜对比 tab (loading it), or reloads it when shown.
func (p Probe) DayNight() {
	st := p.statistics()
	if st.tabs.SelectedIndex() == 1 {
		st.refresh()
		return
	}
	st.tabs.SelectIndex(1)
}

// ExportStatistics writes 统计's spreadsheet to path, as its 导出 button
// does after the file dialog.
func (p Probe) ExportStatistics(path string) error { return p.statistics().exportXLSX(path) }

// DayNightRows is the number of rows of 昼夜对比.
func (p Probe) DayNightRows() int { return len(p.statistics().dnShown) }

func (p Probe) statistics() *statisticsScreen { return p.s.screens[ViewStatistics].(*statisticsScreen) }

func (p Probe) orders() *ordersScreen { return p.s.screens[ViewOrders].(*ordersScreen) }

// Episodes is the number of episodes 管控 lists.
func (p Probe) Episodes() int { return len(p.orders().episodes) }

// OpenEpisode selects episode i of 管控: its live board or reduction report.
func (p Probe) OpenEpisode(i int) {
	od := p.orders()
	od.list.Unselect(i) // selecting the selected row again does nothing
	od.list.Select(i)
}

// BoardRows is the number of facility rows of the episode board.
func (p Probe) BoardRows() int { return len(p.orders().report.Facilities) }

func (p Probe) replay() *replayPanel { return p.s.screens[ViewSettings].(*settingsScreen).replay }

// WhatIf sets the 规则试算 period to [from, to] (days, both included) and
// taps 试算 with the current parameters.
func (p Probe) WhatIf(from, to time.Time) {
	rp := p.replay()
	rp.from.SetText(from.In(store.Beijing).Format("2006-01-02"))
	rp.to.SetText(to.In(store.Beijing).Format("2006-01-02"))
	rp.onRun()
}

// WhatIfResult is the text of the last what-if's result.
func (p Probe) WhatIfResult() string { return p.replay().result.Text }

// LongestUIWork is the longest single piece of work a load applied on the UI
// goroutine since the previous call (under Fyne's test driver, where Wait
// runs them): how long the window could not answer while data arrived.
func (p Probe) LongestUIWork() time.Duration {
	d := p.s.longestApply
	p.s.longestApply = 0
	return d
}
