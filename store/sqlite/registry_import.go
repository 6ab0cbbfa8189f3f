package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"powerwatch/store"
)

// errDryRun rolls back an import that was only a rehearsal.
var errDryRun = errors.New("dry run")

// ImportRegistry applies checked registry rows in one transaction: all or
// nothing. Records are matched by their natural keys (see store.RegistryRow),
// so applying the same rows again changes nothing. Every change is audited as
// who, plus one "import" entry with the summary. With dryRun the transaction
// is rolled back and the summary says what would have happened.
func (db *DB) ImportRegistry(ctx context.Context, who string, rows []store.RegistryRow, dryRun bool) (store.ImportSummary, error) {
	var sum store.ImportSummary
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		im := newRegistryImport(ctx, db, tx, who, &sum)
		for i := range rows {
			if err := im.row(&rows[i]); err != nil {
				return fmt.Errorf("row %d: %w", rows[i].Row, err)
			}
		}
		for i := range rows {
			if err := im.links(&rows[i]); err != nil {
				return fmt.Errorf("row %d, 关联治理设施 treated_by: %w", rows[i].Row, err)
			}
		}
		if err := db.audit(ctx, tx, who, "import", "registry", 0, nil, sum); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	return finishImport(sum, dryRun, err, "import registry")
}

func finishImport(sum store.ImportSummary, dryRun bool, err error, what string) (store.ImportSummary, error) {
	if errors.Is(err, errDryRun) {
		sum.DryRun = true
		return sum, nil
	}
	if err != nil {
		return store.ImportSummary{}, fmt.Errorf("%s: %w", what, err)
	}
	return sum, nil
}

// registryImport remembers what this import already handled, so that an
// enterprise on twenty rows is counted and compared once.
type registryImport struct {
	ctx  context.Context
	db   *DB
	tx   *sql.Tx
	who  string
	sum  *store.ImportSummary
	ids  map[string]int64 // "kind\x00key" → id, for every record seen
	done map[string]bool  // links and thresholds handled, by facility
}

func newRegistryImport(ctx context.Context, db *DB, tx *sql.Tx, who string, sum *store.ImportSummary) *registryImport {
	return &registryImport{ctx: ctx, db: db, tx: tx, who: who, sum: sum, ids: map[string]int64{}, done: map[string]bool{}}
}

// count records an outcome once per record.
func count(c *store.ImportCounts, created, changed bool) {
	switch {
	case created:
		c.Created++
	case changed:
		c.Updated++
	default:
		c.Unchanged++
	}
}

func (im *registryImport) row(r *store.RegistryRow) error {
	entID, err := im.enterprise(r)
	if err != nil {
		return err
	}
	facID, err := im.facility(r, entID)
	if err != nil {
		return err
	}
	if r.MN != "" { // else a facility without a monitoring point yet
		termID, err := im.terminal(r, entID)
		if err != nil {
			return err
		}
		if err := im.point(r, termID, facID); err != nil {
			return err
		}
	}
	// After the point, so that a first threshold is anchored at the
	// installation date the row gives (anchorFirstThreshold).
	return im.threshold(r, facID)
}

// lookup returns the id of the first row of q, or 0.
func (im *registryImport) lookup(q string, args ...any) (int64, error) {
	var id int64
	err := im.tx.QueryRowContext(im.ctx, q, args...).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, classify(err)
}

func (im *registryImport) region(name string) (int64, error) {
	if name == "" {
		return 0, nil
	}
	if id, ok := im.ids["region\x00"+name]; ok {
		return id, nil
	}
	id, err := im.lookup(`SELECT id FROM regions WHERE name = ? AND parent_id IS NULL`, name)
	if err == nil && id == 0 {
		r := store.Region{Name: name}
		err = im.db.createRegion(im.ctx, im.tx, im.who, &r)
		id = r.ID
		count(&im.sum.Regions, true, false)
	}
	im.ids["region\x00"+name] = id
	return id, err
}

func (im *registryImport) industry(name string) (int64, error) {
	if name == "" {
		return 0, nil
	}
	if id, ok := im.ids["industry\x00"+name]; ok {
		return id, nil
	}
	id, err := im.lookup(`SELECT id FROM industries WHERE name = ?`, name)
	if err == nil && id == 0 {
		i := store.Industry{Name: name}
		err = im.db.createIndustry(im.ctx, im.tx, im.who, &i)
		id = i.ID
		count(&im.sum.Industries, true, false)
	}
	im.ids["industry\x00"+name] = id
	return id, err
}

func (im *registryImport) enterprise(r *store.RegistryRow) (int64, error) {
	key := "enterprise\x00" + r.Enterprise
	if id, ok := im.ids[key]; ok {
		return id, nil
	}
	regionID, err := im.region(r.District)
	if err != nil {
		return 0, err
	}
	industryID, err := im.industry(r.Industry)
	if err != nil {
		return 0, err
	}
	var id int64
	if r.USCC != "" {
		id, err = im.lookup(`SELECT id FROM enterprises WHERE uscc = ?`, r.USCC)
	}
	if err == nil && id == 0 {
		id, err = im.lookup(`SELECT id FROM enterprises WHERE name = ?`, r.Enterprise)
	}
	if err != nil {
		return 0, err
	}
	var e store.Enterprise
	if id != 0 {
		if e, err = getEnterprise(im.ctx, im.tx, id); err != nil {
			return 0, err
		}
	}
	e.Name = r.Enterprise
	if r.USCC != "" {
		e.USCC = r.USCC
	}
	if regionID != 0 {
		e.RegionID = regionID
	}
	if industryID != 0 {
		e.IndustryID = industryID
	}
	changed := false
	if id == 0 {
		err = im.db.createEnterprise(im.ctx, im.tx, im.who, &e)
	} else {
		changed, err = im.db.updateEnterprise(im.ctx, im.tx, im.who, &e)
	}
	if err != nil {
		return 0, err
	}
	count(&im.sum.Enterprises, id == 0, changed)
	im.ids[key] = e.ID
	return e.ID, nil
}

func (im *registryImport) facility(r *store.RegistryRow, entID int64) (int64, error) {
	key := fmt.Sprintf("facility\x00%d\x00%s", entID, r.Facility)
	if id, ok := im.ids[key]; ok {
		return id, nil
	}
	id, err := im.lookup(`SELECT id FROM facilities WHERE enterprise_id = ? AND name = ?`, entID, r.Facility)
	if err != nil {
		return 0, err
	}
	f := store.Facility{EnterpriseID: entID}
	if id != 0 {
		if f, err = getFacility(im.ctx, im.tx, id); err != nil {
			return 0, err
		}
	}
	f.Name, f.Kind = r.Facility, r.Kind
	if r.RatedKW > 0 {
		f.RatedKW = r.RatedKW
	}
	if r.Outlet != "" {
		f.Outlet = r.Outlet
	}
	if !r.Commissioned.IsZero() {
		f.CommissionedAt = r.Commissioned
	}
	// the file's 关联治理设施 cell, in the stage syntax, is the officer's
	// statement of what must run: the facility's links are confirmed
	f.LinksConfirmed = true
	changed := false
	if id == 0 {
		err = im.db.createFacility(im.ctx, im.tx, im.who, &f)
	} else {
		changed, err = im.db.updateFacility(im.ctx, im.tx, im.who, &f)
	}
	if err != nil {
		return 0, err
	}
	count(&im.sum.Facilities, id == 0, changed)
	im.ids[key] = f.ID
	return f.ID, nil
}

// threshold adds a threshold effective now when the row's differs from the
// newest stored one; history is kept.
func (im *registryImport) threshold(r *store.RegistryRow, facID int64) error {
	key := fmt.Sprintf("threshold\x00%d", facID)
	if r.Threshold == nil || im.done[key] {
		return nil
	}
	im.done[key] = true
	cur, err := scanThreshold(im.tx.QueryRowContext(im.ctx, `SELECT `+thresholdCols+` FROM thresholds
		WHERE facility_id = ? ORDER BY effective_from DESC LIMIT 1`, facID))
	if err != nil && err != sql.ErrNoRows {
		return classify(err)
	}
	want := *r.Threshold
	if want.Basis == "" {
		want.Basis = store.ByPower
	}
	if err == nil && cur.Basis == want.Basis && cur.Stop == want.Stop && cur.Run == want.Run && cur.Derived == want.Derived {
		count(&im.sum.Thresholds, false, false)
		return nil
	}
	want.ID, want.FacilityID, want.EffectiveFrom = 0, facID, norm(im.db.Now())
	if err == nil && !want.EffectiveFrom.After(cur.EffectiveFrom) {
		want.EffectiveFrom = cur.EffectiveFrom.Add(1e6) // two imports in one millisecond
	}
	count(&im.sum.Thresholds, true, false)
	return im.db.createThreshold(im.ctx, im.tx, im.who, &want)
}

func (im *registryImport) terminal(r *store.RegistryRow, entID int64) (int64, error) {
	key := "terminal\x00" + r.MN
	if id, ok := im.ids[key]; ok {
		return id, im.earlierTerminalDate(id, r.Installed)
	}
	t, err := getTerminal(im.ctx, im.tx, "mn", r.MN)
	found := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	t.MN, t.EnterpriseID = r.MN, entID
	if r.Password != "" {
		t.Password = r.Password
	}
	if !r.Installed.IsZero() && (t.InstalledAt.IsZero() || r.Installed.Before(t.InstalledAt)) {
		t.InstalledAt = r.Installed // the terminal's date is its first point's
	}
	changed := false
	if !found {
		err = im.db.createTerminal(im.ctx, im.tx, im.who, &t)
	} else {
		changed, err = im.db.updateTerminal(im.ctx, im.tx, im.who, &t)
	}
	if err != nil {
		return 0, err
	}
	count(&im.sum.Terminals, !found, changed)
	im.ids[key] = t.ID
	return t.ID, nil
}

// earlierTerminalDate moves terminal id's installation date back to a later
// row's point installed before the terminal's first row said.
func (im *registryImport) earlierTerminalDate(id int64, installed time.Time) error {
	if installed.IsZero() {
		return nil
	}
	t, err := terminalByID(im.ctx, im.tx, id)
	if err != nil || !installed.Before(t.InstalledAt) {
		return err
	}
	t.InstalledAt = installed
	_, err = im.db.updateTerminal(im.ctx, im.tx, im.who, &t)
	return err
}

func (im *registryImport) point(r *store.RegistryRow, termID, facID int64) error {
	codes := []string{r.PowerCode, r.CurrentCode, r.VoltageCode, r.EnergyCode}
	var id int64
	for _, c := range codes {
		if c == "" {
			continue
		}
		other, err := im.lookup(`SELECT point_id FROM point_codes WHERE terminal_id = ? AND code = ?`, termID, c)
		if err != nil {
			return err
		}
		if other != 0 && id != 0 && other != id {
			return fmt.Errorf("%w: the codes of MN %s belong to two stored points (%d, %d)", store.ErrConflict, r.MN, id, other)
		}
		if other != 0 {
			id = other
		}
	}
	p := store.Point{TerminalID: termID, CTRatio: 1}
	if id != 0 {
		var err error
		if p, err = getPoint(im.ctx, im.tx, id); err != nil {
			return err
		}
	}
	p.FacilityID, p.Name = facID, r.Facility
	if !r.Installed.IsZero() {
		p.InstalledAt = r.Installed
	}
	p.PowerCode, p.CurrentCode, p.VoltageCode, p.EnergyCode = r.PowerCode, r.CurrentCode, r.VoltageCode, r.EnergyCode
	var err error
	changed := false
	if id == 0 {
		err = im.db.createPoint(im.ctx, im.tx, im.who, &p)
	} else {
		changed, err = im.db.updatePoint(im.ctx, im.tx, im.who, &p)
	}
	count(&im.sum.Points, id == 0, changed)
	return err
}

// links makes the stored links of a production or integrated facility what
// the row lists: the file is the registry.
func (im *registryImport) links(r *store.RegistryRow) error {
	if r.Kind != store.Production && r.Kind != store.Integrated && r.Kind != store.Indirect {
		return nil
	}
	entID := im.ids["enterprise\x00"+r.Enterprise]
	prodID := im.ids[fmt.Sprintf("facility\x00%d\x00%s", entID, r.Facility)]
	key := fmt.Sprintf("links\x00%d", prodID)
	if im.done[key] {
		return nil
	}
	im.done[key] = true
	prod, err := scanFacility(im.tx.QueryRowContext(im.ctx, `SELECT `+facilityCols+` FROM facilities WHERE id = ?`, prodID))
	if err := notFound(err, "facility", prodID); err != nil {
		return err
	}
	n, err := im.db.syncLinks(im.ctx, im.tx, im.who, prod, r.TreatedBy)
	if err != nil {
		return fmt.Errorf("%w (enterprise %q)", err, r.Enterprise)
	}
	im.sum.Links.Created += n.Created
	im.sum.Links.Updated += n.Updated
	im.sum.Links.Unchanged += n.Unchanged
	im.sum.Links.Deleted += n.Deleted
	return nil
}
