package alarmview_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"powerwatch/alarms"
	"powerwatch/alarmview"
	"powerwatch/store"
	"powerwatch/ui/chart"
)

// zh is a stand-in for the translations: the message id with its arguments,
// so the tests see which message and values each cell uses.
type zh struct{}

func (zh) T(id string, args ...any) string {
	if len(args) == 0 {
		return id
	}
	return id + fmt.Sprint(args...)
}

func bj(day, hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, store.Beijing)
	if err != nil {
		panic(err)
	}
	return t
}

// cutAlarm judges a 50 % 限产 of 08:00–12:00 with the real rules: a kiln
// (100 kW rated, no threshold of its own) drawing 60 kW against a baseline of
// 4 previous Saturdays, one of them with a filing, at 80 kW.
func cutAlarm(t *testing.T) (store.Alarm, alarmview.View) {
	t.Helper()
	day := "2026-11-28"
	kiln := store.Facility{ID: 1, EnterpriseID: 1, Name: "窑炉", Kind: store.Indirect, RatedKW: 100}
	f := &alarms.Facts{Facilities: []store.Facility{kiln}, Points: []store.Point{{ID: 101, TerminalID: 1, FacilityID: 1, Name: "进线"}},
		Terminals: []store.Terminal{{ID: 1, MN: "T1", EnterpriseID: 1}}}
	o := store.Order{ID: 8, EnterpriseID: 1, Kind: store.Cut, CutPercent: 50, Start: bj(day, "08:00"), End: bj(day, "12:00")}
	f.Orders = []store.Order{o}
	f.Filings = []store.Filing{{ID: 1, EnterpriseID: 1, Start: bj("2026-11-14", "00:00"), End: bj("2026-11-15", "00:00")}}
	series := map[int64][]store.Sample{}
	add := func(from, to time.Time, p float64) {
		for at := from; at.Before(to); at = at.Add(5 * time.Minute) {
			s := store.NewSample(101, at)
			s.P, s.U = p, 380
			series[101] = append(series[101], s)
		}
	}
	for w := 1; w <= 4; w++ {
		d := bj(day, "08:00").AddDate(0, 0, -7*w)
		add(d, d.Add(4*time.Hour), 80)
	}
	add(bj(day, "08:00"), bj(day, "12:00"), 60)
	measure := func(p alarms.Period) (float64, bool) {
		kwh, n := 0.0, 0
		for _, s := range series[101] {
			if !s.At.Before(p.Start) && s.At.Before(p.End) {
				kwh += s.P / 12
				n++
			}
		}
		return kwh, n == int(p.End.Sub(p.Start)/(5*time.Minute))
	}
	rs := alarms.DefaultRules()
	b := alarms.BaselineFor(f, o, rs.CutBaseline, nil, measure)
	in := alarms.Input{From: bj(day, "00:00"), To: bj(day, "23:00"), Facts: f, Series: series, Baselines: []alarms.Baseline{b}}
	var cut store.Alarm
	for _, a := range alarms.Evaluate(rs, in) {
		if a.Type == store.CutIgnored {
			cut = a
		}
	}
	if cut.Type == "" {
		t.Fatalf("the judge raised no cut_ignored: %+v", alarms.Evaluate(rs, in))
	}
	v := alarmview.View{Evidence: store.AlarmEvidence{Alarm: cut, From: bj(day, "06:00"), To: bj(day, "14:00"), Series: series},
		Facilities: map[int64]store.Facility{1: kiln}, Points: f.Points, Params: alarmview.ParseParams(cut.Thresholds)}
	return cut, v
}

// TestParamsMatchJudge reads what the judge records with a 限产未落实: the
// facility's derived threshold, the order, the baseline, its periods used and
// left out, both cumulative curves. A field renamed in alarms fails here.
func TestParamsMatchJudge(t *testing.T) {
	cut, v := cutAlarm(t)
	p := v.Params
	if p.Raw != "" || len(p.Other) > 0 {
		t.Fatalf("params not read as the judge's: raw %q other %v\n%s", p.Raw, p.Other, cut.Thresholds)
	}
	b := p.Baseline
	if p.Order == nil || p.Order.ID != 8 || p.Order.CutPercent != 50 || b == nil {
		t.Fatalf("order %+v baseline %+v", p.Order, b)
	}
	// 3 Saturdays at 80 kW × 4 h = 320 kWh; the filed one is left out
	if math.Abs(b.KWh-320) > 1e-6 || len(b.Used) != 3 || len(b.Skipped) != 1 || !strings.HasSuffix(b.Skipped[0], " filing") {
		t.Errorf("baseline %.1f kWh, used %v, skipped %v", b.KWh, b.Used, b.Skipped)
	}
	if want := []float64{80, 160, 240, 320}; fmt.Sprint(b.BaselineCumulativeKWh) != fmt.Sprint(want) {
		t.Errorf("baseline cumulative = %v, want %v", b.BaselineCumulativeKWh, want)
	}
	if len(b.CumulativeKWh) == 0 || math.Abs(b.AllowanceKWh-176) > 1e-6 {
		t.Errorf("cumulative %v, allowance %v", b.CumulativeKWh, b.AllowanceKWh)
	}
	if len(p.Facilities) == 0 || !p.Facilities[0].Derived || p.Facilities[0].Run != 20 {
		t.Errorf("the kiln's derived threshold is not recorded: %+v", p.Facilities)
	}
}

// TestCutChart draws the scope's and the baseline's cumulative curves and
// the allowance over the 管控时段.
func TestCutChart(t *testing.T) {
	_, v := cutAlarm(t)
	o, ok := alarmview.CutChart(v, zh{})
	if !ok {
		t.Fatal("no cumulative chart for a cut_ignored alarm")
	}
	if len(o.Series) != 2 || o.Series[0].Role != chart.Production || o.Unit != "kWh" {
		t.Fatalf("series %+v unit %s", o.Series, o.Unit)
	}
	base := o.Series[1].Points
	if last := base[len(base)-1]; len(base) != 5 || last.Mean != 320 || !last.At.Equal(bj("2026-11-28", "12:00")) {
		t.Errorf("baseline cumulative points = %+v", base)
	}
	if math.Abs(o.Lines[0].Value-176) > 1e-6 || !strings.HasPrefix(o.Lines[0].Label, "av.cut.allowance176") {
		t.Errorf("allowance line = %+v", o.Lines[0])
	}
	if _, ok := alarmview.CutChart(alarmview.View{}, zh{}); ok {
		t.Error("a cumulative chart for an alarm without a recorded cumulative")
	}
}

// TestRuleRows: the table lists the derived threshold as 推导, the order,
// the baseline periods used and the one left out with its reason.
func TestRuleRows(t *testing.T) {
	_, v := cutAlarm(t)
	var lines []string
	for _, r := range alarmview.RuleRows(v, zh{}) {
		lines = append(lines, strings.Join(r.Cells(), " | "))
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{
		"窑炉 av.role.production | av.p.stop | 5.0 kW | av.src.derived",
		"av.p.order | av.order8av.order.cut50",
		"av.p.used | 2026-11-21 08:00–12:00",
		"av.p.skipped | 2026-11-14 08:00–12:00 av.why.filing",
		"av.p.allowance | 176.0 kWh",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("rule rows lack %q:\n%s", want, text)
		}
	}
}

// TestThresholdsLookup: recorded thresholds first, then the history in
// force at the alarm's start, then the one derived from rated power.
func TestThresholdsLookup(t *testing.T) {
	start := bj("2026-11-28", "10:00")
	facs := map[int64]store.Facility{1: {ID: 1, Name: "A", RatedKW: 100}, 2: {ID: 2, Name: "B", RatedKW: 40}, 3: {ID: 3, Name: "C", RatedKW: 0}}
	v := alarmview.View{
		Evidence:   store.AlarmEvidence{Alarm: store.Alarm{Start: start, ProductionID: 2}},
		Facilities: facs,
		Points:     []store.Point{{ID: 11, FacilityID: 1}, {ID: 12, FacilityID: 2}, {ID: 13, FacilityID: 3}},
		History: map[int64][]store.Threshold{1: {
			{FacilityID: 1, Basis: store.ByPower, Stop: 3, Run: 9, EffectiveFrom: start.Add(-48 * time.Hour)},
			{FacilityID: 1, Basis: store.ByPower, Stop: 4, Run: 12, EffectiveFrom: start.Add(time.Hour)}, // later: not in force
		}},
		Params: alarmview.Params{Facilities: []alarmview.FacilityParam{{ID: 2, Basis: "power", Stop: 1, Run: 7}}},
	}
	got := v.Thresholds()
	want := []string{"1 9 false false", "2 7 false true"}
	var have []string
	for _, th := range got {
		have = append(have, fmt.Sprint(th.FacilityID, th.Run, th.Derived, th.Recorded))
	}
	if fmt.Sprint(have) != fmt.Sprint(want) {
		t.Errorf("thresholds = %v, want %v (C has no rated power: none)", have, want)
	}
	v.Params = alarmview.Params{}
	if th := v.Thresholds(); len(th) != 2 || !th[1].Derived || th[1].Run != 8 {
		t.Errorf("B without a record: %+v, want derived 20 %% of 40 kW", th)
	}
}

// TestChartKeys: the alarm chart keys each curve by its facility and names
// every facility of the enterprise in Keys, so a facility's colour does not
// depend on which points the evidence holds (chart.TestSeriesColoursKeys).
func TestChartKeys(t *testing.T) {
	_, v := cutAlarm(t)
	v.Facilities[9] = store.Facility{ID: 9, EnterpriseID: 1, Name: "除尘", Kind: store.Treatment}
	v.Facilities[4] = store.Facility{ID: 4, EnterpriseID: 1, Name: "破碎", Kind: store.Production}
	o := alarmview.Chart(v, zh{})
	if len(o.Series) != 1 || o.Series[0].Key != 1 {
		t.Fatalf("series %+v: want the kiln's point keyed by facility 1", o.Series)
	}
	want := []chart.SeriesKey{{Key: 1, Role: chart.RoleOf(store.Indirect)}, {Key: 4, Role: chart.Production}, {Key: 9, Role: chart.Treatment}}
	if fmt.Sprint(o.Keys) != fmt.Sprint(want) {
		t.Errorf("keys %v, want %v", o.Keys, want)
	}
}
