package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"powerwatch/store"
)

// ReviewAlarm records a reviewer's disposition of an alarm with a note, sets
// it on the alarm, and writes the audit entry, all in one transaction. The
// disposition must be one of the fixed list (store.Confirmed …); reviewing
// again replaces the alarm's disposition and keeps the earlier reviews.
func (db *DB) ReviewAlarm(ctx context.Context, alarmID int64, d store.Disposition, note, reviewer string) (store.Review, error) {
	r := store.Review{AlarmID: alarmID, Disposition: d, Note: note, Reviewer: strings.TrimSpace(reviewer), At: norm(db.Now())}
	if !validDisposition(d) {
		return r, fmt.Errorf("review alarm %d: disposition %q: %w", alarmID, d, store.ErrInvalid)
	}
	if r.Reviewer == "" {
		return r, fmt.Errorf("review alarm %d: reviewer is empty: %w", alarmID, store.ErrInvalid)
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		before, err := alarmByID(ctx, tx, alarmID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO alarm_reviews(alarm_id, disposition, note, reviewer, at) VALUES (?, ?, ?, ?, ?)`,
			alarmID, d, note, r.Reviewer, ms(r.At))
		if err != nil {
			return err
		}
		r.ID, _ = res.LastInsertId()
		if _, err := tx.ExecContext(ctx, `UPDATE alarms SET disposition = ?, updated_at = ? WHERE id = ?`, d, ms(r.At), alarmID); err != nil {
			return err
		}
		type verdict struct {
			Disposition store.Disposition `json:"disposition"`
			Note        string            `json:"note,omitempty"`
			ReviewID    int64             `json:"review_id,omitempty"`
		}
		return db.audit(ctx, tx, r.Reviewer, "review", "alarm", alarmID,
			verdict{Disposition: before.Disposition}, verdict{Disposition: d, Note: note, ReviewID: r.ID})
	})
	if err != nil {
		return r, fmt.Errorf("review alarm %d: %w", alarmID, err)
	}
	return r, nil
}

func validDisposition(d store.Disposition) bool {
	switch d {
	case store.Confirmed, store.DeviceFault, store.CircuitFault, store.Filed, store.Commissioning,
		store.FalseThreshold, store.OtherDisposition:
		return true
	}
	return false
}

// Reviews returns the reviews of an alarm, oldest first.
func (db *DB) Reviews(ctx context.Context, alarmID int64) ([]store.Review, error) {
	out, err := queryAll(ctx, db.db, func(s scanner) (store.Review, error) {
		var r store.Review
		var at int64
		err := s.Scan(&r.ID, &r.AlarmID, &r.Disposition, &r.Note, &r.Reviewer, &at)
		r.At = fromMS(at)
		return r, err
	}, `SELECT id, alarm_id, disposition, note, reviewer, at FROM alarm_reviews WHERE alarm_id = ? ORDER BY at, id`, alarmID)
	if err != nil {
		return nil, fmt.Errorf("reviews of alarm %d: %w", alarmID, err)
	}
	return out, nil
}
