package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"powerwatch/store"
)

const terminalCols = `id, mn, password, sm4_key, coalesce(enterprise_id, 0), protocol, rtd_interval_s, min_interval_s,
	installed_at, firmware, last_seen, remote_addr`

func scanTerminal(s scanner) (t store.Terminal, err error) {
	var rtd, min, installed, seen int64
	err = s.Scan(&t.ID, &t.MN, &t.Password, &t.SM4Key, &t.EnterpriseID, &t.Protocol, &rtd, &min,
		&installed, &t.Firmware, &seen, &t.RemoteAddr)
	t.RtdInterval, t.MinInterval = time.Duration(rtd)*time.Second, time.Duration(min)*time.Second
	t.InstalledAt, t.LastSeen = fromMS(installed), fromMS(seen)
	return t, err
}

// CreateTerminal adds a terminal and sets t.ID. The MN is kept exactly as the
// terminal sends it (hj212.md: key devices by the raw string); an MN already
// registered gives an error wrapping store.ErrConflict.
func (db *DB) CreateTerminal(ctx context.Context, who string, t *store.Terminal) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.createTerminal(ctx, tx, who, t) })
}

func (db *DB) createTerminal(ctx context.Context, tx *sql.Tx, who string, t *store.Terminal) error {
	t.MN = strings.TrimSpace(t.MN)
	t.InstalledAt, t.LastSeen = norm(t.InstalledAt), norm(t.LastSeen)
	if err := t.Validate(); err != nil {
		return fmt.Errorf("create terminal: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO terminals(mn, password, sm4_key, enterprise_id, protocol, rtd_interval_s,
		min_interval_s, installed_at, firmware, last_seen, remote_addr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.MN, t.Password, t.SM4Key, nullID(t.EnterpriseID), t.Protocol, int64(t.RtdInterval/time.Second),
		int64(t.MinInterval/time.Second), ms(t.InstalledAt), t.Firmware, ms(t.LastSeen), t.RemoteAddr)
	if err != nil {
		return fmt.Errorf("create terminal %s: %w", t.MN, classify(err))
	}
	t.ID, _ = res.LastInsertId()
	return db.audit(ctx, tx, who, "create", "terminal", t.ID, nil, t)
}

// UpdateTerminal replaces terminal t.ID's registry fields. LastSeen, RemoteAddr
// and Protocol are the listener's (see TouchTerminal) and are left as stored.
func (db *DB) UpdateTerminal(ctx context.Context, who string, t *store.Terminal) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := db.updateTerminal(ctx, tx, who, t)
		return err
	})
}

func (db *DB) updateTerminal(ctx context.Context, tx *sql.Tx, who string, t *store.Terminal) (bool, error) {
	t.MN = strings.TrimSpace(t.MN)
	t.InstalledAt = norm(t.InstalledAt)
	if err := t.Validate(); err != nil {
		return false, fmt.Errorf("update terminal %d: %w", t.ID, err)
	}
	before, err := getTerminal(ctx, tx, "id", t.ID)
	if err != nil {
		return false, err
	}
	t.LastSeen, t.RemoteAddr, t.Protocol = before.LastSeen, before.RemoteAddr, before.Protocol
	if before == *t {
		return false, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE terminals SET mn = ?, password = ?, sm4_key = ?, enterprise_id = ?,
		rtd_interval_s = ?, min_interval_s = ?, installed_at = ?, firmware = ? WHERE id = ?`,
		t.MN, t.Password, t.SM4Key, nullID(t.EnterpriseID), int64(t.RtdInterval/time.Second),
		int64(t.MinInterval/time.Second), ms(t.InstalledAt), t.Firmware, t.ID)
	if err != nil {
		return false, fmt.Errorf("update terminal %d: %w", t.ID, classify(err))
	}
	return true, db.audit(ctx, tx, who, "update", "terminal", t.ID, before, t)
}

// TouchTerminal records that the terminal mn was heard at seen from remote,
// speaking protocol (left unchanged when empty). It is the listener's
// bookkeeping, not an operator's change, so it writes no audit entry. An
// unregistered MN gives an error wrapping store.ErrNotFound.
func (db *DB) TouchTerminal(ctx context.Context, mn string, seen time.Time, remote, protocol string) error {
	res, err := db.db.ExecContext(ctx, `UPDATE terminals SET last_seen = max(last_seen, ?), remote_addr = ?,
		protocol = CASE WHEN ? = '' THEN protocol ELSE ? END WHERE mn = ?`, ms(seen), remote, protocol, protocol, mn)
	if err != nil {
		return fmt.Errorf("touch terminal %s: %w", mn, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("touch terminal %s: %w", mn, store.ErrNotFound)
	}
	return nil
}

// DeleteTerminal removes terminal id. It is refused (store.ErrConflict) while
// points are defined on it.
func (db *DB) DeleteTerminal(ctx context.Context, who string, id int64) error {
	return deleteRow(ctx, db, who, "terminal", "terminals", " (delete its points first)", id, terminalByID)
}

// TerminalByID returns terminal id, or an error wrapping store.ErrNotFound.
func (db *DB) TerminalByID(ctx context.Context, id int64) (store.Terminal, error) {
	return getTerminal(ctx, db.db, "id", id)
}

// TerminalByMN returns the terminal with the MN, or an error wrapping store.ErrNotFound.
func (db *DB) TerminalByMN(ctx context.Context, mn string) (store.Terminal, error) {
	return getTerminal(ctx, db.db, "mn", mn)
}

// terminalByID is getTerminal by id, in the shape deleteRow takes.
func terminalByID(ctx context.Context, q dbtx, id int64) (store.Terminal, error) {
	return getTerminal(ctx, q, "id", id)
}

func getTerminal(ctx context.Context, q dbtx, col string, key any) (store.Terminal, error) {
	t, err := scanTerminal(q.QueryRowContext(ctx, `SELECT `+terminalCols+` FROM terminals WHERE `+col+` = ?`, key))
	return t, notFound(err, "terminal", key)
}

// FindTerminals returns the terminals that match f, by MN.
func (db *DB) FindTerminals(ctx context.Context, f store.TerminalFilter) ([]store.Terminal, error) {
	var w where
	w.eqID("enterprise_id", f.EnterpriseID)
	w.like("mn", f.MN)
	ts, err := queryAll(ctx, db.db, scanTerminal, `SELECT `+terminalCols+` FROM terminals`+w.sql()+` ORDER BY mn`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("find terminals: %w", err)
	}
	return ts, nil
}

const pointCols = `p.id, p.terminal_id, p.facility_id, p.name, p.power_code, p.current_code, p.voltage_code,
	p.energy_code, p.pf_code, p.state_code, p.ct_ratio, p.installed_at`

func scanPoint(s scanner) (p store.Point, err error) {
	var installed int64
	err = s.Scan(&p.ID, &p.TerminalID, &p.FacilityID, &p.Name, &p.PowerCode, &p.CurrentCode, &p.VoltageCode,
		&p.EnergyCode, &p.PFCode, &p.StateCode, &p.CTRatio, &installed)
	p.InstalledAt = fromMS(installed)
	return p, err
}

// validPoint fills p's default CT ratio and checks it (store.Point.Validate).
func validPoint(p *store.Point) error {
	if p.CTRatio == 0 {
		p.CTRatio = 1
	}
	p.InstalledAt = norm(p.InstalledAt)
	return p.Validate()
}

// CreatePoint adds a monitoring point and sets p.ID. A factor code that
// another point of the same terminal already uses gives an error wrapping
// store.ErrConflict. A zero CTRatio means 1.
func (db *DB) CreatePoint(ctx context.Context, who string, p *store.Point) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.createPoint(ctx, tx, who, p) })
}

func (db *DB) createPoint(ctx context.Context, tx *sql.Tx, who string, p *store.Point) error {
	if err := validPoint(p); err != nil {
		return fmt.Errorf("create point: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO points(terminal_id, facility_id, name, power_code, current_code,
		voltage_code, energy_code, pf_code, state_code, ct_ratio, installed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.TerminalID, p.FacilityID, p.Name, p.PowerCode, p.CurrentCode, p.VoltageCode, p.EnergyCode, p.PFCode, p.StateCode,
		p.CTRatio, ms(p.InstalledAt))
	if err != nil {
		return fmt.Errorf("create point %q: %w", p.Name, classify(err))
	}
	p.ID, _ = res.LastInsertId()
	if err := db.audit(ctx, tx, who, "create", "point", p.ID, nil, p); err != nil {
		return err
	}
	_, err = db.anchorFirstThreshold(ctx, tx, who, p.FacilityID)
	return err
}

// UpdatePoint replaces point p.ID's fields.
func (db *DB) UpdatePoint(ctx context.Context, who string, p *store.Point) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := db.updatePoint(ctx, tx, who, p)
		return err
	})
}

func (db *DB) updatePoint(ctx context.Context, tx *sql.Tx, who string, p *store.Point) (bool, error) {
	if err := validPoint(p); err != nil {
		return false, fmt.Errorf("update point %d: %w", p.ID, err)
	}
	before, err := getPoint(ctx, tx, p.ID)
	if err != nil || before == *p {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE points SET terminal_id = ?, facility_id = ?, name = ?, power_code = ?, current_code = ?,
		voltage_code = ?, energy_code = ?, pf_code = ?, state_code = ?, ct_ratio = ?, installed_at = ? WHERE id = ?`,
		p.TerminalID, p.FacilityID, p.Name, p.PowerCode, p.CurrentCode, p.VoltageCode, p.EnergyCode, p.PFCode,
		p.StateCode, p.CTRatio, ms(p.InstalledAt), p.ID)
	if err != nil {
		return false, fmt.Errorf("update point %d: %w", p.ID, classify(err))
	}
	if err := db.audit(ctx, tx, who, "update", "point", p.ID, before, p); err != nil {
		return true, err
	}
	_, err = db.anchorFirstThreshold(ctx, tx, who, p.FacilityID)
	return true, err
}

// DeletePoint removes point id. It is refused (store.ErrConflict) while
// readings refer to it.
func (db *DB) DeletePoint(ctx context.Context, who string, id int64) error {
	return deleteRow(ctx, db, who, "point", "points", "", id, getPoint)
}

// PointByID returns point id, or an error wrapping store.ErrNotFound.
func (db *DB) PointByID(ctx context.Context, id int64) (store.Point, error) {
	return getPoint(ctx, db.db, id)
}

func getPoint(ctx context.Context, q dbtx, id int64) (store.Point, error) {
	p, err := scanPoint(q.QueryRowContext(ctx, `SELECT `+pointCols+` FROM points p WHERE p.id = ?`, id))
	return p, notFound(err, "point", id)
}

// PointsByTerminal returns the points of terminal id with their factor codes.
func (db *DB) PointsByTerminal(ctx context.Context, terminalID int64) ([]store.Point, error) {
	return db.FindPoints(ctx, store.PointFilter{TerminalID: terminalID})
}

// PointsByMN returns the points of the terminal with the MN. An MN that is
// not registered gives an error wrapping store.ErrNotFound; a registered
// terminal without points gives an empty list.
func (db *DB) PointsByMN(ctx context.Context, mn string) ([]store.Point, error) {
	t, err := db.TerminalByMN(ctx, mn)
	if err != nil {
		return nil, err
	}
	return db.PointsByTerminal(ctx, t.ID)
}

// FindPoints returns the points that match f, by id.
func (db *DB) FindPoints(ctx context.Context, f store.PointFilter) ([]store.Point, error) {
	var w where
	w.eqID("p.terminal_id", f.TerminalID)
	w.eqID("p.facility_id", f.FacilityID)
	w.eqID("f.enterprise_id", f.EnterpriseID)
	ps, err := queryAll(ctx, db.db, scanPoint, `SELECT `+pointCols+` FROM points p JOIN facilities f ON f.id = p.facility_id`+
		w.sql()+` ORDER BY p.id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("find points: %w", err)
	}
	return ps, nil
}
