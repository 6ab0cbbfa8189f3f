package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
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
	type span struct {
		point    int64
		mn       string
		from, to int64
	}
	var spans []span
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
			spans = append(spans, span{pid, mn, ms(a.Start.Add(-margin)), ms(end.Add(margin))})
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
			if _, err := tx.ExecContext(ctx, `INSERT INTO pkg.`+t+` SELECT * FROM main.`+t); err != nil {
				return fmt.Errorf("copy %s: %w", t, err)
			}
		}
		for _, a := range alarms {
			if _, err := tx.ExecContext(ctx, `INSERT INTO pkg.review_package_alarms(alarm_id, base_review_id)
				VALUES (?, (SELECT coalesce(max(id), 0) FROM main.alarm_reviews WHERE alarm_id = ?))`, a.ID, a.ID); err != nil {
				return fmt.Errorf("alarm %d: %w", a.ID, err)
			}
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
			copies := []struct{ table, where string }{
				{"samples", `point_id = ? AND at >= ? AND at < ?`},
				{"series_days", `point_id = ? AND day >= ? AND day < ?`},
				{"raw_packets", `mn = ? AND dt >= ? AND dt < ?`},
				{"raw_days", `mn = ? AND day >= ? AND day < ?`},
			}
			for _, c := range copies {
				var key any = s.point
				if c.table == "raw_packets" || c.table == "raw_days" {
					key = s.mn
				}
				from := s.from
				if c.table == "series_days" || c.table == "raw_days" {
					from = dayOfMS(s.from)
				}
				if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO pkg.`+c.table+` SELECT * FROM main.`+c.table+
					` WHERE `+c.where, key, from, s.to); err != nil {
					return fmt.Errorf("copy %s of point %d: %w", c.table, s.point, err)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO pkg.review_package(id, created_at, created_by, source, scope) VALUES (?, ?, ?, ?, ?)`,
			p.ID, ms(p.CreatedAt), who, p.Source, p.Scope); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, "export", "review_package", 0, nil,
			map[string]any{"package": p.ID, "path": path, "alarms": len(alarms), "scope": json.RawMessage(scope)})
	})
	if err != nil {
		os.Remove(path) // a half-written package must not be handed out
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		return fail(err)
	}
	return p, nil
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
	err := q.QueryRowContext(ctx, `SELECT id, created_at, created_by, source, scope,
		(SELECT count(*) FROM `+schema+`.review_package_alarms) FROM `+schema+`.review_package`).
		Scan(&p.ID, &at, &p.CreatedBy, &p.Source, &p.Scope, &p.Alarms)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("not a review package: %w", store.ErrNotFound)
	}
	if err != nil {
		return p, classify(err)
	}
	p.CreatedAt = fromMS(at)
	return p, nil
}

// ImportReviewPackage brings the reviews made in the package at path since
// its export into this database. Each keeps its reviewer and time, in
// alarm_reviews and in the audit log (action review_import, with who imported
// it). An alarm reviewed here too since the export is a conflict: nothing is
// applied for it unless resolve names the side that wins, and it is returned
// in Conflicts. Importing the same package again applies only what is new.
func (db *DB) ImportReviewPackage(ctx context.Context, who, path string, resolve map[int64]store.ReviewSide) (store.ReviewImport, error) {
	var res store.ReviewImport
	fail := func(err error) (store.ReviewImport, error) {
		return res, fmt.Errorf("import review package %s: %w", path, err)
	}
	if who == "" {
		return fail(fmt.Errorf("who is empty: %w", store.ErrInvalid))
	}
	st, err := os.Stat(path)
	if err != nil {
		return fail(err)
	}
	if self, err := os.Stat(db.path); err == nil && os.SameFile(st, self) {
		return fail(fmt.Errorf("the package is this database: %w", store.ErrInvalid))
	}
	pkg, err := Open(ctx, path) // checks the file and brings an older package's schema up to date
	if err != nil {
		return fail(err)
	}
	if err := pkg.Close(); err != nil {
		return fail(err)
	}
	err = db.withPackage(ctx, path, func(tx *sql.Tx) error {
		p, err := packageInfo(ctx, tx, "pkg")
		if err != nil {
			return err
		}
		res.Package = p
		type entry struct{ alarm, base int64 }
		entries, err := queryAll(ctx, tx, func(s scanner) (e entry, err error) {
			err = s.Scan(&e.alarm, &e.base)
			return e, err
		}, `SELECT alarm_id, base_review_id FROM pkg.review_package_alarms ORDER BY alarm_id`)
		if err != nil {
			return err
		}
		for _, e := range entries {
			theirs, err := reviewsAfter(ctx, tx, `pkg.alarm_reviews WHERE alarm_id = ? AND id > ?
				AND id NOT IN (SELECT package_review_id FROM main.imported_reviews WHERE package_id = ?)`, e.alarm, e.base, p.ID)
			if err != nil {
				return fmt.Errorf("alarm %d: %w", e.alarm, err)
			}
			if len(theirs) == 0 {
				res.Unchanged++
				continue
			}
			ours, err := reviewsAfter(ctx, tx, `main.alarm_reviews WHERE alarm_id = ? AND id > ?
				AND id NOT IN (SELECT review_id FROM main.imported_reviews WHERE package_id = ?)`, e.alarm, e.base, p.ID)
			if err != nil {
				return fmt.Errorf("alarm %d: %w", e.alarm, err)
			}
			side := resolve[e.alarm]
			if len(ours) > 0 && side == "" {
				res.Conflicts = append(res.Conflicts, store.ReviewConflict{AlarmID: e.alarm, Office: ours, Package: theirs})
				continue
			}
			if len(ours) > 0 && side == store.KeepOffice {
				for _, r := range theirs {
					if err := markImported(ctx, tx, p.ID, r.ID, 0, who, db.Now()); err != nil {
						return err
					}
				}
				res.SetAside += len(theirs)
				if err := db.audit(ctx, tx, who, "review_set_aside", "alarm", e.alarm, nil,
					map[string]any{"package": p.ID, "kept": ours[len(ours)-1], "set_aside": theirs}); err != nil {
					return err
				}
				continue
			}
			for _, r := range theirs {
				if err := db.applyImportedReview(ctx, tx, p.ID, who, r); err != nil {
					return fmt.Errorf("alarm %d: %w", e.alarm, err)
				}
				res.Imported++
			}
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	return res, nil
}

func reviewsAfter(ctx context.Context, tx *sql.Tx, from string, args ...any) ([]store.Review, error) {
	return queryAll(ctx, tx, func(s scanner) (store.Review, error) {
		var r store.Review
		var at int64
		err := s.Scan(&r.ID, &r.AlarmID, &r.Disposition, &r.Note, &r.Reviewer, &at)
		r.At = fromMS(at)
		return r, err
	}, `SELECT id, alarm_id, disposition, note, reviewer, at FROM `+from+` ORDER BY id`, args...)
}

// applyImportedReview appends r, made in package pkgID, as an office review
// with its own reviewer and time, sets the alarm's disposition and audits it
// under the reviewer at the review's time, naming the importer.
func (db *DB) applyImportedReview(ctx context.Context, tx *sql.Tx, pkgID, who string, r store.Review) error {
	before, err := alarmByID(ctx, tx, r.AlarmID)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO main.alarm_reviews(alarm_id, disposition, note, reviewer, at) VALUES (?, ?, ?, ?, ?)`,
		r.AlarmID, r.Disposition, r.Note, r.Reviewer, ms(r.At))
	if err != nil {
		return err
	}
	id, _ := res.LastInsertId()
	if _, err := tx.ExecContext(ctx, `UPDATE main.alarms SET disposition = ?, updated_at = ? WHERE id = ?`,
		r.Disposition, ms(db.Now()), r.AlarmID); err != nil {
		return err
	}
	if err := markImported(ctx, tx, pkgID, r.ID, id, who, db.Now()); err != nil {
		return err
	}
	b, _ := json.Marshal(map[string]any{"disposition": before.Disposition})
	a, _ := json.Marshal(map[string]any{"disposition": r.Disposition, "note": r.Note, "review_id": id,
		"package": pkgID, "package_review_id": r.ID, "imported_by": who})
	_, err = tx.ExecContext(ctx, `INSERT INTO main.audit_log(at, who, action, entity, entity_id, before, after)
		VALUES (?, ?, 'review_import', 'alarm', ?, ?, ?)`, ms(r.At), r.Reviewer, r.AlarmID, string(b), string(a))
	return err
}

func markImported(ctx context.Context, tx *sql.Tx, pkgID string, pkgReview, review int64, who string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO main.imported_reviews(package_id, package_review_id, review_id, imported_at, imported_by)
		VALUES (?, ?, ?, ?, ?)`, pkgID, pkgReview, review, ms(at), who)
	return err
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
