package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"powerwatch/store"
)

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
