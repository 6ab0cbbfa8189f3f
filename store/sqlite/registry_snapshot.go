package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"powerwatch/store"
)

// LoadRegistry reads the whole registry in one read transaction, so that the
// snapshot is consistent even while an import commits, and indexes it.
func (db *DB) LoadRegistry(ctx context.Context) (*store.Registry, error) {
	// ReadOnly makes the driver send a plain BEGIN instead of BEGIN IMMEDIATE:
	// a WAL snapshot that does not hold the write lock.
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("load registry: %w", classify(err))
	}
	defer tx.Rollback()
	r, err := loadRegistry(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("load registry: %w", err)
	}
	r.LoadedAt = norm(db.Now())
	r.Index()
	return r, nil
}

func loadRegistry(ctx context.Context, q dbtx) (r *store.Registry, err error) {
	r = &store.Registry{}
	steps := []func() error{
		func() (err error) {
			r.Regions, err = queryAll(ctx, q, scanRegion, `SELECT `+regionCols+` FROM regions ORDER BY id`)
			return err
		},
		func() (err error) {
			r.Industries, err = queryAll(ctx, q, scanIndustry, `SELECT `+industryCols+` FROM industries ORDER BY id`)
			return err
		},
		func() (err error) {
			r.Enterprises, err = queryAll(ctx, q, scanEnterprise, `SELECT `+enterpriseCols+` FROM enterprises ORDER BY id`)
			return err
		},
		func() (err error) {
			r.Facilities, err = queryAll(ctx, q, scanFacility, `SELECT `+facilityCols+` FROM facilities ORDER BY id`)
			return err
		},
		func() (err error) {
			r.Links, err = queryAll(ctx, q, scanLink, `SELECT `+linkCols+` FROM links ORDER BY production_id, role, id`)
			return err
		},
		func() (err error) {
			r.Terminals, err = queryAll(ctx, q, scanTerminal, `SELECT `+terminalCols+` FROM terminals ORDER BY id`)
			return err
		},
		func() (err error) {
			r.Points, err = queryAll(ctx, q, scanPoint, `SELECT `+pointCols+` FROM points p ORDER BY p.id`)
			return err
		},
		func() (err error) {
			r.Thresholds, err = queryAll(ctx, q, scanThreshold, `SELECT `+thresholdCols+` FROM thresholds ORDER BY facility_id, effective_from`)
			return err
		},
		func() (err error) {
			r.Orders, err = findOrders(ctx, q, store.OrderFilter{})
			return err
		},
		func() (err error) {
			r.Filings, err = findFilings(ctx, q, store.FilingFilter{})
			return err
		},
		func() (err error) {
			r.Tests, err = queryAll(ctx, q, scanRecord, `SELECT `+recordCols+` FROM maintenance_records
				WHERE test_to > test_from ORDER BY test_from, id`)
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return r, nil
}
