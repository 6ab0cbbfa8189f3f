package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"powerwatch/store"
)

// ImportOrders applies control orders read from a file in one transaction.
// An order matches a stored one with the same enterprise, kind, period and
// facilities; a match is updated (level, cut, note) and anything else is
// created, so importing the same file again changes nothing. With dryRun the
// transaction is rolled back.
func (db *DB) ImportOrders(ctx context.Context, who string, orders []store.Order, dryRun bool) (store.ImportSummary, error) {
	var sum store.ImportSummary
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for i := range orders {
			if err := db.importOrder(ctx, tx, who, &orders[i], &sum.Orders); err != nil {
				return fmt.Errorf("order %d of %d: %w", i+1, len(orders), err)
			}
		}
		if err := db.audit(ctx, tx, who, "import", "orders", 0, nil, sum); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	return finishImport(sum, dryRun, err, "import orders")
}

func (db *DB) importOrder(ctx context.Context, tx *sql.Tx, who string, o *store.Order, c *store.ImportCounts) error {
	if err := validOrder(o); err != nil {
		return err
	}
	same, err := findOrders(ctx, tx, store.OrderFilter{EnterpriseID: o.EnterpriseID, Kinds: []store.OrderKind{o.Kind}})
	if err != nil {
		return err
	}
	for _, s := range same {
		if s.Start.Equal(o.Start) && s.End.Equal(o.End) && slices.Equal(s.FacilityIDs, o.FacilityIDs) {
			o.ID = s.ID
			changed, err := db.updateOrder(ctx, tx, who, o)
			count(c, false, changed)
			return err
		}
	}
	count(c, true, false)
	return db.createOrder(ctx, tx, who, o)
}

// ImportFilings applies 报备 filings read from a file like ImportOrders: a
// filing matches a stored one with the same enterprise, kind, period and
// facilities, and only its note is updated.
func (db *DB) ImportFilings(ctx context.Context, who string, filings []store.Filing, dryRun bool) (store.ImportSummary, error) {
	var sum store.ImportSummary
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for i := range filings {
			if err := db.importFiling(ctx, tx, who, &filings[i], &sum.Filings); err != nil {
				return fmt.Errorf("filing %d of %d: %w", i+1, len(filings), err)
			}
		}
		if err := db.audit(ctx, tx, who, "import", "filings", 0, nil, sum); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	return finishImport(sum, dryRun, err, "import filings")
}

func (db *DB) importFiling(ctx context.Context, tx *sql.Tx, who string, f *store.Filing, c *store.ImportCounts) error {
	if err := validFiling(f); err != nil {
		return err
	}
	same, err := findFilings(ctx, tx, store.FilingFilter{EnterpriseID: f.EnterpriseID, Kinds: []store.FilingKind{f.Kind}})
	if err != nil {
		return err
	}
	for _, s := range same {
		if s.Start.Equal(f.Start) && s.End.Equal(f.End) && slices.Equal(s.FacilityIDs, f.FacilityIDs) {
			f.ID = s.ID
			changed, err := db.updateFiling(ctx, tx, who, f)
			count(c, false, changed)
			return err
		}
	}
	count(c, true, false)
	return db.createFiling(ctx, tx, who, f)
}
