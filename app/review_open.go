package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"powerwatch/app/service"
	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/ui"
)

// packageService is the desktop on a review package: the database file and
// nothing else — no listener, no alarm engine, no schedules, no uplink — for
// a laptop away from the office network. Reviews are made in the file and
// brought back with `review import`.
type packageService struct {
	path   string
	keyDir string // the evidence signing key's folder: the laptop's data folder
	db     *sqlite.DB
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
	d := withReview(db, ui.Deps{Registry: db, Readings: db, Stats: db, Alarms: db, Terminals: db, Map: db, Operator: service.OperatorName(),
		AskOperator: true, ReviewWorkspace: filepath.Base(p.path)})
	// The laptop's own signing key, in its data folder: not next to the
	// package, which travels on a USB stick.
	d.Evidence = evidenceDesk{db: db, zip: true, keyDir: p.keyDir}
	return d
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
	keyDir := service.DataDir()
	if err := os.MkdirAll(keyDir, 0o755); err != nil {
		return fmt.Errorf("data folder for the evidence signing key: %w", err)
	}
	return runDesktop(e, &packageService{path: pos[0], keyDir: keyDir}, false)
}
