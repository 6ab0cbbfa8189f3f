package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"powerwatch/store"
)

const taskCols = `id, kind, key, enterprise_id, terminal_id, point_id, reason, detail, due, assignee,
	status, job, created_at, closed_at, record_id`

func scanTask(s scanner) (t store.Task, err error) {
	var due, created, closed int64
	err = s.Scan(&t.ID, &t.Kind, &t.Key, &t.EnterpriseID, &t.TerminalID, &t.PointID, &t.Reason, &t.Detail,
		&due, &t.Assignee, &t.Status, &t.Job, &created, &closed, &t.RecordID)
	t.Due, t.CreatedAt, t.ClosedAt = fromMS(due), fromMS(created), fromMS(closed)
	return t, err
}

// CreateTasks adds the tasks whose Key is not yet taken and sets their ID,
// Status and CreatedAt; the others (already made by an earlier run of the same
// job) are left alone and keep ID 0. It returns how many were added.
func (db *DB) CreateTasks(ctx context.Context, who string, ts []store.Task) (int, error) {
	added := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := norm(db.Now())
		for i := range ts {
			t := &ts[i]
			t.Key = strings.TrimSpace(t.Key)
			if t.Key == "" || t.Kind == "" {
				return fmt.Errorf("%w: task %d (%s): kind and key are required", store.ErrInvalid, i+1, t.Reason)
			}
			t.Status, t.CreatedAt, t.Due = store.TaskOpen, now, norm(t.Due)
			res, err := tx.ExecContext(ctx, `INSERT INTO tasks(kind, key, enterprise_id, terminal_id, point_id,
				reason, detail, due, assignee, status, job, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
				ON CONFLICT(key) DO NOTHING`,
				t.Kind, t.Key, t.EnterpriseID, t.TerminalID, t.PointID, t.Reason, t.Detail, ms(t.Due), t.Assignee,
				t.Job, ms(now))
			if err != nil {
				return fmt.Errorf("create task %s: %w", t.Key, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				t.ID = 0
				continue
			}
			t.ID, _ = res.LastInsertId()
			added++
			if err := db.audit(ctx, tx, who, "create", "task", t.ID, nil, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// TaskByID returns task id, or an error wrapping store.ErrNotFound.
func (db *DB) TaskByID(ctx context.Context, id int64) (store.Task, error) {
	return getTask(ctx, db.db, id)
}

func getTask(ctx context.Context, q dbtx, id int64) (store.Task, error) {
	t, err := scanTask(q.QueryRowContext(ctx, `SELECT `+taskCols+` FROM tasks WHERE id = ?`, id))
	return t, notFound(err, "task", id)
}

// FindTasks returns the tasks f selects, open ones by due date first, then
// done ones most recently closed first.
func (db *DB) FindTasks(ctx context.Context, f store.TaskFilter) ([]store.Task, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.EnterpriseID != 0 {
		where, args = append(where, "enterprise_id = ?"), append(args, f.EnterpriseID)
	}
	if !f.DueBefore.IsZero() {
		where, args = append(where, "due < ?"), append(args, ms(f.DueBefore))
	}
	q := `SELECT ` + taskCols + ` FROM tasks`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += ` ORDER BY status = 'done', CASE status WHEN 'open' THEN due ELSE -closed_at END, id`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	ts, err := queryAll(ctx, db.db, scanTask, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find tasks: %w", err)
	}
	return ts, nil
}

// AssignTask sets who does task id.
func (db *DB) AssignTask(ctx context.Context, who string, id int64, assignee string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getTask(ctx, tx, id)
		if err != nil {
			return err
		}
		after := before
		after.Assignee = strings.TrimSpace(assignee)
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET assignee = ? WHERE id = ?`, after.Assignee, id); err != nil {
			return fmt.Errorf("assign task %d: %w", id, err)
		}
		return db.audit(ctx, tx, who, "assign", "task", id, before, after)
	})
}

// closeTask marks task id done by record rec at time at.
func (db *DB) closeTask(ctx context.Context, tx *sql.Tx, who string, id, rec int64, at time.Time) error {
	before, err := getTask(ctx, tx, id)
	if err != nil {
		return err
	}
	if before.Status == store.TaskDone {
		return fmt.Errorf("close task %d: %w: already closed by record %d", id, store.ErrConflict, before.RecordID)
	}
	after := before
	after.Status, after.ClosedAt, after.RecordID = store.TaskDone, at, rec
	if _, err := tx.ExecContext(ctx, `UPDATE tasks SET status = 'done', closed_at = ?, record_id = ? WHERE id = ?`,
		ms(at), rec, id); err != nil {
		return fmt.Errorf("close task %d: %w", id, err)
	}
	return db.audit(ctx, tx, who, "close", "task", id, before, after)
}
