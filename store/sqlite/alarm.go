package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"powerwatch/store"
)

const alarmCols = `a.id, a.type, a.grade, a.status, coalesce(a.enterprise_id, 0), coalesce(a.production_id, 0),
	coalesce(a.treatment_id, 0), coalesce(a.point_id, 0), coalesce(a.terminal_id, 0), coalesce(a.order_id, 0),
	coalesce(a.filing_id, 0), a.start_at, a.end_at, a.rule_version, a.thresholds, a.detail, a.disposition, a.updated_at, a.trial`

func scanAlarm(s scanner) (store.Alarm, error) {
	var a store.Alarm
	var start, end, upd int64
	err := s.Scan(&a.ID, &a.Type, &a.Grade, &a.Status, &a.EnterpriseID, &a.ProductionID, &a.TreatmentID, &a.PointID,
		&a.TerminalID, &a.OrderID, &a.FilingID, &start, &end, &a.RuleVersion, &a.Thresholds, &a.Detail, &a.Disposition, &upd, &a.Trial)
	a.Start, a.End, a.UpdatedAt = fromMS(start), fromMS(end), fromMS(upd)
	return a, err
}

// FindAlarms returns the alarms that match f, by start (newest first). From/To
// select alarms overlapping [From, To); an open alarm extends to now.
func (db *DB) FindAlarms(ctx context.Context, f store.AlarmFilter) ([]store.Alarm, error) {
	var w where
	if !f.To.IsZero() {
		w.add("a.start_at < ?", ms(f.To))
	}
	if !f.From.IsZero() {
		w.add("(a.end_at = 0 OR a.end_at > ?)", ms(f.From))
	}
	in(&w, "a.type", f.Types)
	if len(f.Groups) > 0 {
		var ts []store.AlarmType
		for _, g := range f.Groups {
			ts = append(ts, store.TypesOf(g)...)
		}
		if len(ts) == 0 {
			w.add("0") // a group no type belongs to yet (违法嫌疑) selects nothing
		}
		in(&w, "a.type", ts)
	}
	in(&w, "a.grade", f.Grades)
	in(&w, "a.status", f.Statuses)
	in(&w, "a.disposition", f.Dispositions)
	w.eqID("a.enterprise_id", f.EnterpriseID)
	switch f.Trial {
	case store.TrialNo:
		w.add("a.trial = 0")
	case store.TrialOnly:
		w.add("a.trial = 1")
	}
	if f.Enterprise != "" {
		w.add("a.enterprise_id IN (SELECT id FROM enterprises WHERE name LIKE ? ESCAPE '\\')", "%"+escapeLike(f.Enterprise)+"%")
	}
	q := `SELECT ` + alarmCols + ` FROM alarms a` + w.sql() + ` ORDER BY a.start_at DESC, a.id DESC` + limit(f.Limit, f.Offset)
	out, err := queryAll(ctx, db.db, scanAlarm, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("find alarms: %w", err)
	}
	return out, nil
}

// AlarmByID returns one alarm, or store.ErrNotFound.
func (db *DB) AlarmByID(ctx context.Context, id int64) (store.Alarm, error) {
	return alarmByID(ctx, db.db, id)
}

func alarmByID(ctx context.Context, q dbtx, id int64) (store.Alarm, error) {
	a, err := scanAlarm(q.QueryRowContext(ctx, `SELECT `+alarmCols+` FROM alarms a WHERE a.id = ?`, id))
	return a, notFound(err, "alarm", id)
}

// OpenAlarms returns every open alarm, for the engine's Resume at start-up.
func (db *DB) OpenAlarms(ctx context.Context) ([]store.Alarm, error) {
	return db.FindAlarms(ctx, store.AlarmFilter{Statuses: []store.AlarmStatus{store.Open}})
}

// changedAfterReview marks, once, the detail of a reviewed alarm that new data
// changed, so the reviewer's verdict is read against the new facts.
const changedAfterReview = " · 复核后数据变更 / changed after review"

// ReconcileAlarms makes the stored alarms inside scope agree with computed, the
// alarms an evaluation of that scope returned, in one transaction: a computed
// alarm that matches a stored one (store.SameEpisode) updates it, a new one is
// inserted, and a stored alarm no longer computed is withdrawn, never deleted.
// A reviewed alarm keeps its review; when data changes it, its detail says so
// and the change is audited. It returns the alarms it inserted or changed,
// with their ids.
func (db *DB) ReconcileAlarms(ctx context.Context, scope store.AlarmScope, computed []store.Alarm) ([]store.Alarm, error) {
	var changed []store.Alarm
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		stored, err := storedInScope(ctx, tx, scope)
		if err != nil {
			return err
		}
		used := make([]bool, len(stored))
		for _, c := range computed {
			if !scope.Contains(c) {
				continue
			}
			k := matchStored(stored, used, c)
			a, did, err := db.reconcileOne(ctx, tx, stored, k, c)
			if err != nil {
				return err
			}
			if k >= 0 {
				used[k] = true
			}
			if did {
				changed = append(changed, a)
			}
		}
		for k, s := range stored {
			if used[k] || s.Status == store.Withdrawn {
				continue
			}
			// A violation whose data a later frame of the same time revised
			// is never withdrawn by the revision: it stays for review.
			if s.Type.IsViolation() {
				revised, err := isRevised(ctx, tx, s.ID)
				if err != nil {
					return err
				}
				if revised {
					continue
				}
			}
			w := s
			w.Status = store.Withdrawn
			if err := db.updateAlarm(ctx, tx, s, w); err != nil {
				return err
			}
			changed = append(changed, w)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reconcile alarms: %w", err)
	}
	return changed, nil
}

func storedInScope(ctx context.Context, tx *sql.Tx, scope store.AlarmScope) ([]store.Alarm, error) {
	var w where
	w.add("a.start_at >= ? AND a.start_at < ?", ms(scope.From), ms(scope.To))
	w.eqID("a.enterprise_id", scope.EnterpriseID)
	in(&w, "a.type", scope.Types)
	return queryAll(ctx, tx, scanAlarm, `SELECT `+alarmCols+` FROM alarms a`+w.sql()+` ORDER BY a.start_at, a.id`, w.args...)
}

// matchStored returns the index of the stored alarm c continues: the same
// episode, preferring the same start and then one not withdrawn; -1 if none.
func matchStored(stored []store.Alarm, used []bool, c store.Alarm) int {
	best, score := -1, -1
	for k, s := range stored {
		if used[k] || !store.SameEpisode(s, c) {
			continue
		}
		sc := 0
		if s.Start.Equal(c.Start) {
			sc += 2
		}
		if s.Status != store.Withdrawn {
			sc++
		}
		if sc > score {
			best, score = k, sc
		}
	}
	return best
}

// reconcileOne inserts c (k < 0) or updates stored[k] to c, reporting whether
// anything changed.
func (db *DB) reconcileOne(ctx context.Context, tx *sql.Tx, stored []store.Alarm, k int, c store.Alarm) (store.Alarm, bool, error) {
	if k < 0 {
		c.Disposition = store.Undecided
		err := db.insertAlarm(ctx, tx, &c)
		return c, err == nil, err
	}
	s := stored[k]
	next := c
	next.ID, next.Disposition = s.ID, s.Disposition
	base := strings.TrimSuffix(s.Detail, changedAfterReview)
	if !material(s, c) && base == c.Detail && s.Thresholds == c.Thresholds && s.RuleVersion == c.RuleVersion {
		return s, false, nil
	}
	if s.Disposition != store.Undecided && (material(s, c) || base != s.Detail) {
		next.Detail = c.Detail + changedAfterReview // once changed after review, it stays said
	}
	if err := db.updateAlarm(ctx, tx, s, next); err != nil {
		return next, false, err
	}
	return next, true, nil
}

// material reports whether b changes what a reviewer judged in a.
func material(a, b store.Alarm) bool {
	return !a.Start.Equal(b.Start) || !a.End.Equal(b.End) || a.Status != b.Status || a.Grade != b.Grade ||
		a.FilingID != b.FilingID || a.TreatmentID != b.TreatmentID || a.Trial != b.Trial
}

func (db *DB) insertAlarm(ctx context.Context, tx *sql.Tx, a *store.Alarm) error {
	now := ms(db.Now())
	res, err := tx.ExecContext(ctx, `INSERT INTO alarms(type, grade, status, enterprise_id, production_id, treatment_id,
		point_id, terminal_id, order_id, filing_id, start_at, end_at, rule_version, thresholds, detail, disposition, created_at, updated_at,
		trial) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.Type, a.Grade, a.Status, nullID(a.EnterpriseID), nullID(a.ProductionID), nullID(a.TreatmentID),
		nullID(a.PointID), nullID(a.TerminalID), nullID(a.OrderID), nullID(a.FilingID), ms(a.Start), ms(a.End),
		a.RuleVersion, a.Thresholds, a.Detail, a.Disposition, now, now, a.Trial)
	if err != nil {
		return fmt.Errorf("insert %s alarm at %s: %w", a.Type, a.Start.Format("2006-01-02 15:04"), classify(err))
	}
	a.ID, _ = res.LastInsertId()
	a.UpdatedAt = fromMS(now)
	return nil
}

// updateAlarm writes next over the stored alarm old. A change to a reviewed
// alarm is audited, by "system", with both versions.
func (db *DB) updateAlarm(ctx context.Context, tx *sql.Tx, old store.Alarm, next store.Alarm) error {
	if old.Type.IsViolation() && !strings.Contains(next.Detail, dataRevised) {
		// A violation whose data a later frame of the same time revised
		// keeps saying so (issue 17).
		revised, err := isRevised(ctx, tx, old.ID)
		if err != nil {
			return fmt.Errorf("update alarm %d: %w", old.ID, err)
		}
		if revised {
			base, reviewed := strings.CutSuffix(next.Detail, changedAfterReview)
			next.Detail = base + dataRevised
			if reviewed {
				next.Detail += changedAfterReview
			}
		}
	}
	if old.Disposition != store.Undecided && material(old, next) && !strings.HasSuffix(next.Detail, changedAfterReview) {
		next.Detail += changedAfterReview
	}
	now := ms(db.Now())
	_, err := tx.ExecContext(ctx, `UPDATE alarms SET grade = ?, status = ?, treatment_id = ?, filing_id = ?, start_at = ?,
		end_at = ?, rule_version = ?, thresholds = ?, detail = ?, updated_at = ?, trial = ? WHERE id = ?`,
		next.Grade, next.Status, nullID(next.TreatmentID), nullID(next.FilingID), ms(next.Start), ms(next.End),
		next.RuleVersion, next.Thresholds, next.Detail, now, next.Trial, old.ID)
	if err != nil {
		return fmt.Errorf("update alarm %d: %w", old.ID, classify(err))
	}
	if old.Disposition != store.Undecided && material(old, next) {
		return db.audit(ctx, tx, "system", "update", "alarm", old.ID, old, next)
	}
	return nil
}
