package judge

import (
	"testing"
	"time"

	"powerwatch/alarms"
	"powerwatch/app/internal/fixture"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

func TestAlarmEngineWiring(t *testing.T) {
	path := fixture.AlarmDB(t)
	ctx := t.Context()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 28, 10, 1, 0, 0, store.Beijing)
	e, ups, err := StartEngine(ctx, db, now)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := SaveUpdates(ctx, db, ups)
	if err != nil || len(changed) != 1 || changed[0].Type != store.TreatmentOff || changed[0].Status != store.Ended {
		t.Fatalf("primed engine saved %+v, %v; want the ended treatment_off alarm", changed, err)
	}
	// The terminal stays silent: after an hour the sweep raises offline.
	changed, err = SaveUpdates(ctx, db, e.Sweep(now.Add(70*time.Minute)))
	if err != nil || len(changed) != 1 || changed[0].Type != store.Offline || changed[0].Status != store.Open {
		t.Fatalf("sweep saved %+v, %v; want an open offline alarm", changed, err)
	}
	if err := Reevaluate(ctx, db, []store.AlarmScope{{EnterpriseID: 1, From: now.Add(-3 * time.Hour), To: now}}); err != nil {
		t.Fatal(err)
	}
	all, _ := db.FindAlarms(ctx, store.AlarmFilter{})
	if len(all) != 2 {
		t.Errorf("alarms after re-evaluating the morning = %d, want the same 2", len(all))
	}
}

func TestReplayStored(t *testing.T) {
	path := fixture.AlarmDB(t)
	ctx := t.Context()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	from := time.Date(2026, 11, 28, 8, 0, 0, 0, store.Beijing)
	if _, err := EvaluateStored(ctx, db, from, from.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReviewAlarm(ctx, 1, store.Confirmed, "现场核实", "officer1"); err != nil {
		t.Fatal(err)
	}
	rs := alarms.DefaultRules()
	rs.Version, rs.TreatmentOffMin = 2, 40*time.Minute
	rep, err := Replay(ctx, db, rs, from, from.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Alarms) != 0 || len(rep.Missed) != 1 || rep.Missed[0].ID != 1 {
		t.Errorf("replay with 40 min: %d alarms, missed %+v; want none raised and alarm 1 missed", len(rep.Alarms), rep.Missed)
	}
}
