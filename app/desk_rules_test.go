package main

import (
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestRuleDeskReplay replays the stored day with the current rules (the same
// alarm as stored) and with a 2-hour minimum for treatment_off (it is gone,
// and the reviewer's verdict on it shows as dropped).
func TestRuleDeskReplay(t *testing.T) {
	path := fixture.AlarmDB(t)
	if code, out, errOut := runCLI(t, "alarms", "evaluate", "--db", path, "--from", "2026-11-28", "--to", "2026-11-29"); code != 0 {
		t.Fatalf("alarms evaluate = %d, %q %q", code, out, errOut)
	}
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	from := time.Date(2026, 11, 28, 0, 0, 0, 0, store.Beijing)
	to := from.AddDate(0, 0, 1)
	as, err := db.FindAlarms(t.Context(), store.AlarmFilter{From: from, To: to, Types: []store.AlarmType{store.TreatmentOff}})
	if err != nil || len(as) != 1 {
		t.Fatalf("stored treatment_off alarms: %d, %v", len(as), err)
	}
	if _, err := db.ReviewAlarm(t.Context(), as[0].ID, store.Confirmed, "", "officer"); err != nil {
		t.Fatal(err)
	}
	d := ruleDesk{db: db}
	rs, err := d.CurrentRuleSet(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	same, err := d.ReplayRules(t.Context(), rs, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if same.Stored[store.TreatmentOff] != 1 || same.Raised[store.TreatmentOff] != 1 || same.Kept != 1 || same.Missed != 0 {
		t.Errorf("replay with the current rules = %+v; want the stored alarm raised again and kept", same)
	}
	rs.TreatmentOffMin = 2 * time.Hour
	longer, err := d.ReplayRules(t.Context(), rs, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if longer.Raised[store.TreatmentOff] != 0 || longer.Missed != 1 || longer.Dropped[store.Confirmed] != 1 {
		t.Errorf("replay with a 2 h minimum = %+v; want no treatment_off and the confirmed one missed", longer)
	}
	rs.Slot = 0
	if _, err := d.ReplayRules(t.Context(), rs, from, to); err == nil {
		t.Error("an invalid rule set was replayed")
	}
	rs.Slot = 5 * time.Minute
	if err := d.SaveRuleSet(t.Context(), "officer", &rs); err != nil {
		t.Fatal(err)
	}
	if cur, err := d.CurrentRuleSet(t.Context()); err != nil || cur.Version != rs.Version || cur.TreatmentOffMin != 2*time.Hour {
		t.Errorf("current rule set after saving = v%d %v, %v; want v%d with the 2 h minimum", cur.Version, cur.TreatmentOffMin, err, rs.Version)
	}
}
