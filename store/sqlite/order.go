package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"powerwatch/store"
)

// Orders and filings share their shape: an enterprise, a period, and the
// facilities they name (none = the whole enterprise), kept in a side table.

const orderCols = `id, enterprise_id, kind, cut_percent, level, start_at, end_at, note`

func scanOrder(s scanner) (o store.Order, err error) {
	var start, end int64
	err = s.Scan(&o.ID, &o.EnterpriseID, &o.Kind, &o.CutPercent, &o.Level, &start, &end, &o.Note)
	o.Start, o.End = fromMS(start), fromMS(end)
	return o, err
}

func validOrder(o *store.Order) error {
	if err := o.Validate(); err != nil {
		return err
	}
	o.FacilityIDs = sortedIDs(o.FacilityIDs)
	o.ExemptIDs = sortedIDs(o.ExemptIDs)
	o.Start, o.End = norm(o.Start), norm(o.End)
	return nil
}

func sortedIDs(ids []int64) []int64 {
	if len(ids) == 0 {
		return nil
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// CreateOrder adds a control order and sets o.ID.
func (db *DB) CreateOrder(ctx context.Context, who string, o *store.Order) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.createOrder(ctx, tx, who, o) })
}

func (db *DB) createOrder(ctx context.Context, tx *sql.Tx, who string, o *store.Order) error {
	if err := validOrder(o); err != nil {
		return fmt.Errorf("create order: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO orders(enterprise_id, kind, cut_percent, level, start_at, end_at, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, o.EnterpriseID, o.Kind, o.CutPercent, o.Level, ms(o.Start), ms(o.End), o.Note)
	if err != nil {
		return fmt.Errorf("create order: %w", classify(err))
	}
	o.ID, _ = res.LastInsertId()
	if err := setMembers(ctx, tx, "order_facilities", "order_id", o.ID, o.FacilityIDs); err != nil {
		return fmt.Errorf("create order: %w", err)
	}
	if err := setMembers(ctx, tx, "order_exemptions", "order_id", o.ID, o.ExemptIDs); err != nil {
		return fmt.Errorf("create order: exemptions: %w", err)
	}
	return db.audit(ctx, tx, who, "create", "order", o.ID, nil, o)
}

// setMembers replaces the facility list of an order or filing.
func setMembers(ctx context.Context, tx *sql.Tx, table, col string, id int64, facilityIDs []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+col+` = ?`, id); err != nil {
		return classify(err)
	}
	for _, f := range facilityIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+`(`+col+`, facility_id) VALUES (?, ?)`, id, f); err != nil {
			return fmt.Errorf("facility %d: %w", f, classify(err))
		}
	}
	return nil
}

func members(ctx context.Context, q dbtx, table, col string, id int64) ([]int64, error) {
	return queryAll(ctx, q, func(s scanner) (v int64, err error) { err = s.Scan(&v); return v, err },
		`SELECT facility_id FROM `+table+` WHERE `+col+` = ? ORDER BY facility_id`, id)
}

func sameOrder(a, b store.Order) bool {
	return a.ID == b.ID && a.EnterpriseID == b.EnterpriseID && a.Kind == b.Kind && a.CutPercent == b.CutPercent &&
		a.Level == b.Level && a.Start.Equal(b.Start) && a.End.Equal(b.End) && a.Note == b.Note &&
		slices.Equal(a.FacilityIDs, b.FacilityIDs) && slices.Equal(a.ExemptIDs, b.ExemptIDs)
}

// UpdateOrder replaces order o.ID's fields and facility list.
func (db *DB) UpdateOrder(ctx context.Context, who string, o *store.Order) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := db.updateOrder(ctx, tx, who, o)
		return err
	})
}

func (db *DB) updateOrder(ctx context.Context, tx *sql.Tx, who string, o *store.Order) (bool, error) {
	if err := validOrder(o); err != nil {
		return false, fmt.Errorf("update order %d: %w", o.ID, err)
	}
	before, err := getOrder(ctx, tx, o.ID)
	if err != nil || sameOrder(before, *o) {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE orders SET enterprise_id = ?, kind = ?, cut_percent = ?, level = ?, start_at = ?,
		end_at = ?, note = ? WHERE id = ?`, o.EnterpriseID, o.Kind, o.CutPercent, o.Level, ms(o.Start), ms(o.End), o.Note, o.ID)
	if err != nil {
		return false, fmt.Errorf("update order %d: %w", o.ID, classify(err))
	}
	if err := setMembers(ctx, tx, "order_facilities", "order_id", o.ID, o.FacilityIDs); err != nil {
		return false, fmt.Errorf("update order %d: %w", o.ID, err)
	}
	if err := setMembers(ctx, tx, "order_exemptions", "order_id", o.ID, o.ExemptIDs); err != nil {
		return false, fmt.Errorf("update order %d: exemptions: %w", o.ID, err)
	}
	return true, db.audit(ctx, tx, who, "update", "order", o.ID, before, o)
}

// DeleteOrder removes order id.
func (db *DB) DeleteOrder(ctx context.Context, who string, id int64) error {
	return deleteRow(ctx, db, who, "order", "orders", "", id, getOrder)
}

// OrderByID returns order id, or an error wrapping store.ErrNotFound.
func (db *DB) OrderByID(ctx context.Context, id int64) (store.Order, error) {
	return getOrder(ctx, db.db, id)
}

func getOrder(ctx context.Context, q dbtx, id int64) (store.Order, error) {
	o, err := scanOrder(q.QueryRowContext(ctx, `SELECT `+orderCols+` FROM orders WHERE id = ?`, id))
	if err := notFound(err, "order", id); err != nil {
		return o, err
	}
	if o.FacilityIDs, err = members(ctx, q, "order_facilities", "order_id", id); err != nil {
		return o, err
	}
	o.ExemptIDs, err = members(ctx, q, "order_exemptions", "order_id", id)
	return o, err
}

// OrdersActiveAt returns the orders in force at t (Start ≤ t < End).
func (db *DB) OrdersActiveAt(ctx context.Context, t time.Time) ([]store.Order, error) {
	return db.FindOrders(ctx, store.OrderFilter{From: t, To: t.Add(time.Millisecond)})
}

// FindOrders returns the orders that match f, by start.
func (db *DB) FindOrders(ctx context.Context, f store.OrderFilter) ([]store.Order, error) {
	return findOrders(ctx, db.db, f)
}

func findOrders(ctx context.Context, q dbtx, f store.OrderFilter) ([]store.Order, error) {
	w := periodWhere(f.EnterpriseID, f.FacilityID, f.From, f.To, "order_facilities", "order_id")
	in(&w, "kind", f.Kinds)
	in(&w, "level", f.Levels)
	os, err := queryAll(ctx, q, scanOrder, `SELECT `+orderCols+` FROM orders`+w.sql()+` ORDER BY start_at, id`, w.args...)
	if err == nil && len(os) > 0 {
		index := make(map[int64]int, len(os))
		for i, o := range os {
			index[o.ID] = i
		}
		err = allMembers(ctx, q, "order_facilities", "order_id", "orders", w, func(id, facilityID int64) {
			if i, ok := index[id]; ok {
				os[i].FacilityIDs = append(os[i].FacilityIDs, facilityID)
			}
		})
		if err == nil {
			err = allMembers(ctx, q, "order_exemptions", "order_id", "orders", w, func(id, facilityID int64) {
				if i, ok := index[id]; ok {
					os[i].ExemptIDs = append(os[i].ExemptIDs, facilityID)
				}
			})
		}
	}
	if err != nil {
		return nil, fmt.Errorf("find orders: %w", err)
	}
	return os, nil
}

// allMembers reads the facility lists of every order or filing that w
// selects in one query, instead of one query per record.
func allMembers(ctx context.Context, q dbtx, table, col, parent string, w where, add func(id, facilityID int64)) error {
	rows, err := q.QueryContext(ctx, `SELECT mm.`+col+`, mm.facility_id FROM `+table+` mm JOIN `+parent+
		` ON `+parent+`.id = mm.`+col+w.sql()+` ORDER BY mm.`+col+`, mm.facility_id`, w.args...)
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, f int64
		if err := rows.Scan(&id, &f); err != nil {
			return err
		}
		add(id, f)
	}
	return classify(rows.Err())
}

// periodWhere selects orders or filings of an enterprise, covering a facility
// (listed, or the whole enterprise of that facility), overlapping [from, to).
func periodWhere(enterpriseID, facilityID int64, from, to time.Time, table, col string) where {
	var w where
	w.eqID("enterprise_id", enterpriseID)
	if facilityID != 0 {
		w.add(`enterprise_id = (SELECT enterprise_id FROM facilities WHERE id = ?) AND (
			NOT EXISTS (SELECT 1 FROM `+table+` m WHERE m.`+col+` = id) OR
			EXISTS (SELECT 1 FROM `+table+` m WHERE m.`+col+` = id AND m.facility_id = ?))`, facilityID, facilityID)
	}
	if !from.IsZero() {
		w.add("end_at > ?", ms(from))
	}
	if !to.IsZero() {
		w.add("start_at < ?", ms(to))
	}
	return w
}
