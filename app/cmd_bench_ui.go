package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"powerwatch/app/benchui"
	"powerwatch/app/service"
	"powerwatch/store/sqlite"
	"powerwatch/ui"
)

// runBenchUI is `powerwatch bench ui`: the desktop views on a database,
// driven headless by app/benchui, each interaction timed from the event to
// the screen complete. No service is started: the views read the file as the
// desktop app's do. An episode is added for the board (and deleted after)
// when the database has none.
func runBenchUI(e *env, args []string) error {
	fs := newFlags(e, "bench ui", "--db PATH [--rounds N] [--only TEXT] [--at TIME] [--cpuprofile FILE]")
	d := addDataFlags(fs)
	rounds := fs.Int("rounds", 10, "times each interaction runs")
	only := fs.String("only", "", "only the interactions whose name contains this")
	at := fs.String("at", "", "the views' clock, Beijing time (default: the newest reading in the database)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the interactions to this file")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || d.db == "" {
		return usagef("want --db PATH (an existing database) and no arguments")
	}
	if _, err := os.Stat(d.db); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	m := service.NewMain()
	if m.Config, err = loadServeConfig(m.FS, d, ""); err != nil {
		return err
	}
	db, err := sqlite.OpenWith(e.ctx, d.db, sqlite.Options{Synchronous: m.Config.Sync, SkipCheck: true})
	if err != nil {
		return err
	}
	defer db.Close()
	m.DB = db
	now, err := benchClock(e.ctx, db, *at)
	if err != nil {
		return err
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Fprintf(e.stdout, "bench ui on %s, clock %s, %d rounds\n", d.db, now.Format("2006-01-02 15:04"), *rounds)
	rs, err := benchui.Run(e.ctx, benchui.Config{Deps: benchDeps(m), Orders: db, Now: now, Rounds: *rounds, Only: *only,
		Progress: func(name string) { fmt.Fprintf(e.stderr, "%s …\n", name) }})
	benchui.Print(e.stdout, rs, benchui.Target)
	return err
}

// benchDeps are the desktop's views' parts without a running service (no
// listener: its commands and quarantine, the uplink and the inbox are left
// out).
func benchDeps(m *service.Main) ui.Deps {
	db := m.DB
	d := withHolidays(m, withReview(db, ui.Deps{Registry: db, Editor: db, Readings: db, Stats: db, Alarms: db, Terminals: db,
		Maintenance: desk{m}.MaintenanceUI(), Operator: "bench"}))
	d.Orders = orderDesk{DB: db, lim: m.Config.Import.Limits()}
	return d
}

// benchClock is the time typed in --at, or the newest reading's.
func benchClock(ctx context.Context, db *sqlite.DB, at string) (time.Time, error) {
	if at != "" {
		return parseBeijing("--at", at)
	}
	latest, err := db.LatestSamples(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("newest reading: %w", err)
	}
	return benchui.Newest(latest, time.Now()), nil
}
