package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"powerwatch/app/service"
	"powerwatch/app/sim"
	"powerwatch/app/simdb"
	"powerwatch/ui"
)

// runDemo is `powerwatch demo`: the desktop app on a generated district,
// fed over loopback by the simulator. The database lives in a temporary
// folder removed on exit, unless --db names one to keep.
func runDemo(e *env, args []string) error {
	fs := newFlags(e, "demo", "[--district N] [--speed X] [--db PATH]")
	n := fs.Int("district", 30, "simulated terminals (enterprises) / 模拟终端数")
	speed := fs.Float64("speed", 600, "how fast the last day is replayed before real time / 回放倍数")
	db := fs.String("db", "", "keep the demo database in this file (default: a temporary folder)")
	pos, err := parseFlags(fs, args)
	switch {
	case err != nil:
		return err
	case len(pos) > 0:
		return usagef("demo takes no arguments, got %q", pos)
	case *n <= 0 || *speed <= 0:
		return usagef("--district and --speed must be positive")
	}
	return runDesktop(e, &demoService{terminals: *n, speed: *speed, path: *db}, false)
}

// demoService is the desktop's service for the demo: Main on a database
// holding a generated district (its registry and the control orders its
// scripted violations breach), listening on 127.0.0.1, and the simulator
// sending that district's last day at speed, then live data, with outages,
// drifting clocks and damaged frames.
type demoService struct {
	terminals int
	speed     float64
	path      string // database file; "" means one in a temporary folder

	tmp    string
	m      *service.Main
	sim    *sim.Sim
	cancel context.CancelFunc
	done   chan struct{}
}

// Start prepares the database, starts the service and then the simulator.
func (d *demoService) Start(ctx context.Context) error {
	if d.path == "" {
		dir, err := os.MkdirTemp("", "powerwatch-demo-")
		if err != nil {
			return fmt.Errorf("demo folder: %w", err)
		}
		d.tmp, d.path = dir, filepath.Join(dir, "powerwatch-demo.db")
	}
	// The demo is `simulate --outages --violations` on its own database.
	plan := simdb.Plan{District: d.terminals, Seed: 1, Speed: d.speed, Outages: true, Violate: true, DB: d.path}
	cfg, rows, err := plan.Setup(time.Now())
	if err != nil {
		return err
	}
	if err := plan.Prepare(ctx, rows, cfg.Violations); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	d.m = service.NewMain()
	d.m.Config.DB, d.m.Config.Listen = d.path, "127.0.0.1:0"
	if err := d.m.Run(ctx); err != nil {
		return err
	}
	cfg.Addr = d.m.Addr().String()
	s, err := sim.New(cfg)
	if err != nil {
		return err
	}
	d.sim = s
	simCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.cancel, d.done = cancel, make(chan struct{})
	go func() {
		defer close(d.done)
		s.Run(simCtx)
	}()
	return nil
}

// UIDeps hands the screens the running service's parts.
func (d *demoService) UIDeps() ui.Deps {
	deps := desk{d.m}.UIDeps()
	deps.Operator = "演示 demo"
	return deps
}

// Subscribe forwards the service's notifications (new violation alarms,
// terminals online) to the window.
func (d *demoService) Subscribe(n ui.Notifier) { desk{d.m}.Subscribe(n) }

// Close stops the simulator, then the service, and removes a temporary database.
func (d *demoService) Close() error {
	if d.cancel != nil {
		d.cancel()
		<-d.done
		d.cancel = nil
	}
	var errs []error
	if d.m != nil {
		errs = append(errs, d.m.Close())
		d.m = nil
	}
	if d.tmp != "" {
		errs = append(errs, os.RemoveAll(d.tmp))
		d.tmp = ""
	}
	return errors.Join(errs...)
}
