package alarms

import (
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

func TestTreatmentOff(t *testing.T) {
	one := time.Minute
	tests := []struct {
		name   string
		slot   time.Duration
		kinds  map[int64]store.FacilityKind
		links  []store.Link
		series map[int64][]string
		want   []string
	}{
		{
			name: "14 min off: no alarm", slot: one,
			kinds: map[int64]store.FacilityKind{treatA: store.Treatment}, links: []store.Link{{ProductionID: prodA, TreatmentID: treatA, Role: store.Active}},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 15", "08:10 0", "08:24 15"}},
		},
		{
			name: "15 min off: alarm from the start of the condition", slot: one,
			kinds: map[int64]store.FacilityKind{treatA: store.Treatment}, links: []store.Link{{ProductionID: prodA, TreatmentID: treatA, Role: store.Active}},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 15", "08:10 0", "08:25 15"}},
			want:   []string{"treatment_off 1/2 11-28 08:10–11-28 08:25 minor"},
		},
		{
			name: "production below its shutdown threshold: no alarm", slot: 5 * one,
			kinds: map[int64]store.FacilityKind{treatA: store.Treatment}, links: []store.Link{{ProductionID: prodA, TreatmentID: treatA}},
			series: map[int64][]string{prodA: {"08:00 4"}, treatA: {"08:00 0"}},
		},
		{
			name: "low production (between thresholds) still counts", slot: 5 * one,
			kinds: map[int64]store.FacilityKind{treatA: store.Treatment}, links: []store.Link{{ProductionID: prodA, TreatmentID: treatA}},
			series: map[int64][]string{prodA: {"08:00 10", "09:10 0"}, treatA: {"08:00 0"}},
			want:   []string{"treatment_off 1/2 11-28 08:00–11-28 09:10 major"},
		},
		{
			name: "standby running covers the production", slot: 5 * one,
			kinds:  map[int64]store.FacilityKind{treatA: store.Treatment, treatB: store.Treatment},
			links:  []store.Link{{ProductionID: prodA, TreatmentID: treatA, Role: store.Active}, {ProductionID: prodA, TreatmentID: treatB, Role: store.Standby}},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 0"}, treatB: {"08:00 15", "09:00 0", "09:30 15"}},
			want:   []string{"treatment_off 1/2 11-28 09:00–11-28 09:30 minor"},
		},
		{
			name: "N-of-M: two of three needed", slot: 5 * one,
			kinds: map[int64]store.FacilityKind{treatA: store.Treatment, treatB: store.Treatment, treatC: store.Treatment},
			links: []store.Link{{ProductionID: prodA, TreatmentID: treatA, Group: "fans", Need: 2}, {ProductionID: prodA, TreatmentID: treatB, Group: "fans", Need: 2},
				{ProductionID: prodA, TreatmentID: treatC, Group: "fans", Need: 2}},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 15"}, treatB: {"08:00 15", "09:00 0", "10:00 15"}, treatC: {"08:00 0", "09:20 15"}},
			want:   []string{"treatment_off 1/3 11-28 09:00–11-28 09:20 minor"},
		},
		{
			name: "产治一体 facility without links never raises against itself", slot: 5 * one,
			kinds:  map[int64]store.FacilityKind{integ: store.Integrated},
			series: map[int64][]string{prodA: {"08:00 0"}, integ: {"08:00 50"}},
		},
		{
			name: "产治一体 facility as the treatment of another production counts when running", slot: 5 * one,
			kinds: map[int64]store.FacilityKind{integ: store.Integrated}, links: []store.Link{{ProductionID: prodA, TreatmentID: integ}},
			series: map[int64][]string{prodA: {"08:00 50"}, integ: {"08:00 50", "09:00 3", "09:30 50"}},
			want:   []string{"treatment_off 1/5 11-28 09:00–11-28 09:30 minor"},
		},
		{
			name: "missing treatment data inside the condition is bridged", slot: 5 * one,
			kinds: map[int64]store.FacilityKind{treatA: store.Treatment}, links: []store.Link{{ProductionID: prodA, TreatmentID: treatA}},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 15", "09:00 0", "09:10 -", "09:20 0", "09:30 15"}},
			want:   []string{"treatment_off 1/2 11-28 09:00–11-28 09:30 minor"},
		},
		{
			name: "a gap longer than the bridge splits the condition", slot: 5 * one,
			kinds: map[int64]store.FacilityKind{treatA: store.Treatment}, links: []store.Link{{ProductionID: prodA, TreatmentID: treatA}},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 15", "09:00 0", "09:20 -", "09:40 0", "10:00 15"}},
			want:   []string{"treatment_off 1/2 11-28 09:00–11-28 09:20 minor", "treatment_off 1/2 11-28 09:40–11-28 10:00 minor"},
		},
		{
			name: "values the terminal flags faulty count as missing", slot: 5 * one,
			kinds: map[int64]store.FacilityKind{treatA: store.Treatment}, links: []store.Link{{ProductionID: prodA, TreatmentID: treatA}},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 15", "09:00 0!", "10:00 15"}},
		},
		{
			name: "no production data: nothing judged", slot: 5 * one,
			kinds: map[int64]store.FacilityKind{treatA: store.Treatment}, links: []store.Link{{ProductionID: prodA, TreatmentID: treatA}},
			series: map[int64][]string{treatA: {"08:00 0"}},
		},
		{
			name: "across Beijing midnight it stays one alarm", slot: 5 * one,
			kinds: map[int64]store.FacilityKind{treatA: store.Treatment}, links: []store.Link{{ProductionID: prodA, TreatmentID: treatA}},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 15", "23:50 0", "11-29 00:20 15"}},
			want:   []string{"treatment_off 1/2 11-28 23:50–11-29 00:20 minor"},
		},
		{
			name: "four hours off is severe, still open at the end of data", slot: 5 * one,
			kinds: map[int64]store.FacilityKind{treatA: store.Treatment}, links: []store.Link{{ProductionID: prodA, TreatmentID: treatA}},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 0"}},
			want:   []string{"treatment_off 1/2 11-28 08:00–open severe"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			end := bj("11-29 02:00")
			if strings.HasPrefix(tt.name, "four hours") {
				end = bj("12:00")
			}
			in := Input{From: bj("08:00"), To: end, Facts: district(tt.kinds, tt.links...), Series: map[int64][]store.Sample{},
				Types: only(store.TreatmentOff)}
			for fid, st := range tt.series {
				in.Series[fid+100] = series{step: tt.slot, end: end, steps: st}.samples(fid + 100)
			}
			assertAlarms(t, Evaluate(rulesWithSlot(tt.slot), in), tt.want)
		})
	}
}

func TestShutdownIgnored(t *testing.T) {
	order := func(level store.Level, start, end string, ids ...int64) store.Order {
		return store.Order{ID: 7, EnterpriseID: enterpri, Kind: store.Shutdown, Level: level, Start: bj(start), End: bj(end), FacilityIDs: ids}
	}
	tests := []struct {
		name   string
		order  store.Order
		kinds  map[int64]store.FacilityKind
		series map[int64][]string
		want   []string
	}{
		{"25 min above threshold: no alarm", order(store.Orange, "08:00", "20:00"), nil,
			map[int64][]string{prodA: {"08:00 50", "08:25 0"}}, nil},
		{"30 min above threshold: alarm", order(store.Orange, "08:00", "20:00"), nil,
			map[int64][]string{prodA: {"08:00 50", "08:30 0"}}, []string{"shutdown_ignored 1/0 11-28 08:00–11-28 08:30 minor"}},
		{"red episode: at least major", order(store.Red, "08:00", "20:00", prodA), nil,
			map[int64][]string{prodA: {"08:00 50", "08:30 0"}}, []string{"shutdown_ignored 1/0 11-28 08:00–11-28 08:30 major"}},
		{"order starts while running: the alarm starts with the order", order(store.Orange, "10:00", "20:00"), nil,
			map[int64][]string{prodA: {"08:00 50", "11:10 0"}}, []string{"shutdown_ignored 1/0 11-28 10:00–11-28 11:10 major"}},
		{"order ends while running: the alarm ends with it", order(store.Orange, "08:00", "09:00"), nil,
			map[int64][]string{prodA: {"08:00 50"}}, []string{"shutdown_ignored 1/0 11-28 08:00–11-28 09:00 major"}},
		{"whole-enterprise order never judges the total-supply point (treatment and base load keep it up)", order(store.Orange, "08:00", "20:00"),
			map[int64]store.FacilityKind{totalPt: store.Total},
			map[int64][]string{prodA: {"08:00 0"}, totalPt: {"08:00 50", "09:00 0"}}, nil},
		{"listed order ignores other facilities", order(store.Orange, "08:00", "20:00", totalPt),
			map[int64]store.FacilityKind{totalPt: store.Total},
			map[int64][]string{prodA: {"08:00 50"}, totalPt: {"08:00 0"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kinds := tt.kinds
			if kinds == nil {
				kinds = map[int64]store.FacilityKind{}
			}
			f := district(kinds)
			f.Orders = []store.Order{tt.order}
			end := bj("20:00")
			in := Input{From: bj("08:00"), To: end, Facts: f, Series: map[int64][]store.Sample{}, Types: only(store.ShutdownIgnored)}
			for fid, st := range tt.series {
				in.Series[fid+100] = series{step: 5 * time.Minute, end: end, steps: st}.samples(fid + 100)
			}
			assertAlarms(t, Evaluate(DefaultRules(), in), tt.want)
		})
	}
}

// TestShutdownBoundaryByMinute judges minute data: 29 min above the shutdown
// threshold during an order is no alarm, 30 min is.
func TestShutdownBoundaryByMinute(t *testing.T) {
	for _, tt := range []struct {
		off  string
		want []string
	}{
		{"08:29", nil},
		{"08:30", []string{"shutdown_ignored 1/0 11-28 08:00–11-28 08:30 minor"}},
	} {
		f := district(map[int64]store.FacilityKind{})
		f.Orders = []store.Order{{ID: 7, EnterpriseID: enterpri, Kind: store.Shutdown, Level: store.Yellow, Start: bj("08:00"), End: bj("12:00")}}
		end := bj("12:00")
		in := Input{From: bj("08:00"), To: end, Facts: f, Types: only(store.ShutdownIgnored), Series: map[int64][]store.Sample{
			101: series{step: time.Minute, end: end, steps: []string{"08:00 50", tt.off + " 0"}}.samples(101)}}
		t.Run("off at "+tt.off, func(t *testing.T) {
			assertAlarms(t, Evaluate(rulesWithSlot(time.Minute), in), tt.want)
		})
	}
}

// TestEvaluateEnterprisesInParallel ensures judging several enterprises at
// once (one per core) gives exactly what judging them one by one gives.
func TestEvaluateEnterprisesInParallel(t *testing.T) {
	f := benchDistrict(6)
	from := bj("2026-03-01 00:00")
	buf := map[int64][]store.Sample{}
	benchSeries(&f, []int64{1, 2, 3, 4, 5, 6}, from, 4*288, buf)
	in := Input{From: from, To: from.Add(4 * 24 * time.Hour), Facts: &f, Series: buf}
	all := Evaluate(DefaultRules(), in)
	var one []store.Alarm
	for e := int64(1); e <= 6; e++ {
		in.Enterprises = []int64{e}
		one = append(one, Evaluate(DefaultRules(), in)...)
	}
	sortAlarms(one)
	if len(all) == 0 || !equalAlarms(all, one) {
		t.Errorf("Evaluate(all) = %d alarms, one by one %d; want the same, and some", len(all), len(one))
	}
}
