package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"powerwatch/store"
)

// Registry changes: every Create, Update and Delete method owns its
// transaction and appends an audit entry in it, naming who made the change.
// Update methods replace the whole record with the given ID; an update that
// changes nothing writes nothing and no audit entry.

const regionCols = `id, name, coalesce(parent_id, 0)`

func scanRegion(s scanner) (r store.Region, err error) {
	err = s.Scan(&r.ID, &r.Name, &r.Parent)
	return r, err
}

// CreateRegion adds a district (Parent 0) or a sub-district and sets r.ID.
func (db *DB) CreateRegion(ctx context.Context, who string, r *store.Region) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.createRegion(ctx, tx, who, r) })
}

func (db *DB) createRegion(ctx context.Context, tx *sql.Tx, who string, r *store.Region) error {
	r.Name = strings.TrimSpace(r.Name)
	if r.Name == "" {
		return fmt.Errorf("create region: %w: empty name", store.ErrInvalid)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO regions(name, parent_id) VALUES (?, ?)`, r.Name, nullID(r.Parent))
	if err != nil {
		return fmt.Errorf("create region %q: %w", r.Name, classify(err))
	}
	r.ID, _ = res.LastInsertId()
	return db.audit(ctx, tx, who, "create", "region", r.ID, nil, r)
}

// UpdateRegion renames or moves region r.ID.
func (db *DB) UpdateRegion(ctx context.Context, who string, r *store.Region) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getRegion(ctx, tx, r.ID)
		if err != nil || before == *r {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE regions SET name = ?, parent_id = ? WHERE id = ?`, r.Name, nullID(r.Parent), r.ID); err != nil {
			return fmt.Errorf("update region %d: %w", r.ID, classify(err))
		}
		return db.audit(ctx, tx, who, "update", "region", r.ID, before, r)
	})
}

// DeleteRegion removes a region no enterprise or sub-region refers to.
func (db *DB) DeleteRegion(ctx context.Context, who string, id int64) error {
	return deleteRow(ctx, db, who, "region", "regions", "", id, getRegion)
}

// RegionByID returns region id, or an error wrapping store.ErrNotFound.
func (db *DB) RegionByID(ctx context.Context, id int64) (store.Region, error) {
	return getRegion(ctx, db.db, id)
}

func getRegion(ctx context.Context, q dbtx, id int64) (store.Region, error) {
	r, err := scanRegion(q.QueryRowContext(ctx, `SELECT `+regionCols+` FROM regions WHERE id = ?`, id))
	return r, notFound(err, "region", id)
}

// FindRegions returns every region by name.
func (db *DB) FindRegions(ctx context.Context) ([]store.Region, error) {
	rs, err := queryAll(ctx, db.db, scanRegion, `SELECT `+regionCols+` FROM regions ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("find regions: %w", err)
	}
	return rs, nil
}

const industryCols = `id, code, name`

func scanIndustry(s scanner) (i store.Industry, err error) {
	err = s.Scan(&i.ID, &i.Code, &i.Name)
	return i, err
}

// CreateIndustry adds an industry and sets i.ID.
func (db *DB) CreateIndustry(ctx context.Context, who string, i *store.Industry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.createIndustry(ctx, tx, who, i) })
}

func (db *DB) createIndustry(ctx context.Context, tx *sql.Tx, who string, i *store.Industry) error {
	i.Name, i.Code = strings.TrimSpace(i.Name), strings.TrimSpace(i.Code)
	if i.Name == "" {
		return fmt.Errorf("create industry: %w: empty name", store.ErrInvalid)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO industries(code, name) VALUES (?, ?)`, i.Code, i.Name)
	if err != nil {
		return fmt.Errorf("create industry %q: %w", i.Name, classify(err))
	}
	i.ID, _ = res.LastInsertId()
	return db.audit(ctx, tx, who, "create", "industry", i.ID, nil, i)
}

// UpdateIndustry changes industry i.ID.
func (db *DB) UpdateIndustry(ctx context.Context, who string, i *store.Industry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getIndustry(ctx, tx, i.ID)
		if err != nil || before == *i {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE industries SET code = ?, name = ? WHERE id = ?`, i.Code, i.Name, i.ID); err != nil {
			return fmt.Errorf("update industry %d: %w", i.ID, classify(err))
		}
		return db.audit(ctx, tx, who, "update", "industry", i.ID, before, i)
	})
}

// DeleteIndustry removes an industry no enterprise refers to.
func (db *DB) DeleteIndustry(ctx context.Context, who string, id int64) error {
	return deleteRow(ctx, db, who, "industry", "industries", "", id, getIndustry)
}

// IndustryByID returns industry id, or an error wrapping store.ErrNotFound.
func (db *DB) IndustryByID(ctx context.Context, id int64) (store.Industry, error) {
	return getIndustry(ctx, db.db, id)
}

func getIndustry(ctx context.Context, q dbtx, id int64) (store.Industry, error) {
	i, err := scanIndustry(q.QueryRowContext(ctx, `SELECT `+industryCols+` FROM industries WHERE id = ?`, id))
	return i, notFound(err, "industry", id)
}

// FindIndustries returns every industry by name.
func (db *DB) FindIndustries(ctx context.Context) ([]store.Industry, error) {
	is, err := queryAll(ctx, db.db, scanIndustry, `SELECT `+industryCols+` FROM industries ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("find industries: %w", err)
	}
	return is, nil
}
