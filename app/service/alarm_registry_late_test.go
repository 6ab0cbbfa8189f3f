package service

import (
	"path/filepath"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestRegisteredWhileServing: terminals registered while the service runs
// (an import, simulate --db, a registration from quarantine) send at once,
// with hours of history. The alarm worker loads the new registry before it
// judges their samples, so the history's violation is found, not passed over
// as samples of unknown points.
func TestRegisteredWhileServing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "late.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	m := svcRunMain(t, path, func(c *Config) { c.Schedule.OfflineSweep = "0 0 1 1 *" }) // no sweep reloads it meanwhile
	pts := fixture.Register(t, m.DB, 1)
	mn := fixture.MN(0)
	reg, err := m.DB.LoadRegistry(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(5 * time.Minute)
	start := now.Add(-6 * time.Hour)
	o := store.Order{EnterpriseID: reg.Enterprises[0].ID, Kind: store.Shutdown, Level: store.Orange, Start: start, End: now.Add(-3 * time.Hour)}
	if err := m.DB.CreateOrder(t.Context(), "test", &o); err != nil {
		t.Fatal(err)
	}
	if len(pts) != 1 {
		t.Fatal("no point registered")
	}
	c := fixture.Dial(t, m.Addr().String())
	slot := 0
	for at := start; at.Before(now.Add(-3 * time.Hour)); at = at.Add(5 * time.Minute) {
		qn := fixture.QN(0, slot)
		slot++
		c.Write(fixture.Frame(mn, qn, at, 50))
		if p, err := c.Read(10 * time.Second); err != nil || p.QN != qn {
			t.Fatalf("waiting for 9014 %s: %v, %v", qn, p, err)
		}
	}
	waitAlarms(t, m.DB, func(as []store.Alarm) bool {
		for _, a := range as {
			if a.Type == store.ShutdownIgnored && a.Status != store.Withdrawn && a.Start.Equal(start) {
				return true
			}
		}
		return false
	})
}
