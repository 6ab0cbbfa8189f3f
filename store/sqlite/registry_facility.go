package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"powerwatch/store"
)

const facilityCols = `id, enterprise_id, name, kind, rated_kw, process, pollutants, outlet, commissioned_at, links_confirmed`

func scanFacility(s scanner) (f store.Facility, err error) {
	var commissioned int64
	err = s.Scan(&f.ID, &f.EnterpriseID, &f.Name, &f.Kind, &f.RatedKW, &f.Process, &f.Pollutants, &f.Outlet, &commissioned, &f.LinksConfirmed)
	f.CommissionedAt = fromMS(commissioned)
	return f, err
}

// ValidKind reports whether k is one of the facility kinds.

// validFacility normalises f and checks it (store.Facility.Validate).
func validFacility(f *store.Facility) error {
	f.Name = strings.TrimSpace(f.Name)
	f.CommissionedAt = norm(f.CommissionedAt)
	return f.Validate()
}

// CreateFacility adds a facility to its enterprise and sets f.ID. A name the
// enterprise already uses gives an error wrapping store.ErrConflict.
func (db *DB) CreateFacility(ctx context.Context, who string, f *store.Facility) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.createFacility(ctx, tx, who, f) })
}

func (db *DB) createFacility(ctx context.Context, tx *sql.Tx, who string, f *store.Facility) error {
	if err := validFacility(f); err != nil {
		return fmt.Errorf("create facility: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO facilities(enterprise_id, name, kind, rated_kw, process, pollutants, outlet, commissioned_at, links_confirmed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.EnterpriseID, f.Name, f.Kind, f.RatedKW, f.Process, f.Pollutants, f.Outlet, ms(f.CommissionedAt), f.LinksConfirmed)
	if err != nil {
		return fmt.Errorf("create facility %q: %w", f.Name, classify(err))
	}
	f.ID, _ = res.LastInsertId()
	return db.audit(ctx, tx, who, "create", "facility", f.ID, nil, f)
}

// UpdateFacility replaces facility f.ID's fields.
func (db *DB) UpdateFacility(ctx context.Context, who string, f *store.Facility) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := db.updateFacility(ctx, tx, who, f)
		return err
	})
}

func (db *DB) updateFacility(ctx context.Context, tx *sql.Tx, who string, f *store.Facility) (bool, error) {
	if err := validFacility(f); err != nil {
		return false, fmt.Errorf("update facility %d: %w", f.ID, err)
	}
	before, err := getFacility(ctx, tx, f.ID)
	if err != nil || before == *f {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE facilities SET enterprise_id = ?, name = ?, kind = ?, rated_kw = ?,
		process = ?, pollutants = ?, outlet = ?, commissioned_at = ?, links_confirmed = ? WHERE id = ?`,
		f.EnterpriseID, f.Name, f.Kind, f.RatedKW, f.Process, f.Pollutants, f.Outlet, ms(f.CommissionedAt), f.LinksConfirmed, f.ID)
	if err != nil {
		return false, fmt.Errorf("update facility %d: %w", f.ID, classify(err))
	}
	return true, db.audit(ctx, tx, who, "update", "facility", f.ID, before, f)
}

// DeleteFacility removes a facility with its links, thresholds and order and
// filing entries. It is refused (store.ErrConflict) while points watch it.
func (db *DB) DeleteFacility(ctx context.Context, who string, id int64) error {
	return deleteRow(ctx, db, who, "facility", "facilities", " (delete its points first)", id, getFacility)
}

// FacilityByID returns facility id, or an error wrapping store.ErrNotFound.
func (db *DB) FacilityByID(ctx context.Context, id int64) (store.Facility, error) {
	return getFacility(ctx, db.db, id)
}

func getFacility(ctx context.Context, q dbtx, id int64) (store.Facility, error) {
	f, err := scanFacility(q.QueryRowContext(ctx, `SELECT `+facilityCols+` FROM facilities WHERE id = ?`, id))
	return f, notFound(err, "facility", id)
}

// FacilitiesByEnterprise returns the facilities of enterprise id, by name.
func (db *DB) FacilitiesByEnterprise(ctx context.Context, enterpriseID int64) ([]store.Facility, error) {
	return db.FindFacilities(ctx, store.FacilityFilter{EnterpriseID: enterpriseID})
}

// FindFacilities returns the facilities that match f, by enterprise and name.
func (db *DB) FindFacilities(ctx context.Context, f store.FacilityFilter) ([]store.Facility, error) {
	var w where
	w.eqID("enterprise_id", f.EnterpriseID)
	w.like("name", f.Name)
	in(&w, "kind", f.Kinds)
	fs, err := queryAll(ctx, db.db, scanFacility, `SELECT `+facilityCols+` FROM facilities`+w.sql()+
		` ORDER BY enterprise_id, name`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("find facilities: %w", err)
	}
	return fs, nil
}

const linkCols = `id, production_id, treatment_id, role, grp, need`

func scanLink(s scanner) (l store.Link, err error) {
	err = s.Scan(&l.ID, &l.ProductionID, &l.TreatmentID, &l.Role, &l.Group, &l.Need)
	return l, err
}

// validLink fills l's default role and checks it (store.Link.Validate).
func validLink(l *store.Link) error {
	if l.Role == "" {
		l.Role = store.Active
	}
	return l.Validate()
}

// CreateLink adds a production → treatment link and sets l.ID. An empty Role
// means active.
func (db *DB) CreateLink(ctx context.Context, who string, l *store.Link) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.createLink(ctx, tx, who, l) })
}

func (db *DB) createLink(ctx context.Context, tx *sql.Tx, who string, l *store.Link) error {
	if err := validLink(l); err != nil {
		return fmt.Errorf("create link: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO links(production_id, treatment_id, role, grp, need) VALUES (?, ?, ?, ?, ?)`,
		l.ProductionID, l.TreatmentID, l.Role, l.Group, l.Need)
	if err != nil {
		return fmt.Errorf("create link %d → %d: %w", l.ProductionID, l.TreatmentID, classify(err))
	}
	l.ID, _ = res.LastInsertId()
	return db.audit(ctx, tx, who, "create", "link", l.ID, nil, l)
}

// UpdateLink replaces link l.ID's fields.
func (db *DB) UpdateLink(ctx context.Context, who string, l *store.Link) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := db.updateLink(ctx, tx, who, l)
		return err
	})
}

func (db *DB) updateLink(ctx context.Context, tx *sql.Tx, who string, l *store.Link) (bool, error) {
	if err := validLink(l); err != nil {
		return false, fmt.Errorf("update link %d: %w", l.ID, err)
	}
	before, err := scanLink(tx.QueryRowContext(ctx, `SELECT `+linkCols+` FROM links WHERE id = ?`, l.ID))
	if err := notFound(err, "link", l.ID); err != nil || before == *l {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE links SET production_id = ?, treatment_id = ?, role = ?, grp = ?, need = ? WHERE id = ?`,
		l.ProductionID, l.TreatmentID, l.Role, l.Group, l.Need, l.ID)
	if err != nil {
		return false, fmt.Errorf("update link %d: %w", l.ID, classify(err))
	}
	return true, db.audit(ctx, tx, who, "update", "link", l.ID, before, l)
}

// DeleteLink removes link id.
func (db *DB) DeleteLink(ctx context.Context, who string, id int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.deleteLink(ctx, tx, who, id) })
}

func (db *DB) deleteLink(ctx context.Context, tx *sql.Tx, who string, id int64) error {
	before, err := scanLink(tx.QueryRowContext(ctx, `SELECT `+linkCols+` FROM links WHERE id = ?`, id))
	if err := notFound(err, "link", id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM links WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete link %d: %w", id, classify(err))
	}
	return db.audit(ctx, tx, who, "delete", "link", id, before, nil)
}

// LinksByProduction returns the links of production facility id, active ones first.
func (db *DB) LinksByProduction(ctx context.Context, productionID int64) ([]store.Link, error) {
	return linksBy(ctx, db.db, "production_id", productionID)
}

// LinksByTreatment returns the links that end at treatment facility id.
func (db *DB) LinksByTreatment(ctx context.Context, treatmentID int64) ([]store.Link, error) {
	return linksBy(ctx, db.db, "treatment_id", treatmentID)
}

func linksBy(ctx context.Context, q dbtx, col string, id int64) ([]store.Link, error) {
	ls, err := queryAll(ctx, q, scanLink, `SELECT `+linkCols+` FROM links WHERE `+col+` = ? ORDER BY role, id`, id)
	if err != nil {
		return nil, fmt.Errorf("links by %s %d: %w", col, id, err)
	}
	return ls, nil
}

const thresholdCols = `id, facility_id, basis, stop, run, min_persist_s, effective_from, derived, note`

func scanThreshold(s scanner) (t store.Threshold, err error) {
	var persist, from int64
	err = s.Scan(&t.ID, &t.FacilityID, &t.Basis, &t.Stop, &t.Run, &persist, &from, &t.Derived, &t.Note)
	t.MinPersist = time.Duration(persist) * time.Second
	t.EffectiveFrom = fromMS(from)
	return t, err
}

// validThreshold fills t's default basis and checks it (store.Threshold.Validate).
func validThreshold(t *store.Threshold) error {
	if t.Basis == "" {
		t.Basis = store.ByPower
	}
	t.EffectiveFrom = norm(t.EffectiveFrom)
	return t.Validate()
}

// CreateThreshold adds a threshold to facility t.FacilityID's history and sets
// t.ID. It is in force from t.EffectiveFrom (now when zero) until the next one;
// earlier thresholds are kept. An empty Basis means power. The facility's
// first threshold is in force from the earliest installation date of its
// points instead (see anchorFirstThreshold), so that data older than the
// threshold's creation is judged.
func (db *DB) CreateThreshold(ctx context.Context, who string, t *store.Threshold) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.createThreshold(ctx, tx, who, t) })
}

func (db *DB) createThreshold(ctx context.Context, tx *sql.Tx, who string, t *store.Threshold) error {
	if err := validThreshold(t); err != nil {
		return fmt.Errorf("create threshold: %w", err)
	}
	if t.EffectiveFrom.IsZero() {
		t.EffectiveFrom = norm(db.Now())
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO thresholds(facility_id, basis, stop, run, min_persist_s, effective_from, derived, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.FacilityID, t.Basis, t.Stop, t.Run, int64(t.MinPersist/time.Second),
		ms(t.EffectiveFrom), t.Derived, t.Note)
	if err != nil {
		return fmt.Errorf("create threshold of facility %d: %w", t.FacilityID, classify(err))
	}
	t.ID, _ = res.LastInsertId()
	if err := db.audit(ctx, tx, who, "create", "threshold", t.ID, nil, t); err != nil {
		return err
	}
	first, err := db.anchorFirstThreshold(ctx, tx, who, t.FacilityID)
	if err == nil && first.ID == t.ID {
		t.EffectiveFrom = first.EffectiveFrom
	}
	return err
}

// UpdateThreshold corrects threshold t.ID in place. To change a facility's
// threshold from now on, create a new one instead, so old alarms stay explained.
func (db *DB) UpdateThreshold(ctx context.Context, who string, t *store.Threshold) error {
	if err := validThreshold(t); err != nil {
		return fmt.Errorf("update threshold %d: %w", t.ID, err)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getThreshold(ctx, tx, t.ID)
		if err != nil || before == *t {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE thresholds SET facility_id = ?, basis = ?, stop = ?, run = ?, min_persist_s = ?,
			effective_from = ?, derived = ?, note = ? WHERE id = ?`, t.FacilityID, t.Basis, t.Stop, t.Run,
			int64(t.MinPersist/time.Second), ms(t.EffectiveFrom), t.Derived, t.Note, t.ID)
		if err != nil {
			return fmt.Errorf("update threshold %d: %w", t.ID, classify(err))
		}
		return db.audit(ctx, tx, who, "update", "threshold", t.ID, before, t)
	})
}

// DeleteThreshold removes threshold id from its facility's history.
func (db *DB) DeleteThreshold(ctx context.Context, who string, id int64) error {
	return deleteRow(ctx, db, who, "threshold", "thresholds", "", id, getThreshold)
}

func getThreshold(ctx context.Context, q dbtx, id int64) (store.Threshold, error) {
	t, err := scanThreshold(q.QueryRowContext(ctx, `SELECT `+thresholdCols+` FROM thresholds WHERE id = ?`, id))
	return t, notFound(err, "threshold", id)
}

// ThresholdsFor returns facility id's threshold history, oldest first.
func (db *DB) ThresholdsFor(ctx context.Context, facilityID int64) ([]store.Threshold, error) {
	ts, err := queryAll(ctx, db.db, scanThreshold, `SELECT `+thresholdCols+` FROM thresholds
		WHERE facility_id = ? ORDER BY effective_from`, facilityID)
	if err != nil {
		return nil, fmt.Errorf("thresholds of facility %d: %w", facilityID, err)
	}
	return ts, nil
}

// ThresholdAt returns the threshold of facility id in force at t: the latest
// one effective at or before t. It wraps store.ErrNotFound when none is.
func (db *DB) ThresholdAt(ctx context.Context, facilityID int64, t time.Time) (store.Threshold, error) {
	th, err := scanThreshold(db.db.QueryRowContext(ctx, `SELECT `+thresholdCols+` FROM thresholds
		WHERE facility_id = ? AND effective_from <= ? ORDER BY effective_from DESC LIMIT 1`, facilityID, ms(t)))
	return th, notFound(err, fmt.Sprintf("threshold of facility %d at", facilityID), t.Format(time.RFC3339))
}

// anchorFirstThreshold puts facility facID's first threshold in force from
// the earliest installation date of its points: it was the facility's
// threshold from the day its data began, whenever it was typed in, and
// without it nothing before its creation could be judged. It is only ever
// moved earlier, and left alone while no point has a date; later thresholds
// are edits and stay in force from when they were made. It returns the first
// threshold (zero when the facility has none).
func (db *DB) anchorFirstThreshold(ctx context.Context, tx *sql.Tx, who string, facID int64) (store.Threshold, error) {
	first, err := scanThreshold(tx.QueryRowContext(ctx, `SELECT `+thresholdCols+` FROM thresholds
		WHERE facility_id = ? ORDER BY effective_from LIMIT 1`, facID))
	if err == sql.ErrNoRows {
		return store.Threshold{}, nil
	}
	if err != nil {
		return first, fmt.Errorf("first threshold of facility %d: %w", facID, classify(err))
	}
	var installed int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(min(installed_at), 0) FROM points
		WHERE facility_id = ? AND installed_at > 0`, facID).Scan(&installed); err != nil {
		return first, fmt.Errorf("installation date of facility %d: %w", facID, classify(err))
	}
	if installed == 0 || ms(first.EffectiveFrom) <= installed {
		return first, nil
	}
	before := first
	first.EffectiveFrom = fromMS(installed)
	if _, err := tx.ExecContext(ctx, `UPDATE thresholds SET effective_from = ? WHERE id = ?`, installed, first.ID); err != nil {
		return before, fmt.Errorf("anchor first threshold of facility %d: %w", facID, classify(err))
	}
	return first, db.audit(ctx, tx, who, "update", "threshold", first.ID, before, first)
}
