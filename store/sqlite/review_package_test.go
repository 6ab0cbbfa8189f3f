package sqlite_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestReviewPackageRoundTrip exports two alarms to a package file, reviews
// them there as a laptop would, reviews one of them in the office too, and
// imports: the other comes back with its reviewer and time, the doubly
// reviewed one is a conflict until resolved, and a second import adds nothing.
func TestReviewPackageRoundTrip(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	var ss []store.Sample
	var raws []store.RawPacket
	for i := 0; i < 48; i++ { // 00:00 … 04:00 Beijing
		at := f.t0.Add(time.Duration(i) * 5 * time.Minute)
		p, q := store.NewSample(f.pProd.ID, at), store.NewSample(f.pTreat.ID, at)
		p.P, q.P = 100, 1
		ss = append(ss, p, q)
		raws = append(raws, store.RawPacket{MN: f.term.MN, ST: "44", CN: "2051", QN: at.Format("20060102150405000"),
			DataTime: at, ReceivedAt: at.Add(time.Minute), CRCOK: i%7 != 3, Frame: []byte("##0100QN=" + at.Format("150405") + "&&ABCD")})
	}
	if _, err := f.db.Ingest(ctx, &store.Batch{Samples: ss, Packets: raws}); err != nil {
		t.Fatal(err)
	}
	ins, err := f.db.ReconcileAlarms(ctx, store.AlarmScope{From: f.t0, To: f.t0.Add(24 * time.Hour)},
		[]store.Alarm{f.alarmAt(f.t0.Add(time.Hour), 20*time.Minute), f.alarmAt(f.t0.Add(2*time.Hour), 30*time.Minute)})
	if err != nil || len(ins) != 2 {
		t.Fatalf("ReconcileAlarms = %d alarms, %v", len(ins), err)
	}
	a1, a2 := ins[0].ID, ins[1].ID
	if _, err := f.db.ReviewAlarm(ctx, a1, store.OtherDisposition, "先看一下", "office1"); err != nil {
		t.Fatal(err)
	}

	f.db.Now = func() time.Time { return f.t0.Add(24 * time.Hour) } // the export
	path := filepath.Join(t.TempDir(), "review.pwreview")
	p, err := f.db.ExportReviewPackage(ctx, "office1", path, store.AlarmFilter{From: f.t0, To: f.t0.Add(24 * time.Hour)}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if p.Alarms != 2 || p.ID == "" {
		t.Fatalf("package = %+v, want 2 alarms and an id", p)
	}
	if _, err := f.db.ExportReviewPackage(ctx, "office1", path, store.AlarmFilter{}, time.Hour); !errors.Is(err, store.ErrConflict) {
		t.Errorf("export over an existing file = %v, want ErrConflict", err)
	}
	one := filepath.Join(t.TempDir(), "one.pwreview")
	if p, err := f.db.ExportReviewAlarms(ctx, "office1", one, []int64{a2}, time.Hour); err != nil || p.Alarms != 1 {
		t.Errorf("ExportReviewAlarms(%d) = %+v, %v; want one alarm", a2, p, err)
	}
	if _, err := f.db.ExportReviewAlarms(ctx, "office1", filepath.Join(t.TempDir(), "x.pwreview"), []int64{999}, time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ExportReviewAlarms(999) = %v, want ErrNotFound", err)
	}

	// The laptop: the package opened as a database, with what a reviewer needs.
	laptop, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := laptop.ReviewPackageInfo(ctx)
	if err != nil || info.ID != p.ID || info.Alarms != 2 {
		t.Fatalf("ReviewPackageInfo = %+v, %v", info, err)
	}
	ev, err := laptop.AlarmEvidence(ctx, a2, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Series[f.pProd.ID]) != 30 || len(ev.Series[f.pTreat.ID]) != 30 || ev.Alarm.Detail == "" {
		t.Errorf("package evidence of alarm %d: %d and %d samples, want 30 each", a2, len(ev.Series[f.pProd.ID]), len(ev.Series[f.pTreat.ID]))
	}
	pk, err := laptop.RawPackets(ctx, f.term.MN, f.t0.Add(time.Hour), f.t0.Add(2*time.Hour))
	if err != nil || len(pk) != 12 {
		t.Errorf("package raw packets 01:00–02:00 = %d, %v; want 12", len(pk), err)
	}
	if rs, _ := laptop.Reviews(ctx, a1); len(rs) != 1 {
		t.Errorf("package reviews of alarm %d = %d, want the 1 made before export", a1, len(rs))
	}
	laptop.Now = func() time.Time { return f.t0.Add(48 * time.Hour) }
	for _, r := range []struct {
		id int64
		d  store.Disposition
	}{{a1, store.Confirmed}, {a2, store.DeviceFault}} {
		if _, err := laptop.ReviewAlarm(ctx, r.id, r.d, "现场核实", "field7"); err != nil {
			t.Fatal(err)
		}
	}
	if err := laptop.Close(); err != nil {
		t.Fatal(err)
	}

	// Meanwhile in the office, alarm 1 gets a second review.
	if _, err := f.db.ReviewAlarm(ctx, a1, store.Filed, "企业已报备", "office2"); err != nil {
		t.Fatal(err)
	}
	f.db.Now = func() time.Time { return f.t0.Add(72 * time.Hour) } // the import
	res, err := f.db.ImportReviewPackage(ctx, "office1", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 1 || len(res.Conflicts) != 1 || res.Conflicts[0].AlarmID != a1 {
		t.Fatalf("import = %+v; want alarm %d imported and alarm %d in conflict", res, a2, a1)
	}
	c := res.Conflicts[0]
	if len(c.Office) != 1 || c.Office[0].Reviewer != "office2" || len(c.Package) != 1 || c.Package[0].Reviewer != "field7" {
		t.Errorf("conflict = %+v", c)
	}
	got, _ := f.db.AlarmByID(ctx, a1)
	if got.Disposition != store.Filed {
		t.Errorf("conflicting alarm %d disposition = %q, want the office's %q untouched", a1, got.Disposition, store.Filed)
	}
	got, _ = f.db.AlarmByID(ctx, a2)
	if got.Disposition != store.DeviceFault {
		t.Errorf("imported alarm %d disposition = %q, want %q", a2, got.Disposition, store.DeviceFault)
	}
	rs, _ := f.db.Reviews(ctx, a2)
	if len(rs) != 1 || rs[0].Reviewer != "field7" || !rs[0].At.Equal(f.t0.Add(48*time.Hour)) {
		t.Errorf("imported review = %+v, want field7's at %v", rs, f.t0.Add(48*time.Hour))
	}
	audit, err := f.db.FindAudit(ctx, store.AuditFilter{Action: "review_import", Entity: "alarm", EntityID: a2})
	if err != nil || len(audit) != 1 || audit[0].Who != "field7" || !audit[0].At.Equal(f.t0.Add(48*time.Hour)) {
		t.Errorf("audit of the import = %+v, %v; want one entry by field7 at the review's time", audit, err)
	}

	// Resolve: the package's decision wins; again: nothing more to do.
	res, err = f.db.ImportReviewPackage(ctx, "office1", path, map[int64]store.ReviewSide{a1: store.TakePackage})
	if err != nil || res.Imported != 1 || len(res.Conflicts) != 0 || res.Unchanged != 1 {
		t.Fatalf("import resolved = %+v, %v; want 1 imported, 1 unchanged", res, err)
	}
	got, _ = f.db.AlarmByID(ctx, a1)
	if got.Disposition != store.Confirmed {
		t.Errorf("resolved alarm %d disposition = %q, want the package's %q", a1, got.Disposition, store.Confirmed)
	}
	if rs, _ := f.db.Reviews(ctx, a1); len(rs) != 3 {
		t.Errorf("alarm %d has %d reviews, want all 3 kept", a1, len(rs))
	}
	res, err = f.db.ImportReviewPackage(ctx, "office1", path, nil)
	if err != nil || res.Imported != 0 || len(res.Conflicts) != 0 || res.Unchanged != 2 || len(res.AlreadyApplied) != 2 {
		t.Errorf("import again = %+v, %v; want nothing new and both decisions reported as already applied", res, err)
	}
	if _, err := f.db.ImportReviewPackage(ctx, "office1", f.db.Path(), nil); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("import of the database itself = %v, want ErrInvalid", err)
	}
	other := MustOpenDB(t)
	if _, err := f.db.ImportReviewPackage(ctx, "office1", other.Path(), nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("import of an ordinary database = %v, want ErrNotFound (not a package)", err)
	}
}
