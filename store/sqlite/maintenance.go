package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"powerwatch/store"
)

const recordCols = `id, task_id, kind, date, people, enterprise_id, point_id, checks, onoff, problems,
	actions, photos, signed_by, signed_at, created_at, test_from, test_to`

func scanRecord(s scanner) (r store.MaintenanceRecord, err error) {
	var date, signed, created, testFrom, testTo int64
	var checks, onoff, photos string
	if err = s.Scan(&r.ID, &r.TaskID, &r.Kind, &date, &r.People, &r.EnterpriseID, &r.PointID, &checks, &onoff,
		&r.Problems, &r.Actions, &photos, &r.SignedBy, &signed, &created, &testFrom, &testTo); err != nil {
		return r, err
	}
	r.Date, r.SignedAt, r.CreatedAt = fromMS(date), fromMS(signed), fromMS(created)
	r.TestFrom, r.TestTo = fromMS(testFrom), fromMS(testTo)
	for _, f := range []struct {
		col string
		v   any
	}{{checks, &r.Checks}, {onoff, &r.OnOff}, {photos, &r.Photos}} {
		if err := json.Unmarshal([]byte(f.col), f.v); err != nil {
			return r, fmt.Errorf("maintenance record %d: %w", r.ID, err)
		}
	}
	return r, nil
}

// validRecord normalises r and checks it (store.MaintenanceRecord.Validate).
func validRecord(r *store.MaintenanceRecord) error {
	r.People, r.SignedBy = strings.TrimSpace(r.People), strings.TrimSpace(r.SignedBy)
	return r.Validate()
}

func jsonText(v any) string {
	b, _ := json.Marshal(v) // slices of plain structs and strings always marshal
	if string(b) == "null" {
		return "[]"
	}
	return string(b)
}

// AddRecord stores a maintenance record and sets r.ID and r.CreatedAt. When
// r.TaskID is set, the task is closed by it in the same transaction; a task
// already closed gives an error wrapping store.ErrConflict and nothing is stored.
func (db *DB) AddRecord(ctx context.Context, who string, r *store.MaintenanceRecord) error {
	if err := validRecord(r); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		r.CreatedAt, r.Date, r.SignedAt = norm(db.Now()), norm(r.Date), norm(r.SignedAt)
		r.TestFrom, r.TestTo = norm(r.TestFrom), norm(r.TestTo)
		if r.TaskID != 0 && r.Kind == "" {
			t, err := getTask(ctx, tx, r.TaskID)
			if err != nil {
				return err
			}
			r.Kind = t.Kind
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO maintenance_records(task_id, kind, date, people, enterprise_id,
			point_id, checks, onoff, problems, actions, photos, signed_by, signed_at, created_at, test_from, test_to)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.TaskID, r.Kind, ms(r.Date), r.People, r.EnterpriseID, r.PointID, jsonText(r.Checks), jsonText(r.OnOff),
			r.Problems, r.Actions, jsonText(r.Photos), r.SignedBy, ms(r.SignedAt), ms(r.CreatedAt), ms(r.TestFrom), ms(r.TestTo))
		if err != nil {
			return fmt.Errorf("add maintenance record: %w", err)
		}
		r.ID, _ = res.LastInsertId()
		if err := db.audit(ctx, tx, who, "create", "maintenance_record", r.ID, nil, r); err != nil {
			return err
		}
		if r.TaskID != 0 {
			return db.closeTask(ctx, tx, who, r.TaskID, r.ID, r.CreatedAt)
		}
		return nil
	})
}

// RecordByID returns maintenance record id, or an error wrapping store.ErrNotFound.
func (db *DB) RecordByID(ctx context.Context, id int64) (store.MaintenanceRecord, error) {
	r, err := scanRecord(db.db.QueryRowContext(ctx, `SELECT `+recordCols+` FROM maintenance_records WHERE id = ?`, id))
	return r, notFound(err, "maintenance record", id)
}

// FindRecords returns the records f selects, newest work first.
func (db *DB) FindRecords(ctx context.Context, f store.RecordFilter) ([]store.MaintenanceRecord, error) {
	var where []string
	var args []any
	if f.EnterpriseID != 0 {
		where, args = append(where, "enterprise_id = ?"), append(args, f.EnterpriseID)
	}
	if f.TaskID != 0 {
		where, args = append(where, "task_id = ?"), append(args, f.TaskID)
	}
	if !f.From.IsZero() {
		where, args = append(where, "date >= ?"), append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "date < ?"), append(args, ms(f.To))
	}
	q := `SELECT ` + recordCols + ` FROM maintenance_records`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY date DESC, id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rs, err := queryAll(ctx, db.db, scanRecord, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find maintenance records: %w", err)
	}
	return rs, nil
}
