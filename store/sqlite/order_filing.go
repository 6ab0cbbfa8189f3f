package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"powerwatch/store"
)

const filingCols = `id, enterprise_id, kind, start_at, end_at, note`

func scanFiling(s scanner) (f store.Filing, err error) {
	var start, end int64
	err = s.Scan(&f.ID, &f.EnterpriseID, &f.Kind, &start, &end, &f.Note)
	f.Start, f.End = fromMS(start), fromMS(end)
	return f, err
}

func validFiling(f *store.Filing) error {
	if err := f.Validate(); err != nil {
		return err
	}
	f.FacilityIDs = sortedIDs(f.FacilityIDs)
	f.Start, f.End = norm(f.Start), norm(f.End)
	return nil
}

// CreateFiling adds a 报备 filing and sets f.ID.
func (db *DB) CreateFiling(ctx context.Context, who string, f *store.Filing) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.createFiling(ctx, tx, who, f) })
}

func (db *DB) createFiling(ctx context.Context, tx *sql.Tx, who string, f *store.Filing) error {
	if err := validFiling(f); err != nil {
		return fmt.Errorf("create filing: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO filings(enterprise_id, kind, start_at, end_at, note) VALUES (?, ?, ?, ?, ?)`,
		f.EnterpriseID, f.Kind, ms(f.Start), ms(f.End), f.Note)
	if err != nil {
		return fmt.Errorf("create filing: %w", classify(err))
	}
	f.ID, _ = res.LastInsertId()
	if err := setMembers(ctx, tx, "filing_facilities", "filing_id", f.ID, f.FacilityIDs); err != nil {
		return fmt.Errorf("create filing: %w", err)
	}
	return db.audit(ctx, tx, who, "create", "filing", f.ID, nil, f)
}

func sameFiling(a, b store.Filing) bool {
	return a.ID == b.ID && a.EnterpriseID == b.EnterpriseID && a.Kind == b.Kind &&
		a.Start.Equal(b.Start) && a.End.Equal(b.End) && a.Note == b.Note && slices.Equal(a.FacilityIDs, b.FacilityIDs)
}

// UpdateFiling replaces filing f.ID's fields and facility list.
func (db *DB) UpdateFiling(ctx context.Context, who string, f *store.Filing) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := db.updateFiling(ctx, tx, who, f)
		return err
	})
}

func (db *DB) updateFiling(ctx context.Context, tx *sql.Tx, who string, f *store.Filing) (bool, error) {
	if err := validFiling(f); err != nil {
		return false, fmt.Errorf("update filing %d: %w", f.ID, err)
	}
	before, err := getFiling(ctx, tx, f.ID)
	if err != nil || sameFiling(before, *f) {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE filings SET enterprise_id = ?, kind = ?, start_at = ?, end_at = ?, note = ? WHERE id = ?`,
		f.EnterpriseID, f.Kind, ms(f.Start), ms(f.End), f.Note, f.ID)
	if err != nil {
		return false, fmt.Errorf("update filing %d: %w", f.ID, classify(err))
	}
	if err := setMembers(ctx, tx, "filing_facilities", "filing_id", f.ID, f.FacilityIDs); err != nil {
		return false, fmt.Errorf("update filing %d: %w", f.ID, err)
	}
	return true, db.audit(ctx, tx, who, "update", "filing", f.ID, before, f)
}

// DeleteFiling removes filing id.
func (db *DB) DeleteFiling(ctx context.Context, who string, id int64) error {
	return deleteRow(ctx, db, who, "filing", "filings", "", id, getFiling)
}

// FilingByID returns filing id, or an error wrapping store.ErrNotFound.
func (db *DB) FilingByID(ctx context.Context, id int64) (store.Filing, error) {
	return getFiling(ctx, db.db, id)
}

func getFiling(ctx context.Context, q dbtx, id int64) (store.Filing, error) {
	f, err := scanFiling(q.QueryRowContext(ctx, `SELECT `+filingCols+` FROM filings WHERE id = ?`, id))
	if err := notFound(err, "filing", id); err != nil {
		return f, err
	}
	f.FacilityIDs, err = members(ctx, q, "filing_facilities", "filing_id", id)
	return f, err
}

// FilingsFor returns the filings that cover facility id (by name or as the
// whole enterprise) and overlap [from, to); zero bounds are open. The
// transmission rate uses it to leave filed windows out.
func (db *DB) FilingsFor(ctx context.Context, facilityID int64, from, to time.Time) ([]store.Filing, error) {
	return db.FindFilings(ctx, store.FilingFilter{FacilityID: facilityID, From: from, To: to})
}

// FindFilings returns the filings that match f, by start.
func (db *DB) FindFilings(ctx context.Context, f store.FilingFilter) ([]store.Filing, error) {
	return findFilings(ctx, db.db, f)
}

func findFilings(ctx context.Context, q dbtx, f store.FilingFilter) ([]store.Filing, error) {
	w := periodWhere(f.EnterpriseID, f.FacilityID, f.From, f.To, "filing_facilities", "filing_id")
	in(&w, "kind", f.Kinds)
	fs, err := queryAll(ctx, q, scanFiling, `SELECT `+filingCols+` FROM filings`+w.sql()+` ORDER BY start_at, id`, w.args...)
	if err == nil && len(fs) > 0 {
		index := make(map[int64]int, len(fs))
		for i, f := range fs {
			index[f.ID] = i
		}
		err = allMembers(ctx, q, "filing_facilities", "filing_id", "filings", w, func(id, facilityID int64) {
			if i, ok := index[id]; ok {
				fs[i].FacilityIDs = append(fs[i].FacilityIDs, facilityID)
			}
		})
	}
	if err != nil {
		return nil, fmt.Errorf("find filings: %w", err)
	}
	return fs, nil
}
