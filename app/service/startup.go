package service

import (
	"context"
	"fmt"
	"time"

	"powerwatch/app/judge"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// StartupParts runs, one after the other, what a start is made of: opening
// the database and what the service and the dashboard read; done is called
// with each part's name when it ends (`powerwatch bench startup`).
func StartupParts(ctx context.Context, cfg Config, done func(part string)) error {
	db, err := sqlite.OpenWith(ctx, cfg.DB, sqlite.Options{Synchronous: cfg.Sync, SkipCheck: true})
	if err != nil {
		return err
	}
	defer db.Close()
	done("sqlite.OpenWith without the check (migrations, inbox)")
	if err := db.QuickCheck(ctx); err != nil {
		return err
	}
	done("QuickCheck")
	now := time.Now()
	today := store.Day.Start(now)
	parts := []struct {
		name string
		run  func() error
	}{
		{"LoadRegistry", func() error { _, err := db.LoadRegistry(ctx); return err }},
		{"alarm engine start (rules, registry, baselines, open alarms, recent samples, first judgement)", func() error {
			_, _, err := judge.StartEngine(ctx, db, now, 0)
			return err
		}},
		{"dashboard: FindTerminals", func() error { _, err := db.FindTerminals(ctx, store.TerminalFilter{}); return err }},
		{"dashboard: TerminalStates", func() error { _, err := db.TerminalStates(ctx); return err }},
		{"dashboard: open alarms", func() error {
			_, err := db.FindAlarms(ctx, store.AlarmFilter{Statuses: []store.AlarmStatus{store.Open}})
			return err
		}},
		{"dashboard: today's alarms", func() error {
			_, err := db.FindAlarms(ctx, store.AlarmFilter{From: today, To: now, Statuses: []store.AlarmStatus{store.Open, store.Ended}})
			return err
		}},
		{"dashboard: TransmissionRate of all points today", func() error {
			_, _, err := db.TransmissionRate(ctx, 0, today, now, false)
			return err
		}},
		{"dashboard: TotalEnergy today and the same day last week", func() error {
			if _, err := db.TotalEnergy(ctx, today, now); err != nil {
				return err
			}
			_, err := db.TotalEnergy(ctx, today.AddDate(0, 0, -7), today.AddDate(0, 0, -6))
			return err
		}},
		{"(not in the start) statistics: Consumption by region of today, with 同比 and 环比", func() error {
			_, err := db.Consumption(ctx, store.StatsQuery{By: store.ByRegion, Period: store.Day, From: today, To: now})
			return err
		}},
		{"enterprises: FindEnterprises", func() error { _, err := db.FindEnterprises(ctx, store.EnterpriseFilter{}); return err }},
	}
	for _, p := range parts {
		if err := p.run(); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		done(p.name)
	}
	return nil
}
