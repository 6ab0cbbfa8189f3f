package alarms

import (
	"testing"
	"time"

	"powerwatch/store"
)

// feed observes samples slot by slot, each received one minute after its slot
// starts, and returns the last update for the enterprise.
func feed(e *Engine, samples map[int64][]store.Sample, from, to time.Time, slot time.Duration) (last *Update, backfill []store.AlarmScope) {
	for t := from; t.Before(to); t = t.Add(slot) {
		var batch []store.Sample
		for _, ss := range samples {
			for _, s := range ss {
				if s.At.Equal(t) {
					batch = append(batch, s)
				}
			}
		}
		ups, bf := e.Observe(t.Add(time.Minute), batch)
		backfill = append(backfill, bf...)
		for i := range ups {
			last = &ups[i]
		}
	}
	return last, backfill
}

func TestEngineMatchesEvaluate(t *testing.T) {
	facts := district(map[int64]store.FacilityKind{treatA: store.Treatment}, store.Link{ProductionID: prodA, TreatmentID: treatA})
	end := bj("12:00")
	series := map[int64][]store.Sample{
		prodA + 100:  series{step: 5 * time.Minute, end: end, steps: []string{"08:00 50"}}.samples(prodA + 100),
		treatA + 100: series{step: 5 * time.Minute, end: end, steps: []string{"08:00 15", "08:30 0", "09:00 15", "10:00 0"}}.samples(treatA + 100),
	}
	e := NewEngine(DefaultRules(), *facts)
	last, _ := feed(e, series, bj("08:00"), end, 5*time.Minute)
	if last == nil {
		t.Fatal("Observe returned no update for an enterprise with alarms")
	}
	assertAlarms(t, last.Alarms, []string{
		"treatment_off 1/2 11-28 08:30–11-28 09:00 minor",
		"treatment_off 1/2 11-28 10:00–open major",
	})
	want := Evaluate(DefaultRules(), Input{From: last.Scope.From, To: last.Scope.To, Facts: facts, Series: series, Types: ContinuousTypes()})
	assertAlarms(t, last.Alarms, summary2(want))

	t.Run("no new verdict when nothing changed", func(t *testing.T) {
		s := store.NewSample(prodA+100, bj("11:55"))
		s.P, s.U = 50, 380
		ups, _ := e.Observe(bj("11:56"), []store.Sample{s}) // a resend of the last slot
		if len(ups) != 0 {
			t.Errorf("Observe(resend) = %d updates, want none", len(ups))
		}
	})
}

func summary2(as []store.Alarm) []string { return summary(as) }

func TestEngineLateBackfill(t *testing.T) {
	facts := district(map[int64]store.FacilityKind{treatA: store.Treatment}, store.Link{ProductionID: prodA, TreatmentID: treatA})
	end := bj("12:00")
	prod := series{step: 5 * time.Minute, end: end, steps: []string{"08:00 50", "09:00 -", "10:30 50"}}.samples(prodA + 100)
	treat := series{step: 5 * time.Minute, end: end, steps: []string{"08:00 15", "09:00 -", "10:30 15"}}.samples(treatA + 100)
	e := NewEngine(DefaultRules(), *facts)
	last, _ := feed(e, map[int64][]store.Sample{prodA + 100: prod, treatA + 100: treat}, bj("08:00"), end, 5*time.Minute)
	assertAlarms(t, last.Alarms, []string{"offline 0/0 11-28 09:00–11-28 10:30 major"})

	t.Run("the missing data arrives: offline is withdrawn", func(t *testing.T) {
		late := append(series{step: 5 * time.Minute, end: bj("10:30"), steps: []string{"09:00 50"}}.samples(prodA+100),
			series{step: 5 * time.Minute, end: bj("10:30"), steps: []string{"09:00 15"}}.samples(treatA+100)...)
		for i := range late {
			late[i].Flags |= store.FlagBackfill
		}
		ups, bf := e.Observe(bj("12:01"), late)
		if len(bf) != 0 || len(ups) != 1 {
			t.Fatalf("Observe(backfill) = %d updates, %d backfill scopes; want 1, 0", len(ups), len(bf))
		}
		assertAlarms(t, ups[0].Alarms, nil)
		if !ups[0].Scope.Contains(last.Alarms[0]) {
			t.Errorf("scope %+v does not cover the disproved alarm, so the store would not withdraw it", ups[0].Scope)
		}
	})
	t.Run("corrected values disprove a treatment_off alarm", func(t *testing.T) {
		off := series{step: 5 * time.Minute, end: bj("12:30"), steps: []string{"12:00 0"}}.samples(treatA + 100)
		on := series{step: 5 * time.Minute, end: bj("12:30"), steps: []string{"12:00 50"}}.samples(prodA + 100)
		last, _ := feed(e, map[int64][]store.Sample{treatA + 100: off, prodA + 100: on}, bj("12:00"), bj("12:30"), 5*time.Minute)
		assertAlarms(t, last.Alarms, []string{"treatment_off 1/2 11-28 12:00–open minor"})
		fixed := series{step: 5 * time.Minute, end: bj("12:30"), steps: []string{"12:00 15"}}.samples(treatA + 100)
		ups, _ := e.Observe(bj("12:31"), fixed)
		if len(ups) != 1 {
			t.Fatalf("Observe(corrected) = %d updates, want 1", len(ups))
		}
		assertAlarms(t, ups[0].Alarms, nil)
	})
	t.Run("data older than the window is handed back for re-evaluation", func(t *testing.T) {
		old := series{step: 5 * time.Minute, end: bj("02:10"), steps: []string{"02:00 50"}}.samples(prodA + 100)
		_, bf := e.Observe(bj("12:35"), old)
		if len(bf) != 1 || bf[0].EnterpriseID != enterpri || bf[0].From.After(bj("02:00")) {
			t.Fatalf("Observe(old) backfill = %+v; want one scope of enterprise 1 from before 02:00", bf)
		}
	})
}

func TestEngineSweep(t *testing.T) {
	facts := district(map[int64]store.FacilityKind{})
	e := NewEngine(DefaultRules(), *facts)
	s := store.NewSample(prodA+100, bj("08:00"))
	s.P, s.U = 50, 380
	e.Observe(bj("08:01"), []store.Sample{s})
	if ups := e.Sweep(bj("08:30")); len(ups) != 0 {
		t.Fatalf("Sweep(08:30) = %+v, want nothing yet", ups)
	}
	ups := e.Sweep(bj("09:10"))
	if len(ups) != 1 {
		t.Fatalf("Sweep(09:10) = %d updates, want 1", len(ups))
	}
	assertAlarms(t, ups[0].Alarms, []string{"offline 0/0 11-28 08:05–open major"})
}

func TestEngineResume(t *testing.T) {
	facts := district(map[int64]store.FacilityKind{treatA: store.Treatment}, store.Link{ProductionID: prodA, TreatmentID: treatA})
	end := bj("20:00")
	all := map[int64][]store.Sample{
		prodA + 100:  series{step: 5 * time.Minute, end: end, steps: []string{"08:00 50"}}.samples(prodA + 100),
		treatA + 100: series{step: 5 * time.Minute, end: end, steps: []string{"08:00 15", "09:00 0"}}.samples(treatA + 100),
	}
	// A restarted engine told about the alarm open since 09:00 asks for data
	// from before it, and judges the episode from its true start.
	e := NewEngine(DefaultRules(), *facts)
	e.Resume([]store.Alarm{{Type: store.TreatmentOff, Status: store.Open, EnterpriseID: enterpri, Start: bj("09:00")}})
	h := e.Horizon(end)
	if !h.Before(bj("09:00")) || !e.HorizonOf(enterpri, end).Equal(h) {
		t.Fatalf("Horizon = %s, HorizonOf(1) = %s; want the same, before 09:00", h, e.HorizonOf(enterpri, end))
	}
	if other := e.HorizonOf(2, end); !other.After(h) {
		t.Errorf("HorizonOf(2) = %s; an enterprise without open alarms needs only the window", other)
	}
	var batch []store.Sample
	for _, ss := range all {
		for _, s := range ss {
			if !s.At.Before(h) {
				batch = append(batch, s)
			}
		}
	}
	ups, _ := e.Observe(end, batch)
	if len(ups) != 1 {
		t.Fatalf("Observe after Resume = %d updates, want 1", len(ups))
	}
	assertAlarms(t, ups[0].Alarms, []string{"treatment_off 1/2 11-28 09:00–open severe"})
}

func TestEngineClockAhead(t *testing.T) {
	facts := district(map[int64]store.FacilityKind{})
	e := NewEngine(DefaultRules(), *facts)
	var last []Update
	for k := 0; k < 9; k++ {
		now := bj("08:00").Add(time.Duration(k) * 5 * time.Minute)
		s := store.NewSample(prodA+100, now.Add(-time.Minute))
		if k >= 2 && k < 4 {
			s.At = now.Add(10 * time.Minute) // the terminal's clock runs 10 min ahead
		}
		s.P, s.U = 50+0.01*float64(k), 380
		if ups, _ := e.Observe(now, []store.Sample{s}); len(ups) > 0 {
			last = ups
		}
	}
	if len(last) != 1 {
		t.Fatalf("updates = %d, want 1", len(last))
	}
	var drift []store.Alarm
	for _, a := range last[0].Alarms {
		if a.Type == store.ClockDrift {
			drift = append(drift, a)
		}
	}
	assertAlarms(t, drift, []string{"clock_drift 0/0 11-28 08:20–11-28 08:30 minor"})
}
