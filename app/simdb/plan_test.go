package simdb_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/app/simdb"
	"powerwatch/listener/hj212"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestPlanSetup: where a run starts and how long it lasts by speed and days,
// the protocol, outages, and violations planned inside the run (or its
// first day); a registry file that is missing is an error naming it.
func TestPlanSetup(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 7, 30, 0, store.Beijing)
	slot := time.Date(2026, 12, 6, 10, 5, 0, 0, store.Beijing)
	for _, c := range []struct {
		name      string
		p         simdb.Plan
		start     time.Time
		duration  time.Duration
		protocol  hj212.Version
		violation bool
	}{
		{"real time", simdb.Plan{District: 3, Speed: 1}, now, 0, hj212.Version2025, false},
		{"fast, two days", simdb.Plan{District: 3, Speed: 300, Days: 2}, slot.Add(-48 * time.Hour), 48 * time.Hour, hj212.Version2025, false},
		{"fast, until stopped", simdb.Plan{District: 3, Speed: 300, Protocol: "2017"}, slot.Add(-24 * time.Hour), 0, hj212.Version2017, false},
		{"violations", simdb.Plan{District: 12, Speed: 600, Days: 1, Violate: true, Outages: true}, slot.Add(-24 * time.Hour), 24 * time.Hour, hj212.Version2025, true},
	} {
		cfg, rows, err := c.p.Setup(now)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !cfg.Start.Equal(c.start) || cfg.Duration != c.duration || cfg.Protocol != c.protocol {
			t.Errorf("%s: start %v, duration %v, protocol %v; want %v, %v, %v", c.name, cfg.Start, cfg.Duration, cfg.Protocol, c.start, c.duration, c.protocol)
		}
		if len(cfg.Terminals) != c.p.District || len(rows) == 0 {
			t.Errorf("%s: %d terminals, %d rows; want %d terminals and their rows", c.name, len(cfg.Terminals), len(rows), c.p.District)
		}
		if cfg.Outages != c.p.Outages || cfg.Drift != c.p.Outages {
			t.Errorf("%s: outages %v, drift %v; want %v", c.name, cfg.Outages, cfg.Drift, c.p.Outages)
		}
		if (len(cfg.Violations) > 0) != c.violation {
			t.Errorf("%s: %d violations", c.name, len(cfg.Violations))
		}
		for _, v := range cfg.Violations {
			if v.From.Before(cfg.Start) || v.From.After(cfg.Start.Add(24*time.Hour)) {
				t.Errorf("%s: violation %v outside the run", c.name, v)
			}
		}
	}
	missing := filepath.Join(t.TempDir(), "missing.xlsx")
	if _, _, err := (simdb.Plan{Registry: missing, Speed: 1}).Setup(now); err == nil || !strings.Contains(err.Error(), "missing.xlsx") {
		t.Errorf("a missing registry file: %v; want an error naming it", err)
	}
}

// TestPlanPrepare: the registry file, the orders file and the database (in
// a folder not there yet) hold the planned district and its orders; a
// registry file read back gives the same terminals.
func TestPlanPrepare(t *testing.T) {
	dir := t.TempDir()
	p := simdb.Plan{District: 12, Seed: 1, Speed: 600, Days: 1, Violate: true,
		Out: filepath.Join(dir, "registry.xlsx"), OrdersOut: filepath.Join(dir, "orders.csv"), DB: filepath.Join(dir, "new", "pw.db")}
	cfg, rows, err := p.Setup(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Prepare(t.Context(), rows, cfg.Violations); err != nil {
		t.Fatal(err)
	}
	orders, err := os.ReadFile(p.OrdersOut)
	if err != nil || strings.Count(string(orders), "\n") < 2 {
		t.Errorf("orders file: %v, %q; want a header and orders", err, orders)
	}
	db, err := sqlite.Open(t.Context(), p.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	reg, err := db.LoadRegistry(t.Context())
	if err != nil || len(reg.Terminals) != 12 || len(reg.Orders) == 0 {
		t.Fatalf("database: %v, %d terminals, %d orders; want 12 and the violations' orders", err, len(reg.Terminals), len(reg.Orders))
	}
	back, _, err := simdb.Plan{Registry: p.Out, Speed: 1}.Setup(time.Now())
	if err != nil || len(back.Terminals) != 12 {
		t.Fatalf("registry file read back: %v, %d terminals", err, len(back.Terminals))
	}
	mns := map[string]bool{}
	for _, term := range cfg.Terminals {
		mns[term.MN] = true
	}
	for _, term := range back.Terminals {
		if !mns[term.MN] {
			t.Errorf("terminal %s read back is not one of the district's", term.MN)
		}
	}
}
