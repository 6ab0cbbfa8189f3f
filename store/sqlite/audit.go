package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"powerwatch/store"
)

// audit appends one entry to the audit log inside tx, so that the change and
// its record commit or roll back together. before and after are marshalled to
// JSON; pass nil for the side that does not exist. Every change method of this
// package calls it; other files of the package (alarm reviews, maintenance) may too.
func (db *DB) audit(ctx context.Context, tx *sql.Tx, who, action, entity string, id int64, before, after any) error {
	if strings.TrimSpace(who) == "" {
		return fmt.Errorf("%w: audit %s %s %d: who is empty", store.ErrInvalid, action, entity, id)
	}
	b, err := auditJSON(before)
	if err != nil {
		return err
	}
	a, err := auditJSON(after)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log(at, who, action, entity, entity_id, before, after)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, db.Now().UnixMilli(), who, action, entity, id, b, a)
	if err != nil {
		return fmt.Errorf("audit %s %s %d: %w", action, entity, id, err)
	}
	return nil
}

func auditJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: %w", err)
	}
	return string(b), nil
}

// AppendAudit records an action that is not a change of one record (an
// import, an export of evidence, a login). At is set to now.
func (db *DB) AppendAudit(ctx context.Context, e store.AuditEntry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var before, after any
		if e.Before != "" {
			before = json.RawMessage(e.Before)
		}
		if e.After != "" {
			after = json.RawMessage(e.After)
		}
		return db.audit(ctx, tx, e.Who, e.Action, e.Entity, e.EntityID, before, after)
	})
}

// FindAudit returns the audit entries that match f, newest first.
func (db *DB) FindAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error) {
	var w where
	w.eq("who", f.Who)
	w.eq("action", f.Action)
	w.eq("entity", f.Entity)
	w.eqID("entity_id", f.EntityID)
	if !f.From.IsZero() {
		w.add("at >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		w.add("at < ?", ms(f.To))
	}
	q := `SELECT id, at, who, action, entity, entity_id, before, after FROM audit_log` + w.sql() +
		` ORDER BY at DESC, id DESC` + limit(f.Limit, f.Offset)
	rows, err := db.db.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("find audit: %w", classify(err))
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Who, &e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After); err != nil {
			return nil, fmt.Errorf("find audit: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, classify(rows.Err())
}

// where builds the WHERE clause of a Find method from a filter's non-zero fields.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) eq(col, v string) {
	if v != "" {
		w.add(col+" = ?", v)
	}
}

func (w *where) eqID(col string, v int64) {
	if v != 0 {
		w.add(col+" = ?", v)
	}
}

func (w *where) like(col, v string) {
	if v != "" {
		w.add(col+" LIKE ? ESCAPE '\\'", "%"+escapeLike(v)+"%")
	}
}

// in adds "col IN (…)" for a non-empty list of string-typed values.
func in[T ~string](w *where, col string, vs []T) {
	if len(vs) == 0 {
		return
	}
	args := make([]any, len(vs))
	for i, v := range vs {
		args[i] = string(v)
	}
	w.add(col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vs)), ",")+")", args...)
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func limit(n, offset int) string {
	switch {
	case n > 0:
		return fmt.Sprintf(" LIMIT %d OFFSET %d", n, max(offset, 0))
	case offset > 0:
		return fmt.Sprintf(" LIMIT -1 OFFSET %d", offset)
	}
	return ""
}

// norm drops what the database does not keep of a time (below milliseconds,
// the zone), so that a record read back compares equal with ==.
func norm(t time.Time) time.Time { return fromMS(ms(t)) }

// nullID stores 0 as NULL, for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// notFound wraps store.ErrNotFound with what was looked for, and passes other errors through.
func notFound(err error, what string, key any) error {
	if err == sql.ErrNoRows {
		return fmt.Errorf("%s %v: %w", what, key, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s %v: %w", what, key, classify(err))
	}
	return nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// queryAll runs q and scans every row with scan.
func queryAll[T any](ctx context.Context, q dbtx, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, classify(rows.Err())
}

// dbtx is a *sql.DB or *sql.Tx (the readings code names the same set querier).
type dbtx interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// mustAffect turns an UPDATE or DELETE that touched no row into ErrNotFound.
func mustAffect(res sql.Result, what string, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s %d: %w", what, id, store.ErrNotFound)
	}
	return nil
}

// deleteRow deletes row id of table and audits it as entity, with the row as
// it was (read by get) as the before image, in one transaction. hint tells
// people what to delete first when a reference refuses the deletion.
func deleteRow[T any](ctx context.Context, db *DB, who, entity, table, hint string, id int64,
	get func(context.Context, dbtx, int64) (T, error)) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		before, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete %s %d%s: %w", entity, id, hint, classify(err))
		}
		return db.audit(ctx, tx, who, "delete", entity, id, before, nil)
	})
}
