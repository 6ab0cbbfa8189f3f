package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"powerwatch/store"
)

const enterpriseCols = `id, name, uscc, coalesce(region_id, 0), coalesce(industry_id, 0), address,
	longitude, latitude, contact, phone, grade, emergency_plan, created_at, updated_at`

func scanEnterprise(s scanner) (e store.Enterprise, err error) {
	var created, updated int64
	err = s.Scan(&e.ID, &e.Name, &e.USCC, &e.RegionID, &e.IndustryID, &e.Address, &e.Longitude, &e.Latitude,
		&e.Contact, &e.Phone, &e.Grade, &e.EmergencyPlan, &created, &updated)
	e.CreatedAt, e.UpdatedAt = fromMS(created), fromMS(updated)
	return e, err
}

// validEnterprise normalises e and checks it (store.Enterprise.Validate).
func validEnterprise(e *store.Enterprise) error {
	e.Name, e.USCC = strings.TrimSpace(e.Name), strings.TrimSpace(e.USCC)
	return e.Validate()
}

// CreateEnterprise adds an enterprise and sets e.ID, e.CreatedAt and e.UpdatedAt.
// A name or non-empty USCC already taken gives an error wrapping store.ErrConflict.
func (db *DB) CreateEnterprise(ctx context.Context, who string, e *store.Enterprise) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.createEnterprise(ctx, tx, who, e) })
}

func (db *DB) createEnterprise(ctx context.Context, tx *sql.Tx, who string, e *store.Enterprise) error {
	if err := validEnterprise(e); err != nil {
		return fmt.Errorf("create enterprise: %w", err)
	}
	now := norm(db.Now())
	e.CreatedAt, e.UpdatedAt = now, now
	res, err := tx.ExecContext(ctx, `INSERT INTO enterprises(name, uscc, region_id, industry_id, address,
		longitude, latitude, contact, phone, grade, emergency_plan, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Name, e.USCC, nullID(e.RegionID), nullID(e.IndustryID), e.Address, e.Longitude, e.Latitude,
		e.Contact, e.Phone, e.Grade, e.EmergencyPlan, ms(now), ms(now))
	if err != nil {
		return fmt.Errorf("create enterprise %q: %w", e.Name, classify(err))
	}
	e.ID, _ = res.LastInsertId()
	return db.audit(ctx, tx, who, "create", "enterprise", e.ID, nil, e)
}

// UpdateEnterprise replaces enterprise e.ID's fields (not CreatedAt) and sets e.UpdatedAt.
func (db *DB) UpdateEnterprise(ctx context.Context, who string, e *store.Enterprise) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := db.updateEnterprise(ctx, tx, who, e)
		return err
	})
}

// updateEnterprise reports whether anything changed.
func (db *DB) updateEnterprise(ctx context.Context, tx *sql.Tx, who string, e *store.Enterprise) (bool, error) {
	if err := validEnterprise(e); err != nil {
		return false, fmt.Errorf("update enterprise %d: %w", e.ID, err)
	}
	before, err := getEnterprise(ctx, tx, e.ID)
	if err != nil {
		return false, err
	}
	e.CreatedAt = before.CreatedAt
	e.UpdatedAt = before.UpdatedAt
	if before == *e {
		return false, nil
	}
	e.UpdatedAt = norm(db.Now())
	_, err = tx.ExecContext(ctx, `UPDATE enterprises SET name = ?, uscc = ?, region_id = ?, industry_id = ?,
		address = ?, longitude = ?, latitude = ?, contact = ?, phone = ?, grade = ?, emergency_plan = ?, updated_at = ?
		WHERE id = ?`,
		e.Name, e.USCC, nullID(e.RegionID), nullID(e.IndustryID), e.Address, e.Longitude, e.Latitude,
		e.Contact, e.Phone, e.Grade, e.EmergencyPlan, ms(e.UpdatedAt), e.ID)
	if err != nil {
		return false, fmt.Errorf("update enterprise %d: %w", e.ID, classify(err))
	}
	return true, db.audit(ctx, tx, who, "update", "enterprise", e.ID, before, e)
}

// DeleteEnterprise removes an enterprise and its attachments. It is refused
// (store.ErrConflict) while facilities, terminals, orders or filings refer to it.
func (db *DB) DeleteEnterprise(ctx context.Context, who string, id int64) error {
	return deleteRow(ctx, db, who, "enterprise", "enterprises", " (delete its facilities, terminals, orders and filings first)", id, getEnterprise)
}

// EnterpriseByID returns enterprise id, or an error wrapping store.ErrNotFound.
func (db *DB) EnterpriseByID(ctx context.Context, id int64) (store.Enterprise, error) {
	return getEnterprise(ctx, db.db, id)
}

func getEnterprise(ctx context.Context, q dbtx, id int64) (store.Enterprise, error) {
	e, err := scanEnterprise(q.QueryRowContext(ctx, `SELECT `+enterpriseCols+` FROM enterprises WHERE id = ?`, id))
	return e, notFound(err, "enterprise", id)
}

// FindEnterprises returns the enterprises that match f, by name.
func (db *DB) FindEnterprises(ctx context.Context, f store.EnterpriseFilter) ([]store.Enterprise, error) {
	return findEnterprises(ctx, db.db, f)
}

func findEnterprises(ctx context.Context, q dbtx, f store.EnterpriseFilter) ([]store.Enterprise, error) {
	var w where
	w.like("name", f.Name)
	w.eq("uscc", f.USCC)
	w.eqID("region_id", f.RegionID)
	w.eqID("industry_id", f.IndustryID)
	es, err := queryAll(ctx, q, scanEnterprise, `SELECT `+enterpriseCols+` FROM enterprises`+w.sql()+
		` ORDER BY name`+limit(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, fmt.Errorf("find enterprises: %w", err)
	}
	return es, nil
}

const attachmentCols = `id, enterprise_id, name, kind, path, added_at`

func scanAttachment(s scanner) (a store.Attachment, err error) {
	var added int64
	err = s.Scan(&a.ID, &a.EnterpriseID, &a.Name, &a.Kind, &a.Path, &added)
	a.AddedAt = fromMS(added)
	return a, err
}

// CreateAttachment records a file kept for an enterprise and sets a.ID and
// a.AddedAt. The file itself is written by the caller (afero, in app).
func (db *DB) CreateAttachment(ctx context.Context, who string, a *store.Attachment) error {
	if a.Kind == "" {
		a.Kind = "other"
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		a.AddedAt = norm(db.Now())
		res, err := tx.ExecContext(ctx, `INSERT INTO attachments(enterprise_id, name, kind, path, added_at) VALUES (?, ?, ?, ?, ?)`,
			a.EnterpriseID, a.Name, a.Kind, a.Path, ms(a.AddedAt))
		if err != nil {
			return fmt.Errorf("create attachment %q: %w", a.Path, classify(err))
		}
		a.ID, _ = res.LastInsertId()
		return db.audit(ctx, tx, who, "create", "attachment", a.ID, nil, a)
	})
}

// UpdateAttachment renames or re-files attachment a.ID (not AddedAt).
func (db *DB) UpdateAttachment(ctx context.Context, who string, a *store.Attachment) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getAttachment(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		a.AddedAt = before.AddedAt
		if before == *a {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE attachments SET enterprise_id = ?, name = ?, kind = ?, path = ? WHERE id = ?`,
			a.EnterpriseID, a.Name, a.Kind, a.Path, a.ID)
		if err != nil {
			return fmt.Errorf("update attachment %d: %w", a.ID, classify(err))
		}
		return db.audit(ctx, tx, who, "update", "attachment", a.ID, before, a)
	})
}

// AttachmentByID returns attachment id, or an error wrapping store.ErrNotFound.
func (db *DB) AttachmentByID(ctx context.Context, id int64) (store.Attachment, error) {
	return getAttachment(ctx, db.db, id)
}

func getAttachment(ctx context.Context, q dbtx, id int64) (store.Attachment, error) {
	a, err := scanAttachment(q.QueryRowContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE id = ?`, id))
	return a, notFound(err, "attachment", id)
}

// DeleteAttachment forgets attachment id; the caller removes the file.
func (db *DB) DeleteAttachment(ctx context.Context, who string, id int64) error {
	return deleteRow(ctx, db, who, "attachment", "attachments", "", id, getAttachment)
}

// AttachmentsByEnterprise returns the attachments of enterprise id, oldest first.
func (db *DB) AttachmentsByEnterprise(ctx context.Context, enterpriseID int64) ([]store.Attachment, error) {
	as, err := queryAll(ctx, db.db, scanAttachment, `SELECT `+attachmentCols+` FROM attachments
		WHERE enterprise_id = ? ORDER BY added_at, id`, enterpriseID)
	if err != nil {
		return nil, fmt.Errorf("attachments of enterprise %d: %w", enterpriseID, err)
	}
	return as, nil
}
