package sqlite

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
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
	"points", "thresholds", "orders", "order_facilities", "filings", "filing_facilities", "rule_sets"}

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
			// Raw packets are read (the packed days unpacked) and written with
			// their passwords blanked: a frame carries the terminal's PW.
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

// clockSkew is how far a laptop's clock may be off: a package review dated
// more than this before the export or after the import is refused.
const clockSkew = 5 * time.Minute

// ImportReviewPackage brings the reviews made in the package at path since
// its export into this database. The package must have been exported from
// this database (store.ErrForeignPackage otherwise); which alarms it holds
// and the review each had then are taken from this database's record of the
// export. Each review keeps its reviewer and time, in alarm_reviews and in
// the audit log (action review_import, with who imported it); a review dated
// before the export or after now, or without a reviewer, is refused and
// returned in Refused. An alarm reviewed here too since the export — also by
// an import of another copy of the package — is a conflict: nothing is
// applied for it unless resolve names the side that wins, and it is returned
// in Conflicts. Importing the same package again applies only what is new
// and returns the decisions already applied in AlreadyApplied.
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
	mine, err := db.DatabaseID(ctx)
	if err != nil {
		return fail(err)
	}
	now := norm(db.Now())
	err = db.withPackage(ctx, path, func(tx *sql.Tx) error {
		p, err := packageInfo(ctx, tx, "pkg")
		if err != nil {
			return err
		}
		res.Package = p
		if p.SourceID != "" && p.SourceID != mine {
			return fmt.Errorf("审核包来自另一个数据库，未导入任何审核 (package %s was exported from database %s (%s) by %s at %s; this is database %s): %w",
				p.ID, p.SourceID, p.Source, p.CreatedBy, p.CreatedAt.In(store.Beijing).Format("2006-01-02 15:04"), mine, store.ErrForeignPackage)
		}
		var exportedAt int64
		var legacy bool
		err = tx.QueryRowContext(ctx, `SELECT created_at, legacy FROM main.review_exports WHERE id = ?`, p.ID).Scan(&exportedAt, &legacy)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("本数据库没有导出过此审核包，未导入任何审核 (this database has no record of exporting package %s, made by %s at %s from %s): %w",
				p.ID, p.CreatedBy, p.CreatedAt.In(store.Beijing).Format("2006-01-02 15:04"), p.Source, store.ErrForeignPackage)
		}
		if err != nil {
			return err
		}
		entries, err := exportEntries(ctx, tx, p.ID, legacy)
		if err != nil {
			return err
		}
		imported, err := importedOf(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := db.importAlarm(ctx, tx, &res, who, e, imported, fromMS(exportedAt), now, resolve[e.alarm]); err != nil {
				return fmt.Errorf("alarm %d: %w", e.alarm, err)
			}
		}
		return db.audit(ctx, tx, who, "import", "review_package", 0, nil, map[string]any{"package": p.ID, "path": path,
			"imported": res.Imported, "set_aside": res.SetAside, "already_applied": len(res.AlreadyApplied),
			"refused": len(res.Refused), "conflicts": len(res.Conflicts)})
	})
	if err != nil {
		return fail(err)
	}
	return res, nil
}

// exportEntry is an alarm of an export and its last review at the time.
type exportEntry struct{ alarm, base int64 }

// exportEntries are the alarms of export id as this database recorded them;
// for an export made before that record existed (legacy), as the package says.
func exportEntries(ctx context.Context, tx *sql.Tx, id string, legacy bool) ([]exportEntry, error) {
	scan := func(s scanner) (e exportEntry, err error) {
		err = s.Scan(&e.alarm, &e.base)
		return e, err
	}
	if legacy {
		return queryAll(ctx, tx, scan, `SELECT alarm_id, base_review_id FROM pkg.review_package_alarms ORDER BY alarm_id`)
	}
	return queryAll(ctx, tx, scan, `SELECT alarm_id, base_review_id FROM main.review_export_alarms WHERE export_id = ? ORDER BY alarm_id`, id)
}

// importedKey is a package review as imported_reviews knows it.
type importedKey struct {
	id     int64
	digest string
}

type importedRow struct {
	review int64 // the office review; 0 when set aside
	at     int64
	by     string
}

func importedOf(ctx context.Context, tx *sql.Tx, pkgID string) (map[importedKey]importedRow, error) {
	type row struct {
		k importedKey
		v importedRow
	}
	rows, err := queryAll(ctx, tx, func(s scanner) (r row, err error) {
		err = s.Scan(&r.k.id, &r.k.digest, &r.v.review, &r.v.at, &r.v.by)
		return r, err
	}, `SELECT package_review_id, digest, review_id, imported_at, imported_by FROM main.imported_reviews WHERE package_id = ?`, pkgID)
	if err != nil {
		return nil, err
	}
	m := make(map[importedKey]importedRow, len(rows))
	for _, r := range rows {
		m[r.k] = r.v
	}
	return m, nil
}

// reviewDigest identifies a package review by what it says: two copies of
// one package number their reviews alike, so the id alone cannot tell them apart.
func reviewDigest(r store.Review) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%d\x00%s\x00%s\x00%s\x00%d", r.AlarmID, r.Disposition, r.Note, r.Reviewer, ms(r.At))))
	return hex.EncodeToString(h[:16])
}

// importAlarm imports the package reviews of one alarm of the export into res.
func (db *DB) importAlarm(ctx context.Context, tx *sql.Tx, res *store.ReviewImport, who string, e exportEntry,
	imported map[importedKey]importedRow, exportedAt, now time.Time, side store.ReviewSide) error {
	all, err := reviewsAfter(ctx, tx, `pkg.alarm_reviews WHERE alarm_id = ? AND id > ?`, e.alarm, e.base)
	if err != nil {
		return err
	}
	seen := map[int64]bool{} // office reviews this copy of the package brought in before
	var theirs []store.Review
	for _, r := range all {
		row, ok := imported[importedKey{r.ID, reviewDigest(r)}]
		if !ok {
			row, ok = imported[importedKey{r.ID, ""}] // imported before digests were kept
		}
		switch {
		case ok:
			seen[row.review] = true
			res.AlreadyApplied = append(res.AlreadyApplied, store.AppliedReview{Review: r, OfficeReviewID: row.review,
				ImportedAt: fromMS(row.at), ImportedBy: row.by})
		case strings.TrimSpace(r.Reviewer) == "":
			res.Refused = append(res.Refused, store.RefusedReview{Review: r, Reason: "没有审核人 (no reviewer)"})
		case r.At.Before(exportedAt.Add(-clockSkew)):
			res.Refused = append(res.Refused, store.RefusedReview{Review: r, Reason: fmt.Sprintf(
				"时间早于导出 (dated %s, before the export at %s)", r.At.In(store.Beijing).Format(time.DateTime), exportedAt.In(store.Beijing).Format(time.DateTime))})
		case r.At.After(now.Add(clockSkew)):
			res.Refused = append(res.Refused, store.RefusedReview{Review: r, Reason: fmt.Sprintf(
				"时间晚于导入 (dated %s, after this import at %s)", r.At.In(store.Beijing).Format(time.DateTime), now.In(store.Beijing).Format(time.DateTime))})
		default:
			theirs = append(theirs, r)
		}
	}
	if len(theirs) == 0 {
		res.Unchanged++
		return nil
	}
	office, err := reviewsAfter(ctx, tx, `main.alarm_reviews WHERE alarm_id = ? AND id > ?`, e.alarm, e.base)
	if err != nil {
		return err
	}
	var ours []store.Review
	for _, r := range office {
		if !seen[r.ID] {
			ours = append(ours, r)
		}
	}
	if len(ours) > 0 && side == "" {
		res.Conflicts = append(res.Conflicts, store.ReviewConflict{AlarmID: e.alarm, Office: ours, Package: theirs})
		return nil
	}
	pkgID := res.Package.ID
	if len(ours) > 0 && side == store.KeepOffice {
		for _, r := range theirs {
			if err := markImported(ctx, tx, pkgID, r, 0, who, now); err != nil {
				return err
			}
		}
		res.SetAside += len(theirs)
		return db.audit(ctx, tx, who, "review_set_aside", "alarm", e.alarm, nil,
			map[string]any{"package": pkgID, "kept": ours[len(ours)-1], "set_aside": theirs})
	}
	for _, r := range theirs {
		if err := db.applyImportedReview(ctx, tx, pkgID, who, r); err != nil {
			return err
		}
		res.Imported++
	}
	return nil
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
	if err := markImported(ctx, tx, pkgID, r, id, who, db.Now()); err != nil {
		return err
	}
	b, _ := json.Marshal(map[string]any{"disposition": before.Disposition})
	a, _ := json.Marshal(map[string]any{"disposition": r.Disposition, "note": r.Note, "review_id": id,
		"package": pkgID, "package_review_id": r.ID, "imported_by": who})
	_, err = tx.ExecContext(ctx, `INSERT INTO main.audit_log(at, who, action, entity, entity_id, before, after)
		VALUES (?, ?, 'review_import', 'alarm', ?, ?, ?)`, ms(r.At), r.Reviewer, r.AlarmID, string(b), string(a))
	return err
}

func markImported(ctx context.Context, tx *sql.Tx, pkgID string, r store.Review, review int64, who string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO main.imported_reviews(package_id, package_review_id, digest, review_id, imported_at, imported_by)
		VALUES (?, ?, ?, ?, ?, ?)`, pkgID, r.ID, reviewDigest(r), review, ms(at), who)
	return err
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

// pwKey finds HJ 212 password fields: PW=, and NewPW= of a 1072 reply.
var pwKey = regexp.MustCompile(`(?:^|[;,&#])[A-Za-z]*PW=`)

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
