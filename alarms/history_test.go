package alarms

import (
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

// TestHistory: violation rules apply from a facility's 投运/验收日期 (else its
// points' installation date), and what a recorded on/off test raises is
// marked 试验 instead of queued; device alarms are not affected.
func TestHistory(t *testing.T) {
	five := 5 * time.Minute
	link := store.Link{ProductionID: prodA, TreatmentID: treatA, Role: store.Active}
	tests := []struct {
		name         string
		commissioned map[int64]string // facility → CommissionedAt
		installed    map[int64]string // facility → its point's InstalledAt
		tests        []TestWindow
		series       map[int64][]string
		want         []string
		wantTrial    []bool
	}{
		{
			name:   "no dates: judged whenever there is data",
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 0", "09:00 15"}},
			want:   []string{"treatment_off 1/2 11-28 08:00–11-28 09:00 major"}, wantTrial: []bool{false},
		},
		{
			name:      "treatment installed at 08:50: judged from then, 10 min is too short",
			installed: map[int64]string{prodA: "07:00", treatA: "08:50"},
			series:    map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 0", "09:00 15"}},
		},
		{
			name:      "installed at 08:45: the 15 min from then are an alarm starting then",
			installed: map[int64]string{treatA: "08:45"},
			series:    map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 0", "09:00 15"}},
			want:      []string{"treatment_off 1/2 11-28 08:45–11-28 09:00 minor"}, wantTrial: []bool{false},
		},
		{
			name:         "commissioning date wins over the installation date",
			installed:    map[int64]string{prodA: "07:00", treatA: "07:00"},
			commissioned: map[int64]string{prodA: "08:40"},
			series:       map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 0", "09:00 15"}},
			want:         []string{"treatment_off 1/2 11-28 08:40–11-28 09:00 minor"}, wantTrial: []bool{false},
		},
		{
			name:      "commissioned after the episode: silent",
			installed: map[int64]string{prodA: "07:00", treatA: "07:00"}, commissioned: map[int64]string{treatA: "09:00"},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 0", "09:00 15"}},
		},
		{
			name:   "off/on test of the treatment unit: marked 试验",
			tests:  []TestWindow{{RecordID: 7, EnterpriseID: enterpri, FacilityIDs: []int64{treatA}, From: bj("08:00"), To: bj("09:00")}},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 15", "08:20 0", "08:50 15"}},
			want:   []string{"treatment_off 1/2 11-28 08:20–11-28 08:50 minor"}, wantTrial: []bool{true},
		},
		{
			name:   "a test of another enterprise's facility changes nothing",
			tests:  []TestWindow{{RecordID: 7, EnterpriseID: 99, From: bj("08:00"), To: bj("09:00")}},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 15", "08:20 0", "08:50 15"}},
			want:   []string{"treatment_off 1/2 11-28 08:20–11-28 08:50 minor"}, wantTrial: []bool{false},
		},
		{
			name:   "off long after the test ended: a violation, not 试验",
			tests:  []TestWindow{{RecordID: 7, EnterpriseID: enterpri, From: bj("08:00"), To: bj("08:30")}},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 15", "08:10 0", "08:20 15", "09:00 0", "10:00 15"}},
			want:   []string{"treatment_off 1/2 11-28 09:00–11-28 10:00 major"}, wantTrial: []bool{false},
		},
		{
			name:   "left off after the test: judged from the test's end, and still a violation",
			tests:  []TestWindow{{RecordID: 7, EnterpriseID: enterpri, From: bj("08:00"), To: bj("08:30")}},
			series: map[int64][]string{prodA: {"08:00 50"}, treatA: {"08:00 15", "08:10 0", "09:30 15"}},
			want:   []string{"treatment_off 1/2 11-28 08:30–11-28 09:30 major"}, wantTrial: []bool{false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			facts := district(map[int64]store.FacilityKind{treatA: store.Treatment}, link)
			for i := range facts.Facilities {
				if s, ok := tt.commissioned[facts.Facilities[i].ID]; ok {
					facts.Facilities[i].CommissionedAt = bj(s)
				}
			}
			for i := range facts.Points {
				if s, ok := tt.installed[facts.Points[i].FacilityID]; ok {
					facts.Points[i].InstalledAt = bj(s)
				}
			}
			facts.TestWindows = tt.tests
			end := bj("12:00")
			in := Input{From: bj("08:00"), To: end, Facts: facts, Series: map[int64][]store.Sample{},
				Types: only(store.TreatmentOff, store.ShutdownIgnored)}
			for fid, steps := range tt.series {
				in.Series[fid+100] = series{step: five, end: end, steps: steps}.samples(fid + 100)
			}
			got := Evaluate(DefaultRules(), in)
			assertAlarms(t, got, tt.want)
			for i, a := range got {
				if i < len(tt.wantTrial) && a.Trial != tt.wantTrial[i] {
					t.Errorf("alarm %d Trial = %v, want %v (%s)", i, a.Trial, tt.wantTrial[i], a.Detail)
				}
				if a.Trial && !strings.Contains(a.Detail, "试验") {
					t.Errorf("trial alarm's detail %q does not say 试验", a.Detail)
				}
			}

			// The live engine agrees with Evaluate.
			e := NewEngine(DefaultRules(), *facts)
			last, _ := feed(e, in.Series, bj("08:00"), end, five)
			var live []store.Alarm
			if last != nil {
				for _, a := range last.Alarms {
					if a.Type == store.TreatmentOff {
						live = append(live, a)
					}
				}
			}
			assertAlarms(t, live, tt.want)
		})
	}
}

// TestHistoryOrderBeforeService: a 停产 order running while the facility was
// not yet in service raises nothing for that time.
func TestHistoryOrderBeforeService(t *testing.T) {
	facts := district(map[int64]store.FacilityKind{})
	facts.Orders = []store.Order{{ID: 1, EnterpriseID: enterpri, Kind: store.Shutdown, Start: bj("08:00"), End: bj("12:00")}}
	end := bj("12:00")
	in := Input{From: bj("08:00"), To: end, Facts: facts, Types: only(store.ShutdownIgnored),
		Series: map[int64][]store.Sample{prodA + 100: series{step: 5 * time.Minute, end: end, steps: []string{"08:00 50", "10:00 0"}}.samples(prodA + 100)}}
	if got := Evaluate(DefaultRules(), in); len(got) != 1 {
		t.Fatalf("without dates: %q, want one shutdown_ignored", summary(got))
	}
	facts.Facilities[0].CommissionedAt = bj("09:45")
	assertAlarms(t, Evaluate(DefaultRules(), in), nil)
	facts.Facilities[0].CommissionedAt = bj("09:00")
	assertAlarms(t, Evaluate(DefaultRules(), in), []string{"shutdown_ignored 1/0 11-28 09:00–11-28 10:00 major"})
}
