package sqlite

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"time"

	"powerwatch/store"
)

// packageRegistry are the registry tables a review package copies whole, parents
// first. The registry of a district is small, and a whole copy keeps every
// reference of the alarms valid without chasing them (point_codes is filled by
// the points trigger).
var packageRegistry = []string{"regions", "industries", "enterprises", "facilities", "links", "terminals",
	"points", "thresholds", "orders", "order_facilities", "order_exemptions", "filings", "filing_facilities", "rule_sets"}

// ExportReviewPackage writes the alarms f selects to a new database file at
// path, for review on a laptop with no listener: the registry, the alarms with
// their reviews, and the series and raw packets of their points from margin
// before each alarm to margin after it. The file is an ordinary database that
// Open reads; reviews made in it are brought back with ImportReviewPackage.
func (db *DB) ExportReviewPackage(ctx context.Context, who, path string, f store.AlarmFilter, margin time.Duration) (store.ReviewPackage, error) {
	alarms, err := db.FindAlarms(ctx, f)
	if err != nil {
		return store.ReviewPackage{}, fmt.Errorf("export review package %s: %w", path, err)
	}
	scope, _ := json.Marshal(f)
	return db.exportPackage(ctx, who, path, alarms, scope, margin)
}

// ExportReviewAlarms is ExportReviewPackage for the alarms ids names: the
// rows a reviewer has filtered on screen.
func (db *DB) ExportReviewAlarms(ctx context.Context, who, path string, ids []int64, margin time.Duration) (store.ReviewPackage, error) {
	alarms := make([]store.Alarm, 0, len(ids))
	for _, id := range ids {
		a, err := db.AlarmByID(ctx, id)
		if err != nil {
			return store.ReviewPackage{}, fmt.Errorf("export review package %s: %w", path, err)
		}
		alarms = append(alarms, a)
	}
	scope, _ := json.Marshal(map[string][]int64{"alarm_ids": ids})
	return db.exportPackage(ctx, who, path, alarms, scope, margin)
}

func (db *DB) exportPackage(ctx context.Context, who, path string, alarms []store.Alarm, scope []byte, margin time.Duration) (store.ReviewPackage, error) {
	p := store.ReviewPackage{CreatedAt: norm(db.Now()), CreatedBy: who, Source: db.path}
	fail := func(err error) (store.ReviewPackage, error) {
		return p, fmt.Errorf("export review package %s: %w", path, err)
	}
	if who == "" {
		return fail(fmt.Errorf("who is empty: %w", store.ErrInvalid))
	}
	var err error
	if p.SourceID, err = db.DatabaseID(ctx); err != nil {
		return fail(err)
	}
	if _, err := os.Stat(path); err == nil {
		return fail(fmt.Errorf("the file exists already: %w", store.ErrConflict))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fail(err)
	}
	p.Scope, p.Alarms = string(scope), len(alarms)
	var id [12]byte
	if _, err := rand.Read(id[:]); err != nil {
		return fail(err)
	}
	p.ID = hex.EncodeToString(id[:])

	// The periods to copy, decided before the write transaction.
	var spans []packageSpan
	for _, a := range alarms {
		pids, err := db.evidencePoints(ctx, a)
		if err != nil {
			return fail(fmt.Errorf("points of alarm %d: %w", a.ID, err))
		}
		end := a.End
		if end.IsZero() {
			end = db.Now()
		}
		for _, pid := range pids {
			var mn string
			err := db.db.QueryRowContext(ctx, `SELECT t.mn FROM points p JOIN terminals t ON t.id = p.terminal_id WHERE p.id = ?`, pid).Scan(&mn)
			if err != nil {
				return fail(fmt.Errorf("terminal of point %d: %w", pid, classify(err)))
			}
			spans = append(spans, packageSpan{pid, mn, ms(a.Start.Add(-margin)), ms(end.Add(margin))})
		}
	}

	created, err := Open(ctx, path) // the schema, by the same migrations
	if err != nil {
		return fail(err)
	}
	if err := created.Close(); err != nil {
		return fail(err)
	}
	err = db.withPackage(ctx, path, func(tx *sql.Tx) error {
		for _, t := range packageRegistry {
			cols, err := packageColumns(ctx, tx, t)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO pkg.`+t+` SELECT `+cols+` FROM main.`+t); err != nil {
				return fmt.Errorf("copy %s: %w", t, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO main.review_exports(id, created_at, created_by, path) VALUES (?, ?, ?, ?)`,
			p.ID, ms(p.CreatedAt), who, path); err != nil {
			return fmt.Errorf("record the export: %w", err)
		}
		for _, a := range alarms {
			if _, err := tx.ExecContext(ctx, `INSERT INTO pkg.review_package_alarms(alarm_id, base_review_id)
				VALUES (?, (SELECT coalesce(max(id), 0) FROM main.alarm_reviews WHERE alarm_id = ?))`, a.ID, a.ID); err != nil {
				return fmt.Errorf("alarm %d: %w", a.ID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO main.review_export_alarms(export_id, alarm_id, base_review_id)
			SELECT ?, alarm_id, base_review_id FROM pkg.review_package_alarms`, p.ID); err != nil {
			return fmt.Errorf("record the export's alarms: %w", err)
		}
		for _, t := range []string{"alarms", "alarm_reviews"} {
			key := "id"
			if t == "alarm_reviews" {
				key = "alarm_id"
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO pkg.`+t+` SELECT * FROM main.`+t+` WHERE `+key+
				` IN (SELECT alarm_id FROM pkg.review_package_alarms)`); err != nil {
				return fmt.Errorf("copy %s: %w", t, err)
			}
		}
		for _, s := range spans {
			if err := copySpan(ctx, tx, s); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO pkg.review_package(id, created_at, created_by, source, scope, source_id) VALUES (?, ?, ?, ?, ?, ?)`,
			p.ID, ms(p.CreatedAt), who, p.Source, p.Scope, p.SourceID); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, "export", "review_package", 0, nil,
			map[string]any{"package": p.ID, "path": path, "alarms": len(alarms), "scope": json.RawMessage(scope), "source_id": p.SourceID})
	})
	if err != nil {
		os.Remove(path) // a half-written package must not be handed out
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		return fail(err)
	}
	return p, nil
}

// packageSpan is a point's period a package holds the series and raw packets of.
type packageSpan struct {
	point    int64
	mn       string // the point's terminal
	from, to int64  // ms
}

// copySpan copies the series and raw packets of s into the attached package.
func copySpan(ctx context.Context, tx *sql.Tx, s packageSpan) error {
	copies := []struct{ table, where string }{
		{"samples", `point_id = ? AND at >= ? AND at < ?`},
		{"series_days", `point_id = ? AND day >= ? AND day < ?`},
	}
	for _, c := range copies {
		from := s.from
		if c.table == "series_days" {
			from = dayOfMS(s.from)
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO pkg.`+c.table+` SELECT * FROM main.`+c.table+
			` WHERE `+c.where, s.point, from, s.to); err != nil {
			return fmt.Errorf("copy %s of point %d: %w", c.table, s.point, err)
		}
	}
	// Raw packets are read (the packed days unpacked) and written with their
	// passwords starred: every frame carries the terminal's PW.
	recs, err := readRaw(ctx, tx, s.mn, s.from, s.to)
	if err != nil {
		return fmt.Errorf("raw packets of %s: %w", s.mn, err)
	}
	for _, r := range recs {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO pkg.raw_packets(mn, st, cn, dt, has_dt, qn, received_at, crc_ok, frame)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.p.MN, r.p.ST, r.p.CN, r.dt, r.hasDT, r.p.QN, ms(r.p.ReceivedAt), r.p.CRCOK,
			scrubFrame(r.p.Frame)); err != nil {
			return fmt.Errorf("copy raw packets of %s: %w", s.mn, err)
		}
	}
	return nil
}

// ReviewPackageInfo reads what the database at path is as a review package;
// store.ErrNotFound when it is an ordinary database. A laptop opened on a
// package shows it.
func (db *DB) ReviewPackageInfo(ctx context.Context) (store.ReviewPackage, error) {
	return packageInfo(ctx, db.db, "main")
}

func packageInfo(ctx context.Context, q dbtx, schema string) (store.ReviewPackage, error) {
	var p store.ReviewPackage
	var at int64
	err := q.QueryRowContext(ctx, `SELECT id, created_at, created_by, source, scope, source_id,
		(SELECT count(*) FROM `+schema+`.review_package_alarms) FROM `+schema+`.review_package`).
		Scan(&p.ID, &at, &p.CreatedBy, &p.Source, &p.Scope, &p.SourceID, &p.Alarms)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("not a review package: %w", store.ErrNotFound)
	}
	if err != nil {
		return p, classify(err)
	}
	p.CreatedAt = fromMS(at)
	return p, nil
}

// withPackage attaches the database file at path as schema pkg on one
// connection and runs fn in a transaction over both.
func (db *DB) withPackage(ctx context.Context, path string, fn func(*sql.Tx) error) error {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS pkg`, path); err != nil {
		return fmt.Errorf("attach %s: %w", path, classify(err))
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DETACH DATABASE pkg`)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return classify(err)
	}
	return classify(tx.Commit())
}

// DatabaseID is this database's identity: random, made once by migration
// 0013, kept by backups. A review package names the id it came from.
func (db *DB) DatabaseID(ctx context.Context) (string, error) {
	var id string
	if err := db.db.QueryRowContext(ctx, `SELECT db_id FROM database_identity WHERE id = 1`).Scan(&id); err != nil {
		return "", fmt.Errorf("database identity: %w", classify(err))
	}
	return id, nil
}

// packageSecrets are columns a package never carries: a laptop needs no
// terminal's credentials to review alarms.
var packageSecrets = map[string]map[string]bool{"terminals": {"password": true, "sm4_key": true}}

// packageColumns is the select list that copies table t, its secret columns blanked.
func packageColumns(ctx context.Context, tx *sql.Tx, t string) (string, error) {
	names, err := queryAll(ctx, tx, func(s scanner) (string, error) {
		var cid, notnull, pk int
		var name, typ string
		var dflt sql.NullString
		err := s.Scan(&cid, &name, &typ, &notnull, &dflt, &pk)
		return name, err
	}, `SELECT cid, name, type, "notnull", dflt_value, pk FROM pragma_table_info(?, 'main') ORDER BY cid`, t)
	if err != nil {
		return "", fmt.Errorf("columns of %s: %w", t, err)
	}
	for i, n := range names {
		if packageSecrets[t][n] {
			names[i] = `'' AS ` + n
		} else {
			names[i] = `"` + n + `"`
		}
	}
	return strings.Join(names, ", "), nil
}

// pwKey finds HJ 212 password fields — PW=, and NewPW= of a 1072 reply —
// at the start of the data segment (after ## and the length) or of a field.
var pwKey = regexp.MustCompile(`(?:^(?:##\d{4})?|[;,&])[A-Za-z]*PW=`)

// scrubFrame returns frame with the value of every password field replaced
// by as many '*', so the frame keeps its length and shape.
func scrubFrame(frame []byte) []byte {
	locs := pwKey.FindAllIndex(frame, -1)
	if locs == nil {
		return frame
	}
	out := bytes.Clone(frame)
	for _, l := range locs {
		for i := l[1]; i < len(out) && out[i] != ';' && out[i] != ',' && out[i] != '&'; i++ {
			out[i] = '*'
		}
	}
	return out
}
