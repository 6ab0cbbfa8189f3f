package alarms

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

func TestCutIgnored(t *testing.T) {
	order := store.Order{ID: 8, EnterpriseID: enterpri, Kind: store.Cut, CutPercent: 50, Level: store.Orange, Start: bj("08:00"), End: bj("20:00")}
	weekdays := []Baseline{{OrderID: 8, Method: store.BaselineWeekdays, Note: "4 weeks",
		Periods: []PeriodBaseline{{Period: Period{bj("08:00"), bj("20:00")}, KWh: 600, Used: []Period{{bj("11-21 08:00"), bj("11-21 20:00")}}}}}}
	rated := DefaultRules()
	rated.CutBaseline = store.BaselineRated
	tests := []struct {
		name      string
		rs        store.RuleSet
		baselines []Baseline
		steps     []string
		want      []string
	}{
		// allowance 600 × 0.5 × 1.1 = 330 kWh: 50 kW passes it after 6 h 36 min
		{"no cut at all: alarm from the moment the cumulative passes the allowance", DefaultRules(), weekdays, []string{"08:00 50"},
			[]string{"cut_ignored 1/0 11-28 14:35–11-28 20:00 severe"}},
		{"cut by half: no alarm", DefaultRules(), weekdays, []string{"08:00 25"}, nil},
		{"ran at full power for two hours, then stopped: within the period's allowance", DefaultRules(), weekdays,
			[]string{"08:00 50", "10:00 0"}, nil},
		{"no baseline: order_unjudged from the start", DefaultRules(), nil, []string{"08:00 50"},
			[]string{"order_unjudged 0/0 11-28 08:00–11-28 20:00 severe"}},
		// rated: 60 % × 100 kW × 12 h = 720 kWh; allowance 720 × 0.5 × 1.1 = 396 kWh = 33 kW × 12 h
		{"rated baseline, within the margin", rated, nil, []string{"08:00 32"}, nil},
		{"rated baseline, above the margin", rated, nil, []string{"08:00 34"}, []string{"cut_ignored 1/0 11-28 19:35–11-28 20:00 minor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := district(map[int64]store.FacilityKind{})
			f.Orders = []store.Order{order}
			in := Input{From: bj("08:00"), To: bj("22:00"), Facts: f, Baselines: tt.baselines, Types: only(store.CutIgnored, store.OrderUnjudged),
				Series: map[int64][]store.Sample{101: series{step: 5 * time.Minute, end: bj("22:00"), steps: tt.steps}.samples(101)}}
			got := Evaluate(tt.rs, in)
			assertAlarms(t, got, tt.want)
			if len(got) == 1 && got[0].Type == store.CutIgnored && !strings.Contains(got[0].Thresholds, `"method":"`+string(tt.rs.CutBaseline)+`"`) {
				t.Errorf("evidence %s does not show the baseline method", got[0].Thresholds)
			}
		})
	}
}

func TestBaselinePeriods(t *testing.T) {
	ps := BaselinePeriods(store.BaselineWeekdays, bj("08:00"), bj("20:00"))
	if len(ps) != 4 || !ps[0].Start.Equal(bj("11-21 08:00")) || !ps[3].End.Equal(bj("10-31 20:00")) {
		t.Errorf("weekdays periods = %v", ps)
	}
	ly := BaselinePeriods(store.BaselineLastYear, bj("08:00"), bj("20:00"))
	if len(ly) != 1 || ly[0].Start.Format("2006-01-02 15:04") != "2025-11-28 08:00" {
		t.Errorf("last-year period = %v", ly)
	}
	if BaselinePeriods(store.BaselineRated, bj("08:00"), bj("20:00")) != nil {
		t.Error("rated baseline needs no periods")
	}
}

func TestFilingAnnotates(t *testing.T) {
	f := district(map[int64]store.FacilityKind{treatA: store.Treatment}, store.Link{ProductionID: prodA, TreatmentID: treatA})
	f.Filings = []store.Filing{
		{ID: 9, EnterpriseID: enterpri, FacilityIDs: []int64{treatA}, Kind: store.Renovation, Start: bj("08:45"), End: bj("12:00")},
		{ID: 10, EnterpriseID: 2, Kind: store.PowerCut, Start: bj("08:00"), End: bj("12:00")}, // another enterprise
	}
	end := bj("12:00")
	in := Input{From: bj("08:00"), To: end, Facts: f, Types: only(store.TreatmentOff), Series: map[int64][]store.Sample{
		101: series{step: 5 * time.Minute, end: end, steps: []string{"08:00 50"}}.samples(101),
		102: series{step: 5 * time.Minute, end: end, steps: []string{"08:00 15", "08:30 0", "09:30 15"}}.samples(102),
	}}
	got := Evaluate(DefaultRules(), in)
	assertAlarms(t, got, []string{"treatment_off 1/2 11-28 08:30–11-28 09:30 major"})
	if len(got) == 1 && (got[0].FilingID != 9 || !strings.Contains(got[0].Detail, "covered by filing #9 / 已报备 #9")) {
		t.Errorf("alarm = %+v; want it annotated with filing #9 and its grade kept", got[0])
	}
}

func TestThresholdHistoryAndPersistence(t *testing.T) {
	t.Run("the threshold in force at each slot, and in the evidence", func(t *testing.T) {
		f := district(map[int64]store.FacilityKind{treatA: store.Treatment}, store.Link{ProductionID: prodA, TreatmentID: treatA})
		f.Thresholds = append(f.Thresholds, store.Threshold{FacilityID: treatA, Basis: store.ByPower, Stop: 2, Run: 20, EffectiveFrom: bj("10:00")})
		end := bj("12:00")
		in := Input{From: bj("08:00"), To: end, Facts: f, Types: only(store.TreatmentOff), Series: map[int64][]store.Sample{
			101: series{step: 5 * time.Minute, end: end, steps: []string{"08:00 50", "11:00 0"}}.samples(101),
			102: series{step: 5 * time.Minute, end: end, steps: []string{"08:00 15"}}.samples(102),
		}}
		got := Evaluate(DefaultRules(), in)
		assertAlarms(t, got, []string{"treatment_off 1/2 11-28 10:00–11-28 11:00 major"})
		var ev evidence
		if len(got) == 1 {
			if err := json.Unmarshal([]byte(got[0].Thresholds), &ev); err != nil {
				t.Fatal(err)
			}
		}
		if len(ev.Facilities) != 2 || ev.Facilities[1].Run != 20 || ev.Facilities[1].EffectiveFrom != "2026-11-28T10:00:00+08:00" ||
			ev.RuleVersion != 1 || ev.MinMinutes != 15 || ev.Facilities[1].State != "low" {
			t.Errorf("evidence = %+v; want the 10:00 threshold (run 20), rule v1, 15 min", ev)
		}
	})
	t.Run("a dip shorter than the minimum persistence does not change the state", func(t *testing.T) {
		f := district(map[int64]store.FacilityKind{treatA: store.Treatment}, store.Link{ProductionID: prodA, TreatmentID: treatA})
		f.Thresholds[1].MinPersist = 30 * time.Minute
		end := bj("12:00")
		in := Input{From: bj("08:00"), To: end, Facts: f, Types: only(store.TreatmentOff), Series: map[int64][]store.Sample{
			101: series{step: 5 * time.Minute, end: end, steps: []string{"08:00 50"}}.samples(101),
			102: series{step: 5 * time.Minute, end: end, steps: []string{"08:00 15", "09:00 0", "09:20 15", "10:00 0", "10:40 15"}}.samples(102),
		}}
		assertAlarms(t, Evaluate(DefaultRules(), in), []string{"treatment_off 1/2 11-28 10:00–11-28 10:40 minor"})
	})
	t.Run("no threshold: derived from rated power (5 % / 20 %)", func(t *testing.T) {
		f := district(map[int64]store.FacilityKind{treatA: store.Treatment}, store.Link{ProductionID: prodA, TreatmentID: treatA})
		f.Thresholds = nil // rated 100 kW: stop 5, run 20
		end := bj("12:00")
		in := Input{From: bj("08:00"), To: end, Facts: f, Types: only(store.TreatmentOff), Series: map[int64][]store.Sample{
			101: series{step: 5 * time.Minute, end: end, steps: []string{"08:00 6", "09:00 4"}}.samples(101),
			102: series{step: 5 * time.Minute, end: end, steps: []string{"08:00 15"}}.samples(102),
		}}
		got := Evaluate(DefaultRules(), in)
		assertAlarms(t, got, []string{"treatment_off 1/2 11-28 08:00–11-28 09:00 major"})
		if len(got) == 1 && !strings.Contains(got[0].Thresholds, `"derived":true`) {
			t.Errorf("evidence %s does not say the thresholds were derived", got[0].Thresholds)
		}
	})
}

func TestGradeFor(t *testing.T) {
	rs := DefaultRules()
	tests := []struct {
		typ   store.AlarmType
		d     time.Duration
		level store.Level
		want  store.Grade
	}{
		{store.TreatmentOff, 59 * time.Minute, "", store.Minor},
		{store.TreatmentOff, time.Hour, "", store.Major},
		{store.TreatmentOff, 4*time.Hour - time.Minute, "", store.Major},
		{store.TreatmentOff, 4 * time.Hour, "", store.Severe},
		{store.ShutdownIgnored, 30 * time.Minute, store.Red, store.Major},
		{store.ShutdownIgnored, 30 * time.Minute, store.Orange, store.Minor},
		{store.ShutdownIgnored, 5 * time.Hour, store.Red, store.Severe},
		{store.CutIgnored, 30 * time.Minute, store.Red, store.Minor},
	}
	for _, tt := range tests {
		if got := GradeFor(rs, tt.typ, tt.d, tt.level); got != tt.want {
			t.Errorf("GradeFor(%s, %s, %q) = %s, want %s", tt.typ, tt.d, tt.level, got, tt.want)
		}
	}
}

func TestReplay(t *testing.T) {
	f := district(map[int64]store.FacilityKind{treatA: store.Treatment}, store.Link{ProductionID: prodA, TreatmentID: treatA})
	end := bj("12:00")
	in := Input{From: bj("08:00"), To: end, Facts: f, Types: only(store.TreatmentOff), Series: map[int64][]store.Sample{
		101: series{step: 5 * time.Minute, end: end, steps: []string{"08:00 50"}}.samples(101),
		102: series{step: 5 * time.Minute, end: end, steps: []string{"08:00 15", "08:30 0", "09:00 15", "10:00 0", "10:20 15"}}.samples(102),
	}}
	stored := Evaluate(DefaultRules(), in)
	if len(stored) != 2 {
		t.Fatalf("setup: %d alarms, want 2", len(stored))
	}
	stored[0].ID, stored[0].Disposition = 1, store.Confirmed
	stored[1].ID, stored[1].Disposition = 2, store.FalseThreshold

	tests := []struct {
		name                   string
		min                    time.Duration
		raised, falses, missed int
	}{
		{"same rules: raises both, one was marked false", 15 * time.Minute, 2, 1, 0},
		{"25 min: the false alarm goes, the confirmed stays", 25 * time.Minute, 1, 0, 0},
		{"40 min: the confirmed one would be missed", 40 * time.Minute, 0, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := DefaultRules()
			rs.Version, rs.TreatmentOffMin = 2, tt.min
			r := Replay(rs, in, stored)
			if len(r.Alarms) != tt.raised || len(r.MarkedFalse) != tt.falses || len(r.Missed) != tt.missed {
				t.Errorf("Replay = raised %d, marked false %d, missed %d; want %d, %d, %d",
					len(r.Alarms), len(r.MarkedFalse), len(r.Missed), tt.raised, tt.falses, tt.missed)
			}
			if tt.missed == 1 && r.Missed[0].ID != 1 {
				t.Errorf("missed %+v, want alarm 1", r.Missed[0])
			}
		})
	}
}
