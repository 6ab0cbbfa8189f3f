package main

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"powerwatch/app/sim"
	"powerwatch/app/simdb"
	"powerwatch/store"
)

// runSimulate is `powerwatch simulate`: a district of simulated terminals
// that talk HJ 212 over TCP to --to until --days have passed (or Ctrl-C),
// then prints a summary. A finite run fails when uploads stay unacknowledged.
func runSimulate(e *env, args []string) error {
	p, verbose, err := parseSimFlags(e, args)
	if err != nil {
		return err
	}
	cfg, rows, err := p.Setup(time.Now())
	if err != nil {
		return err
	}
	if p.Violate {
		sim.WriteSchedule(e.stdout, cfg.Violations)
	}
	if err := p.Prepare(e.ctx, rows, cfg.Violations); err != nil {
		return err
	}
	if p.To == "" {
		return nil // only --out / --db was asked for
	}
	if verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return simRun(e, p.Protocol, cfg)
}

func parseSimFlags(e *env, args []string) (p simdb.Plan, verbose bool, err error) {
	fs := newFlags(e, "simulate", "--to HOST:PORT (--registry FILE | --district N [--out FILE]) [--speed X] [--days D] [--outages] [--violations] [--protocol 2017|2025] [--db PATH]")
	fs.StringVar(&p.To, "to", "", "the centre's HJ 212 address HOST:PORT / 监控中心地址")
	fs.StringVar(&p.Registry, "registry", "", "registry spreadsheet (.xlsx/.csv) whose MNs, passwords and codes to use / 企业名录")
	fs.IntVar(&p.District, "district", 0, "generate N terminals instead / 生成 N 个模拟终端")
	fs.StringVar(&p.Out, "out", "", "write the generated terminals as a registry spreadsheet (.xlsx/.csv) for `import registry`")
	fs.StringVar(&p.OrdersOut, "orders-out", "", "with --violations: write the control orders they breach (.csv) for `import orders`")
	fs.StringVar(&p.DB, "db", "", "register the simulated terminals (and the orders of --violations) in this database first")
	fs.Float64Var(&p.Speed, "speed", 1, "simulated seconds per second (300: 5 minutes a second) / 加速倍数")
	fs.Float64Var(&p.Days, "days", 0, "simulated days; 0 runs until Ctrl-C / 模拟天数")
	fs.BoolVar(&p.Outages, "outages", false, "network outages with caching and backfill, clock drift, damaged frames / 断网补发、时钟漂移、坏帧")
	fs.BoolVar(&p.Violate, "violations", false, "scripted violations, printed as a schedule / 预设违规")
	fs.StringVar(&p.Protocol, "protocol", "2025", "2025 (ST=44 CN=2011) or 2017 (ST=31 CN=2051)")
	fs.Uint64Var(&p.Seed, "seed", 1, "seed of the generated district and its loads")
	fs.BoolVar(&verbose, "v", false, "log each connection, outage and command to stderr")
	pos, err := parseFlags(fs, args)
	switch {
	case err != nil:
		return p, false, err
	case len(pos) > 0:
		return p, false, usagef("simulate takes no arguments, got %q", pos)
	case (p.Registry == "") == (p.District <= 0):
		return p, false, usagef("give either --registry FILE or --district N")
	case p.Out != "" && p.Registry != "":
		return p, false, usagef("--out writes a generated district; it goes with --district")
	case p.To == "" && p.Out == "" && p.DB == "":
		return p, false, usagef("--to HOST:PORT is required (or --out/--db to only prepare)")
	case p.Protocol != "2025" && p.Protocol != "2017":
		return p, false, usagef("--protocol %q: want 2017 or 2025", p.Protocol)
	case p.Speed <= 0 || p.Days < 0:
		return p, false, usagef("--speed must be positive and --days not negative")
	}
	if p.To != "" {
		if _, _, err := net.SplitHostPort(p.To); err != nil {
			return p, false, usagef("--to %q: want HOST:PORT", p.To)
		}
	}
	return p, verbose, nil
}

// simRun runs the simulation and prints its plan and summary.
func simRun(e *env, protocol string, cfg sim.Config) error {
	s, err := sim.New(cfg)
	if err != nil {
		return err
	}
	until := "Ctrl-C 停止 stops it"
	if end := s.End(); !end.IsZero() {
		until = "至 until " + end.In(store.Beijing).Format("2006-01-02 15:04")
	}
	fmt.Fprintf(e.stdout, "模拟 %d 个终端 → %s (HJ 212-%s, %g×), 自 from %s %s\n", len(cfg.Terminals), cfg.Addr, protocol,
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
