package simdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"powerwatch/app/registry"
	"powerwatch/app/sim"
	"powerwatch/listener/hj212"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// A Plan is a simulation as `simulate` and `demo` ask for it: where the
// terminals come from, how fast and how long they run, what goes wrong, and
// the files and database to prepare first.
type Plan struct {
	To        string  // the centre, HOST:PORT; "" only prepares
	Registry  string  // registry spreadsheet whose terminals to use, or
	District  int     // so many generated terminals
	Seed      uint64  // of the generated district and its loads
	Speed     float64 // simulated seconds per second
	Days      float64 // simulated days; 0 runs until stopped
	Protocol  string  // "2025" (or "") or "2017"
	Outages   bool    // outages with backfill, clock drift, damaged frames
	Violate   bool    // scripted violations
	Out       string  // write the generated terminals as a registry file
	OrdersOut string  // write the orders the violations breach (.csv)
	DB        string  // register the terminals and orders in this database
}

// Setup makes the run at now: its terminals (read from Registry, or
// generated), its sim.Config and, with Violate, the violations it plays, and
// the registry rows the terminals are registered with. A fast run of D days
// covers the D days before now; a fast run without Days starts a day back,
// catches up and goes on in real time; at speed 1 it starts now.
func (p Plan) Setup(now time.Time) (sim.Config, []store.RegistryRow, error) {
	terms, rows, err := p.terminals()
	if err != nil {
		return sim.Config{}, nil, err
	}
	cfg := sim.Config{Addr: p.To, Terminals: terms, Speed: p.Speed, Seed: p.Seed, Protocol: hj212.Version2025,
		Duration: time.Duration(p.Days * float64(24*time.Hour)).Truncate(time.Minute)}
	if p.Protocol == "2017" {
		cfg.Protocol = hj212.Version2017
	}
	// At speed 1 the simulated clock is the wall clock; a fast run starts on
	// a slot boundary in the past and catches up.
	cfg.Start = now
	switch {
	case p.Speed > 1 && cfg.Duration > 0:
		cfg.Start = now.Truncate(5 * time.Minute).Add(-cfg.Duration)
	case p.Speed > 1:
		cfg.Start = now.Truncate(5 * time.Minute).Add(-24 * time.Hour)
	}
	if p.Outages {
		cfg.Outages, cfg.Drift, cfg.Corrupt = true, true, 0.002
	}
	if p.Violate {
		span := cfg.Duration // violations are planned in the run, or its first day
		if span == 0 {
			span = 24 * time.Hour
		}
		cfg.Violations = sim.PlanViolations(cfg.Terminals, cfg.Start, span)
	}
	if rows == nil {
		rows = sim.Rows(cfg.Terminals, cfg.Start.AddDate(0, -1, 0))
	}
	return cfg, rows, nil
}

// terminals reads the registry file, and returns its rows, or generates
// the district (rows nil).
func (p Plan) terminals() ([]sim.Terminal, []store.RegistryRow, error) {
	if p.Registry == "" {
		return sim.District(p.District, p.Seed), nil, nil
	}
	file, err := os.Open(p.Registry)
	if err != nil {
		return nil, nil, err
	}
	defer file.Close()
	rows, err := registry.ReadRows(file, p.Registry)
	if err != nil {
		return nil, nil, err
	}
	terms := sim.FromRows(rows)
	if len(terms) == 0 {
		return nil, nil, fmt.Errorf("registry %s: no row has an MN: nothing to simulate", p.Registry)
	}
	return terms, rows, nil
}

// Prepare writes Out and OrdersOut and registers rows and the orders vs
// breach into DB (created, with its folder, when missing).
func (p Plan) Prepare(ctx context.Context, rows []store.RegistryRow, vs []sim.Violation) error {
	orders := OrdersCSV(vs)
	if p.Out != "" {
		if err := WriteRegistryFile(ctx, rows, p.Out); err != nil {
			return err
		}
	}
	if p.OrdersOut != "" {
		if err := os.WriteFile(p.OrdersOut, orders, 0o644); err != nil {
			return fmt.Errorf("write orders: %w", err)
		}
	}
	if p.DB == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p.DB), 0o755); err != nil {
		return fmt.Errorf("database folder: %w", err)
	}
	db, err := sqlite.Open(ctx, p.DB)
	if err != nil {
		return fmt.Errorf("simulated district's database: %w", err)
	}
	defer db.Close()
	return Register(ctx, db, rows, orders, len(vs) > 0)
}
