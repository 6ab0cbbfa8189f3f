package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/ui"
)

// packageService is the desktop on a review package: the database file and
// nothing else — no listener, no alarm engine, no schedules, no uplink — for
// a laptop away from the office network. Reviews are made in the file and
// brought back with `review import`.
type packageService struct {
	path string
	db   *sqlite.DB
}

func (p *packageService) Start(ctx context.Context) error {
	if _, err := os.Stat(p.path); err != nil {
		return fmt.Errorf("open review package: %w", err) // Open would create an empty database
	}
	db, err := sqlite.Open(ctx, p.path)
	if err != nil {
		return fmt.Errorf("open review package %s: %w", p.path, err)
	}
	if _, err := db.ReviewPackageInfo(ctx); err != nil {
		db.Close()
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%s is not a review package (make one with `powerwatch review export`): %w", p.path, err)
		}
		return err
	}
	p.db = db
	return nil
}

func (p *packageService) UIDeps() ui.Deps {
	db := p.db
	return withReview(db, ui.Deps{Registry: db, Readings: db, Stats: db, Alarms: db, Terminals: db, Operator: operatorName(),
		AskOperator: true})
}

func (p *packageService) Subscribe(ui.Notifier) {}

func (p *packageService) Close() error {
	if p.db == nil {
		return nil
	}
	err := p.db.Close()
	p.db = nil
	return err
}

func runReviewOpen(e *env, args []string) error {
	fs := newFlags(e, "review open", "FILE")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one review package file")
	}
	return runDesktop(e, &packageService{path: pos[0]}, false)
}
