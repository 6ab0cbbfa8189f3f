package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/app/service"
	"powerwatch/app/sim"
	"powerwatch/app/simdb"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestLiveAlarmsFromBackfilledData is the demo's situation, and a district's
// after a network outage: the service receives hours of old data slot by slot
// (every sample late), with violations inside it, and no registry change
// happens meanwhile. The running service must raise the violations from the
// backfill alone, without 'alarms evaluate'.
func TestLiveAlarmsFromBackfilledData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "centre.db")
	terms := sim.District(4, 1)
	start := time.Now().Truncate(5 * time.Minute).Add(-8 * time.Hour)
	vs := sim.PlanViolations(terms, start, 8*time.Hour)
	since := start.AddDate(0, -1, 0)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := simdb.Register(ctx, db, sim.Rows(terms, since), simdb.OrdersCSV(vs), true); err != nil {
		t.Fatal(err)
	}
	db.Close()

	m := service.NewMain()
	m.Config.DB, m.Config.Listen = path, "127.0.0.1:0"
	if err := m.Run(ctx); err != nil {
		m.Close()
		t.Fatal(err)
	}
	defer m.Close()
	s, err := sim.New(sim.Config{Addr: m.Addr().String(), Terminals: terms, Start: start, Duration: 8 * time.Hour,
		Speed: 3000, Violations: vs, Seed: 1}) // slot by slot, over several engine passes
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := s.Run(ctx); err != nil || sum.Unacked > 0 {
		t.Fatalf("simulate: %+v, %v", sum, err)
	}
	for _, typ := range []store.AlarmType{store.TreatmentOff, store.ShutdownIgnored} {
		if !fixture.WaitAlarm(t, m.DB, typ, 60*time.Second) {
			as, _ := m.DB.FindAlarms(ctx, store.AlarmFilter{})
			t.Errorf("no %s alarm from the backfilled violations %v; alarms: %d", typ, vs, len(as))
		}
	}
}
