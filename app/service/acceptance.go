package service

import (
	"context"
	"fmt"
	"time"

	"powerwatch/app/judge"
	"powerwatch/app/maintenance"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// Acceptance runs the acceptance / inspection test (§6.7.4, §6.10) of
// enterprise ent over what arrived in [from, to): each point passes or
// fails. The CLI (`acceptance`) and 运维 both call it.
func Acceptance(ctx context.Context, db *sqlite.DB, ent int64, from, to time.Time) ([]maintenance.PointResult, error) {
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		return nil, err
	}
	if _, ok := reg.Enterprise(ent); !ok {
		return nil, fmt.Errorf("enterprise %d: %w", ent, store.ErrNotFound)
	}
	aps, err := maintenance.AcceptancePoints(ctx, db, reg, ent, from, to)
	if err != nil {
		return nil, err
	}
	return maintenance.EvaluateAcceptance(aps), nil
}

// SaveTest stores a test's results as a maintenance record done by people,
// with the test's window [from, to), which the violation rules skip (试验),
// and re-judges that window at once, so that what the switching raised is
// marked 试验 now and not left in the queue until the next re-evaluation.
func SaveTest(ctx context.Context, db *sqlite.DB, who string, kind store.TaskKind, ent int64, from, to time.Time,
	people string, rs []maintenance.PointResult) (store.MaintenanceRecord, error) {
	rec := maintenance.AcceptanceRecord(kind, ent, to, rs)
	rec.People = people
	rec.TestFrom, rec.TestTo = from, to
	if err := db.AddRecord(ctx, who, &rec); err != nil {
		return rec, err
	}
	sc := store.AlarmScope{EnterpriseID: rec.EnterpriseID, From: rec.TestFrom, To: rec.TestTo.Add(time.Minute)}
	if err := judge.Reevaluate(ctx, db, []store.AlarmScope{sc}); err != nil {
		return rec, fmt.Errorf("re-judge the test window of record %d: %w", rec.ID, err)
	}
	return rec, nil
}
