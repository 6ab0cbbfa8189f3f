package judge

import (
	"strings"
	"testing"
	"time"

	"powerwatch/alarms"
	"powerwatch/app/internal/fixture"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestSilencesOnSeveralDaysFromStore: the third night in a week on which the
// treatment's data went missing while production ran is treatment_cut, when
// the first two nights' alarms were stored by an earlier evaluation (alarms
// evaluate day by day) and when a service starts on the third night (the
// engine recalls them from the store) — the same verdict as one evaluation
// over the three days (scenario s81).
func TestSilencesOnSeveralDaysFromStore(t *testing.T) {
	ctx := t.Context()
	db, prod, treat := alarmFixture(t)
	day1 := time.Date(2026, 11, 10, 0, 0, 0, 0, store.Beijing)
	var ss []store.Sample
	for at := day1; at.Before(day1.AddDate(0, 0, 3)); at = at.Add(5 * time.Minute) {
		p := store.NewSample(prod, at)
		p.P, p.U = 50, 380
		ss = append(ss, p)
		if h := at.Sub(store.Day.Start(at)); h >= 22*time.Hour && h < 23*time.Hour+30*time.Minute {
			continue // silent 22:00–23:30 every night
		}
		q := store.NewSample(treat, at)
		q.P, q.U = 30, 380
		ss = append(ss, q)
	}
	if _, err := db.Ingest(ctx, &store.Batch{Samples: ss}); err != nil {
		t.Fatal(err)
	}
	silences := func(from time.Time) []store.Alarm {
		t.Helper()
		as, err := db.FindAlarms(ctx, store.AlarmFilter{From: from, To: day1.AddDate(0, 0, 3),
			Types: alarms.PriorTypes(), Statuses: []store.AlarmStatus{store.Open, store.Ended}})
		if err != nil {
			t.Fatal(err)
		}
		return as
	}
	for d := range 2 {
		if _, err := EvaluateStored(ctx, db, day1.AddDate(0, 0, d), day1.AddDate(0, 0, d+1)); err != nil {
			t.Fatal(err)
		}
	}
	if got := silences(day1); len(got) != 2 || got[0].Type != store.TreatmentUnknown || got[1].Type != store.TreatmentUnknown {
		t.Fatalf("after two nights: %+v, want two treatment_unknown", got)
	}
	day3 := day1.AddDate(0, 0, 2)
	check := func(how string) {
		t.Helper()
		got := silences(day3)
		if len(got) != 1 || got[0].Type != store.TreatmentCut || !got[0].Start.Equal(day3.Add(22*time.Hour)) ||
			!strings.Contains(got[0].Thresholds, `"silent_days":3`) {
			t.Errorf("%s: third night %+v, want treatment_cut from 22:00 with silent_days 3", how, got)
		}
	}
	if _, err := EvaluateStored(ctx, db, day3, day3.AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	check("evaluated day by day")

	// A service started on the third night: the night's alarm withdrawn
	// first, so that only the engine's verdict can bring it back.
	if _, err := db.SQL().ExecContext(ctx, `DELETE FROM alarms WHERE start_at >= ?`, day3.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	_, ups, err := StartEngine(ctx, db, day3.Add(23*time.Hour+55*time.Minute), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SaveUpdates(ctx, db, ups); err != nil {
		t.Fatal(err)
	}
	check("judged by an engine started that night")
}

// alarmFixture opens the fixture database of one production and one
// treatment facility and returns it with their points.
func alarmFixture(t *testing.T) (db *sqlite.DB, prod, treat int64) {
	t.Helper()
	db, err := sqlite.Open(t.Context(), fixture.AlarmDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg, err := db.LoadRegistry(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range reg.Points {
		if f, _ := reg.Facility(p.FacilityID); f.Kind == store.Production {
			prod = p.ID
		} else {
			treat = p.ID
		}
	}
	return db, prod, treat
}
