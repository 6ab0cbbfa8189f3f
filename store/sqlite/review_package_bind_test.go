package sqlite_test

import (
	"bytes"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// secretPW is a terminal password distinctive enough to search a file's bytes for.
const secretPW = "Zq7SecretPw93"

// packaged is an office database with two alarms, one package of them
// exported at t0+24h, and the path of that package.
type packaged struct {
	*fixture
	a1, a2 int64
	path   string
}

func mustPackage(t *testing.T) *packaged {
	t.Helper()
	f := mustFixture(t)
	ctx := t.Context()
	term := f.term
	term.Password, term.SM4Key = secretPW, "SM4KEYsecret0123"
	if err := f.db.UpdateTerminal(ctx, who, &term); err != nil {
		t.Fatal(err)
	}
	var raws []store.RawPacket
	for i := -24; i < 48; i++ { // 22:00 the day before … 04:00
		at := f.t0.Add(time.Duration(i) * 5 * time.Minute)
		qn := at.In(store.Beijing).Format("20060102150405") + "000"
		raws = append(raws, store.RawPacket{MN: f.term.MN, ST: "22", CN: "2051", QN: qn, DataTime: at, ReceivedAt: at.Add(time.Minute), CRCOK: true,
			Frame: []byte("##0120QN=" + qn + ";ST=22;CN=2051;PW=" + secretPW + ";MN=" + f.term.MN + ";Flag=4;CP=&&DataTime=" + qn[:14] + ";e10101-Avg=150&&4C01")})
	}
	if _, err := f.db.Ingest(ctx, &store.Batch{Packets: raws}); err != nil {
		t.Fatal(err)
	}
	// The day before packed into raw_days, the alarms' day live: both tiers reach the package.
	f.db.Now = func() time.Time { return f.t0.Add(24 * time.Hour) }
	if c, err := f.db.Compact(ctx, f.t0); err != nil || c.Packets != 24 {
		t.Fatalf("Compact = %+v, %v; want the 24 packets of the day before packed", c, err)
	}
	ins, err := f.db.ReconcileAlarms(ctx, store.AlarmScope{From: f.t0, To: f.t0.Add(24 * time.Hour)},
		[]store.Alarm{f.alarmAt(f.t0.Add(time.Hour), 20*time.Minute), f.alarmAt(f.t0.Add(2*time.Hour), 30*time.Minute)})
	if err != nil || len(ins) != 2 {
		t.Fatalf("ReconcileAlarms = %d alarms, %v", len(ins), err)
	}
	p := &packaged{fixture: f, a1: ins[0].ID, a2: ins[1].ID, path: filepath.Join(t.TempDir(), "review.pwreview")}
	if _, err := f.db.ExportReviewPackage(ctx, "office1", p.path, store.AlarmFilter{From: f.t0, To: f.t0.Add(24 * time.Hour)}, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	return p
}

// review makes reviews in the package file at path, at the times given, as a laptop would.
func reviewIn(t *testing.T, path string, reviews ...store.Review) {
	t.Helper()
	laptop, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer laptop.Close()
	for _, r := range reviews {
		laptop.Now = func() time.Time { return r.At }
		if _, err := laptop.ReviewAlarm(t.Context(), r.AlarmID, r.Disposition, r.Note, r.Reviewer); err != nil {
			t.Fatal(err)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReviewPackageNoSecrets: neither the terminal's password nor its SM4 key
// is anywhere in the package's bytes, though every raw frame carried the
// password, half of them packed; the frames are there, the password starred.
func TestReviewPackageNoSecrets(t *testing.T) {
	p := mustPackage(t)
	for _, name := range []string{p.path, p.path + "-wal"} {
		b, err := os.ReadFile(name)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{secretPW, "SM4KEYsecret0123"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds %q", filepath.Base(name), secret)
			}
		}
	}
	laptop, err := sqlite.Open(t.Context(), p.path)
	if err != nil {
		t.Fatal(err)
	}
	defer laptop.Close()
	pk, err := laptop.RawPackets(t.Context(), p.term.MN, p.t0.Add(-2*time.Hour), p.t0.Add(4*time.Hour))
	if err != nil || len(pk) != 60 {
		t.Fatalf("package raw packets = %d, %v; want the 60 of 23:00–04:00 (the alarms' margin)", len(pk), err)
	}
	if !strings.Contains(string(pk[0].Frame), ";PW=*************;MN=") {
		t.Errorf("packed frame in the package = %s, want the password starred", pk[0].Frame)
	}
	if !strings.Contains(string(pk[59].Frame), ";PW=*************;MN=") {
		t.Errorf("live frame in the package = %s, want the password starred", pk[59].Frame)
	}
	term, err := laptop.TerminalByID(t.Context(), p.term.ID)
	if err != nil || term.Password != "" || term.SM4Key != "" || term.MN != p.term.MN {
		t.Errorf("package terminal = %+v, %v; want the MN without password and key", term, err)
	}
}

// TestReviewPackageFromAnotherDatabase: a package exported elsewhere is
// refused as a whole, also when its source id was edited to match.
func TestReviewPackageFromAnotherDatabase(t *testing.T) {
	p := mustPackage(t)
	q := mustPackage(t) // another office, with alarms of the same ids
	reviewIn(t, p.path, store.Review{AlarmID: p.a1, Disposition: store.Confirmed, Reviewer: "field7", At: p.t0.Add(30 * time.Hour)})
	q.db.Now = func() time.Time { return p.t0.Add(48 * time.Hour) }
	_, err := q.db.ImportReviewPackage(t.Context(), "office9", p.path, nil)
	if !errors.Is(err, store.ErrForeignPackage) || !strings.Contains(err.Error(), "另一个数据库") {
		t.Fatalf("import into another database = %v, want ErrForeignPackage saying so", err)
	}
	if a, _ := q.db.AlarmByID(t.Context(), p.a1); a.Disposition != store.Undecided {
		t.Errorf("alarm %d of the other database = %q, want untouched", p.a1, a.Disposition)
	}

	// The package's source id set to the other database's: no record of the export there.
	qid, err := q.db.DatabaseID(t.Context())
	if err != nil || len(qid) != 32 {
		t.Fatalf("DatabaseID = %q, %v", qid, err)
	}
	laptop, err := sqlite.Open(t.Context(), p.path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := laptop.SQL().Exec(`UPDATE review_package SET source_id = ?`, qid); err != nil {
		t.Fatal(err)
	}
	laptop.Close()
	if _, err := q.db.ImportReviewPackage(t.Context(), "office9", p.path, nil); !errors.Is(err, store.ErrForeignPackage) {
		t.Errorf("import of a package with a forged source id = %v, want ErrForeignPackage", err)
	}
	if id, _ := p.db.DatabaseID(t.Context()); id == qid {
		t.Errorf("two databases share the id %s", id)
	}
}

// TestReviewPackageImportedTwice: the second import of one package reports
// each decision the first applied; a second copy of the package reviewed
// apart is a conflict, not silently dropped.
func TestReviewPackageImportedTwice(t *testing.T) {
	p := mustPackage(t)
	ctx := t.Context()
	other := filepath.Join(t.TempDir(), "copy.pwreview")
	copyFile(t, p.path, other)
	reviewIn(t, p.path, store.Review{AlarmID: p.a1, Disposition: store.Confirmed, Reviewer: "field7", At: p.t0.Add(30 * time.Hour)},
		store.Review{AlarmID: p.a2, Disposition: store.DeviceFault, Reviewer: "field7", At: p.t0.Add(31 * time.Hour)})
	reviewIn(t, other, store.Review{AlarmID: p.a1, Disposition: store.Filed, Reviewer: "field8", At: p.t0.Add(32 * time.Hour)})

	p.db.Now = func() time.Time { return p.t0.Add(48 * time.Hour) }
	res, err := p.db.ImportReviewPackage(ctx, "office1", p.path, nil)
	if err != nil || res.Imported != 2 || len(res.AlreadyApplied) != 0 {
		t.Fatalf("first import = %+v, %v; want 2 imported", res, err)
	}
	p.db.Now = func() time.Time { return p.t0.Add(50 * time.Hour) }
	res, err = p.db.ImportReviewPackage(ctx, "office2", p.path, nil)
	if err != nil || res.Imported != 0 || len(res.AlreadyApplied) != 2 {
		t.Fatalf("second import = %+v, %v; want nothing imported and 2 already applied", res, err)
	}
	for _, a := range res.AlreadyApplied {
		if a.ImportedBy != "office1" || !a.ImportedAt.Equal(p.t0.Add(48*time.Hour)) || a.OfficeReviewID == 0 || a.Reviewer != "field7" {
			t.Errorf("already applied = %+v; want field7's decision, imported by office1 at +48h", a)
		}
	}

	res, err = p.db.ImportReviewPackage(ctx, "office1", other, nil)
	if err != nil || res.Imported != 0 || len(res.Conflicts) != 1 || res.Conflicts[0].AlarmID != p.a1 ||
		res.Conflicts[0].Office[0].Reviewer != "field7" || res.Conflicts[0].Package[0].Reviewer != "field8" {
		t.Fatalf("import of the other copy = %+v, %v; want field8's decision on alarm %d in conflict with field7's", res, err, p.a1)
	}
	if a, _ := p.db.AlarmByID(ctx, p.a1); a.Disposition != store.Confirmed {
		t.Errorf("alarm %d = %q, want the first copy's decision until resolved", p.a1, a.Disposition)
	}
	res, err = p.db.ImportReviewPackage(ctx, "office1", other, map[int64]store.ReviewSide{p.a1: store.TakePackage})
	if err != nil || res.Imported != 1 {
		t.Fatalf("resolved import of the other copy = %+v, %v", res, err)
	}
	if a, _ := p.db.AlarmByID(ctx, p.a1); a.Disposition != store.Filed {
		t.Errorf("alarm %d = %q, want the other copy's %q", p.a1, a.Disposition, store.Filed)
	}
	audit, err := p.db.FindAudit(ctx, store.AuditFilter{Action: "import", Entity: "review_package"})
	if err != nil || len(audit) != 4 || audit[len(audit)-1].Who != "office1" {
		t.Errorf("import audit = %d entries, %v; want one per import, by the importer", len(audit), err)
	}
}

// TestReviewPackageTimes: decisions dated before the export or after the
// import are refused and reported; the one in between is applied.
func TestReviewPackageTimes(t *testing.T) {
	p := mustPackage(t) // exported at t0+24h
	reviewIn(t, p.path,
		store.Review{AlarmID: p.a1, Disposition: store.Confirmed, Reviewer: "field7", At: time.Date(2020, 1, 1, 9, 0, 0, 0, store.Beijing)},
		store.Review{AlarmID: p.a2, Disposition: store.Confirmed, Reviewer: "field7", At: time.Date(2100, 1, 1, 9, 0, 0, 0, store.Beijing)},
		store.Review{AlarmID: p.a2, Disposition: store.DeviceFault, Reviewer: "field7", At: p.t0.Add(24*time.Hour + 2*time.Minute)},
	)
	p.db.Now = func() time.Time { return p.t0.Add(48 * time.Hour) }
	res, err := p.db.ImportReviewPackage(t.Context(), "office1", p.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 1 || len(res.Refused) != 2 {
		t.Fatalf("import = %+v; want 1 imported, 2 refused", res)
	}
	if !strings.Contains(res.Refused[0].Reason, "before the export") || !strings.Contains(res.Refused[1].Reason, "after this import") {
		t.Errorf("refused = %+v; want one before the export, one after the import", res.Refused)
	}
	if a, _ := p.db.AlarmByID(t.Context(), p.a1); a.Disposition != store.Undecided {
		t.Errorf("alarm %d = %q, want untouched by a decision dated 2020", p.a1, a.Disposition)
	}
	if a, _ := p.db.AlarmByID(t.Context(), p.a2); a.Disposition != store.DeviceFault {
		t.Errorf("alarm %d = %q, want %q", p.a2, a.Disposition, store.DeviceFault)
	}
}

// undo0013 puts the schema of db back to before migration 0013, as a
// database and a package made by an older version are.
func undo0013(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, q := range []string{
		`DROP TABLE review_export_alarms`, `DROP TABLE review_exports`, `DROP TABLE database_identity`,
		`ALTER TABLE review_package DROP COLUMN source_id`,
		`CREATE TABLE imported_reviews_old (package_id TEXT NOT NULL, package_review_id INTEGER NOT NULL,
			review_id INTEGER NOT NULL DEFAULT 0, imported_at INTEGER NOT NULL, imported_by TEXT NOT NULL,
			PRIMARY KEY (package_id, package_review_id)) WITHOUT ROWID`,
		`INSERT INTO imported_reviews_old SELECT package_id, package_review_id, review_id, imported_at, imported_by FROM imported_reviews`,
		`DROP TABLE imported_reviews`, `ALTER TABLE imported_reviews_old RENAME TO imported_reviews`,
		`DELETE FROM schema_migrations WHERE version = 13`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestReviewPackageMadeBeforeBinding: a package exported by the version
// before migration 0013 is still imported once the office is upgraded: the
// migration finds its export in the audit log.
func TestReviewPackageMadeBeforeBinding(t *testing.T) {
	p := mustPackage(t)
	reviewIn(t, p.path, store.Review{AlarmID: p.a2, Disposition: store.DeviceFault, Reviewer: "field7", At: p.t0.Add(30 * time.Hour)})
	laptop, err := sqlite.Open(t.Context(), p.path)
	if err != nil {
		t.Fatal(err)
	}
	undo0013(t, laptop.SQL())
	laptop.Close()
	undo0013(t, p.db.SQL())
	if err := p.db.Close(); err != nil { // one handle at a time, as the service has it
		t.Fatal(err)
	}
	office, err := sqlite.Open(t.Context(), p.db.Path()) // applies 0013 again
	if err != nil {
		t.Fatal(err)
	}
	defer office.Close()
	office.Now = func() time.Time { return p.t0.Add(48 * time.Hour) }
	res, err := office.ImportReviewPackage(t.Context(), "office1", p.path, nil)
	if err != nil || res.Imported != 1 {
		t.Fatalf("import of a package made before 0013 = %+v, %v; want its decision imported", res, err)
	}
	res, err = office.ImportReviewPackage(t.Context(), "office1", p.path, nil)
	if err != nil || len(res.AlreadyApplied) != 1 {
		t.Errorf("second import = %+v, %v; want the decision reported as already applied", res, err)
	}
}
