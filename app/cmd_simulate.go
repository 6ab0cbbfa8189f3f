package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"powerwatch/app/registry"
	"powerwatch/app/sim"
	"powerwatch/app/simdb"
	"powerwatch/listener/hj212"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// simFlags are the flags of `powerwatch simulate`.
type simFlags struct {
	to, registry, out, ordersOut, db string
	district                         int
	speed, days                      float64
	outages, violations, verbose     bool
	protocol                         string
	seed                             uint64
}

// runSimulate is `powerwatch simulate`: a district of simulated terminals
// that talk HJ 212 over TCP to --to until --days have passed (or Ctrl-C),
// then prints a summary. A finite run fails when uploads stay unacknowledged.
func runSimulate(e *env, args []string) error {
	f, err := parseSimFlags(e, args)
	if err != nil {
		return err
	}
	terms, rows, err := simTerminals(f)
	if err != nil {
		return err
	}
	cfg := simConfig(f, terms, time.Now())
	if f.violations {
		cfg.Violations = sim.PlanViolations(cfg.Terminals, cfg.Start, simSpan(cfg))
		sim.WriteSchedule(e.stdout, cfg.Violations)
	}
	if rows == nil {
		rows = sim.Rows(cfg.Terminals, cfg.Start.AddDate(0, -1, 0))
	}
	if err := simPrepare(e.ctx, f, rows, cfg.Violations); err != nil {
		return err
	}
	if f.to == "" {
		return nil // only --out / --db was asked for
	}
	return simRun(e, f, cfg)
}

func parseSimFlags(e *env, args []string) (*simFlags, error) {
	f := &simFlags{}
	fs := newFlags(e, "simulate", "--to HOST:PORT (--registry FILE | --district N [--out FILE]) [--speed X] [--days D] [--outages] [--violations] [--protocol 2017|2025] [--db PATH]")
	fs.StringVar(&f.to, "to", "", "the centre's HJ 212 address HOST:PORT / 监控中心地址")
	fs.StringVar(&f.registry, "registry", "", "registry spreadsheet (.xlsx/.csv) whose MNs, passwords and codes to use / 企业名录")
	fs.IntVar(&f.district, "district", 0, "generate N terminals instead / 生成 N 个模拟终端")
	fs.StringVar(&f.out, "out", "", "write the generated terminals as a registry spreadsheet (.xlsx/.csv) for `import registry`")
	fs.StringVar(&f.ordersOut, "orders-out", "", "with --violations: write the control orders they breach (.csv) for `import orders`")
	fs.StringVar(&f.db, "db", "", "register the simulated terminals (and the orders of --violations) in this database first")
	fs.Float64Var(&f.speed, "speed", 1, "simulated seconds per second (300: 5 minutes a second) / 加速倍数")
	fs.Float64Var(&f.days, "days", 0, "simulated days; 0 runs until Ctrl-C / 模拟天数")
	fs.BoolVar(&f.outages, "outages", false, "network outages with caching and backfill, clock drift, damaged frames / 断网补发、时钟漂移、坏帧")
	fs.BoolVar(&f.violations, "violations", false, "scripted violations, printed as a schedule / 预设违规")
	fs.StringVar(&f.protocol, "protocol", "2025", "2025 (ST=44 CN=2011) or 2017 (ST=31 CN=2051)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the generated district and its loads")
	fs.BoolVar(&f.verbose, "v", false, "log each connection, outage and command to stderr")
	pos, err := parseFlags(fs, args)
	switch {
	case err != nil:
		return nil, err
	case len(pos) > 0:
		return nil, usagef("simulate takes no arguments, got %q", pos)
	case (f.registry == "") == (f.district <= 0):
		return nil, usagef("give either --registry FILE or --district N")
	case f.out != "" && f.registry != "":
		return nil, usagef("--out writes a generated district; it goes with --district")
	case f.to == "" && f.out == "" && f.db == "":
		return nil, usagef("--to HOST:PORT is required (or --out/--db to only prepare)")
	case f.protocol != "2025" && f.protocol != "2017":
		return nil, usagef("--protocol %q: want 2017 or 2025", f.protocol)
	case f.speed <= 0 || f.days < 0:
		return nil, usagef("--speed must be positive and --days not negative")
	}
	if f.to != "" {
		if _, _, err := net.SplitHostPort(f.to); err != nil {
			return nil, usagef("--to %q: want HOST:PORT", f.to)
		}
	}
	return f, nil
}

// simTerminals reads the registry file, and returns its rows, or generates
// the district (rows nil).
func simTerminals(f *simFlags) ([]sim.Terminal, []store.RegistryRow, error) {
	if f.district > 0 {
		return sim.District(f.district, f.seed), nil, nil
	}
	file, err := os.Open(f.registry)
	if err != nil {
		return nil, nil, err
	}
	defer file.Close()
	rows, err := registry.ReadRows(file, f.registry)
	if err != nil {
		return nil, nil, err
	}
	terms := sim.FromRows(rows)
	if len(terms) == 0 {
		return nil, nil, fmt.Errorf("registry %s: no row has an MN: nothing to simulate", f.registry)
	}
	return terms, rows, nil
}

// simConfig turns the flags into a run. A fast run of D days covers the D
// days before now; a fast run without --days starts a day back, catches up
// and goes on in real time; at speed 1 it starts now.
func simConfig(f *simFlags, terms []sim.Terminal, now time.Time) sim.Config {
	cfg := sim.Config{Addr: f.to, Terminals: terms, Speed: f.speed, Seed: f.seed, Protocol: hj212.Version2025,
		Duration: time.Duration(f.days * float64(24*time.Hour)).Truncate(time.Minute)}
	if f.protocol == "2017" {
		cfg.Protocol = hj212.Version2017
	}
	// At speed 1 the simulated clock is the wall clock; a fast run starts on
	// a slot boundary in the past and catches up.
	cfg.Start = now
	switch {
	case f.speed > 1 && cfg.Duration > 0:
		cfg.Start = now.Truncate(5 * time.Minute).Add(-cfg.Duration)
	case f.speed > 1:
		cfg.Start = now.Truncate(5 * time.Minute).Add(-24 * time.Hour)
	}
	if f.outages {
		cfg.Outages, cfg.Drift, cfg.Corrupt = true, true, 0.002
	}
	if f.verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return cfg
}

// simSpan is the period violations are planned in: the run, or its first day.
func simSpan(cfg sim.Config) time.Duration {
	if cfg.Duration > 0 {
		return cfg.Duration
	}
	return 24 * time.Hour
}

// simPrepare writes --out and --orders-out and registers into --db.
func simPrepare(ctx context.Context, f *simFlags, rows []store.RegistryRow, vs []sim.Violation) error {
	orders := simdb.OrdersCSV(vs)
	if f.out != "" {
		if err := simdb.WriteRegistryFile(ctx, rows, f.out); err != nil {
			return err
		}
	}
	if f.ordersOut != "" {
		if err := os.WriteFile(f.ordersOut, orders, 0o644); err != nil {
			return fmt.Errorf("write orders: %w", err)
		}
	}
	if f.db == "" {
		return nil
	}
	db, err := sqlite.Open(ctx, f.db)
	if err != nil {
		return err
	}
	defer db.Close()
	return simdb.Register(ctx, db, rows, orders, len(vs) > 0)
}

// simRun runs the simulation and prints its plan and summary.
func simRun(e *env, f *simFlags, cfg sim.Config) error {
	s, err := sim.New(cfg)
	if err != nil {
		return err
	}
	until := "Ctrl-C 停止 stops it"
	if end := s.End(); !end.IsZero() {
		until = "至 until " + end.In(store.Beijing).Format("2006-01-02 15:04")
	}
	fmt.Fprintf(e.stdout, "模拟 %d 个终端 → %s (HJ 212-%s, %g×), 自 from %s %s\n", len(cfg.Terminals), cfg.Addr, f.protocol,
		cfg.Speed, cfg.Start.In(store.Beijing).Format("2006-01-02 15:04"), until)
	sum, err := s.Run(e.ctx)
	if err != nil {
		return err
	}
	sum.WriteTo(e.stdout)
	if e.ctx.Err() == nil && sum.Unacked > 0 {
		return fmt.Errorf("%d uploads were not acknowledged (9014) / %d 条数据未获确认", sum.Unacked, sum.Unacked)
	}
	return nil
}
