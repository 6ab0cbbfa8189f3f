package sqlite

import (
	"context"
	"fmt"
	"time"

	"powerwatch/store"
)

// AlarmEvidence returns an alarm with its reviews and the series of the points
// it concerns from margin before its start to margin after its end (now while
// open): its point, or its terminal's points, or its production facility with
// every linked treatment facility and its treatment facility, or — for an
// enterprise-wide alarm — every point of the enterprise.
func (db *DB) AlarmEvidence(ctx context.Context, id int64, margin time.Duration) (store.AlarmEvidence, error) {
	var ev store.AlarmEvidence
	a, err := db.AlarmByID(ctx, id)
	if err != nil {
		return ev, err
	}
	ev.Alarm = a
	if ev.Reviews, err = db.Reviews(ctx, id); err != nil {
		return ev, err
	}
	end := a.End
	if end.IsZero() {
		end = db.Now()
	}
	ev.From, ev.To = a.Start.Add(-margin), end.Add(margin)
	pids, err := db.evidencePoints(ctx, a)
	if err != nil {
		return ev, fmt.Errorf("evidence of alarm %d: %w", id, err)
	}
	ev.Series = make(map[int64][]store.Sample, len(pids))
	for _, pid := range pids {
		ss, err := db.Samples(ctx, pid, ev.From, ev.To)
		if err != nil {
			return ev, fmt.Errorf("evidence of alarm %d: %w", id, err)
		}
		ev.Series[pid] = ss
	}
	return ev, nil
}

func (db *DB) evidencePoints(ctx context.Context, a store.Alarm) ([]int64, error) {
	scanID := func(s scanner) (id int64, err error) { err = s.Scan(&id); return id, err }
	switch {
	case a.PointID != 0:
		return []int64{a.PointID}, nil
	case a.TerminalID != 0:
		return queryAll(ctx, db.db, scanID, `SELECT id FROM points WHERE terminal_id = ? ORDER BY id`, a.TerminalID)
	case a.ProductionID != 0 || a.TreatmentID != 0:
		return queryAll(ctx, db.db, scanID, `SELECT id FROM points WHERE facility_id IN (?, ?)
			OR facility_id IN (SELECT treatment_id FROM links WHERE production_id = ?) ORDER BY id`,
			a.ProductionID, a.TreatmentID, a.ProductionID)
	}
	return queryAll(ctx, db.db, scanID, `SELECT p.id FROM points p JOIN facilities f ON f.id = p.facility_id
		WHERE f.enterprise_id = ? ORDER BY p.id`, a.EnterpriseID)
}
