package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"powerwatch/store"
)

// SetLinks makes the treatment links of production (or 产治一体, 间接用电)
// facility productionID what tbs says — the 关联治理设施 cell an officer typed
// in 一企一档, parsed by store.ParseTreatedBy — and marks them confirmed: the
// officer has said what must run, so an old ungrouped list loses its "one of
// them suffices" meaning. Units are named within the facility's enterprise.
// One transaction, every change audited.
func (db *DB) SetLinks(ctx context.Context, who string, productionID int64, tbs []store.TreatedBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		f, err := scanFacility(tx.QueryRowContext(ctx, `SELECT `+facilityCols+` FROM facilities WHERE id = ?`, productionID))
		if err := notFound(err, "facility", productionID); err != nil {
			return fmt.Errorf("set links: %w", err)
		}
		if f.Kind != store.Production && f.Kind != store.Integrated && f.Kind != store.Indirect {
			return fmt.Errorf("set links of %s: %w: a %s facility has no treatment links", f.Name, store.ErrInvalid, f.Kind)
		}
		if _, err := db.syncLinks(ctx, tx, who, f, tbs); err != nil {
			return fmt.Errorf("set links of %s: %w", f.Name, err)
		}
		if !f.LinksConfirmed {
			f.LinksConfirmed = true
			if _, err := db.updateFacility(ctx, tx, who, &f); err != nil {
				return fmt.Errorf("set links of %s: %w", f.Name, err)
			}
		}
		return nil
	})
}

// syncLinks makes the stored links of production facility prod those of
// tbs: units found by name in prod's enterprise, existing links updated in
// place (their ids and audit history kept), the rest created or deleted. The
// registry import and SetLinks share it so that a typed cell and an imported
// one mean the same.
func (db *DB) syncLinks(ctx context.Context, tx *sql.Tx, who string, prod store.Facility, tbs []store.TreatedBy) (store.ImportCounts, error) {
	var n store.ImportCounts
	stored, err := linksBy(ctx, tx, "production_id", prod.ID)
	if err != nil {
		return n, err
	}
	byTreatment := map[int64]store.Link{}
	for _, l := range stored {
		byTreatment[l.TreatmentID] = l
	}
	for _, tb := range tbs {
		var tid int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM facilities WHERE enterprise_id = ? AND name = ?`, prod.EnterpriseID, tb.Facility).Scan(&tid)
		if err == sql.ErrNoRows {
			return n, fmt.Errorf("%w: no facility %q in the enterprise", store.ErrNotFound, tb.Facility)
		}
		if err != nil {
			return n, fmt.Errorf("find facility %q: %w", tb.Facility, err)
		}
		if tid == prod.ID {
			return n, fmt.Errorf("%w: %q cannot treat itself", store.ErrInvalid, tb.Facility)
		}
		role := store.Active
		if tb.Standby {
			role = store.Standby
		}
		l, ok := byTreatment[tid]
		delete(byTreatment, tid)
		changed := false
		if !ok {
			l = store.Link{ProductionID: prod.ID, TreatmentID: tid, Role: role, Group: tb.Group, Need: tb.Need}
			err = db.createLink(ctx, tx, who, &l)
		} else {
			l.Role, l.Group, l.Need = role, tb.Group, tb.Need
			changed, err = db.updateLink(ctx, tx, who, &l)
		}
		if err != nil {
			return n, err
		}
		count(&n, !ok, changed)
	}
	for _, l := range byTreatment {
		if err := db.deleteLink(ctx, tx, who, l.ID); err != nil {
			return n, err
		}
		n.Deleted++
	}
	return n, nil
}
