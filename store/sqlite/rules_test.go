package sqlite_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

// TestOrderExemptions: an order's exempted facilities are stored, read back
// by id and by FindOrders, and replaced on update (migration 0010).
func TestOrderExemptions(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	o := store.Order{EnterpriseID: f.ent.ID, Kind: store.Shutdown, Level: store.Red, ExemptIDs: []int64{f.treat.ID, f.prod.ID, f.prod.ID},
		Start: f.t0, End: f.t0.AddDate(0, 0, 1)}
	if err := f.db.CreateOrder(ctx, who, &o); err != nil {
		t.Fatal(err)
	}
	want := []int64{f.prod.ID, f.treat.ID} // sorted, duplicates dropped
	if got, err := f.db.OrderByID(ctx, o.ID); err != nil || !slices.Equal(got.ExemptIDs, want) || len(got.FacilityIDs) != 0 {
		t.Errorf("OrderByID = %+v, %v; want exemptions %v and no listed facility", got, err, want)
	}
	o.ExemptIDs = []int64{f.prod.ID}
	if err := f.db.UpdateOrder(ctx, who, &o); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.FindOrders(ctx, store.OrderFilter{EnterpriseID: f.ent.ID})
	if err != nil || len(got) != 1 || !slices.Equal(got[0].ExemptIDs, []int64{f.prod.ID}) {
		t.Errorf("FindOrders after update = %+v, %v; want exemption of %d only", got, err, f.prod.ID)
	}
	if !o.Covers(f.treat.ID, f.t0) || o.Covers(f.prod.ID, f.t0) {
		t.Error("Covers: an exempted facility is not covered, the others are")
	}
}

// TestLinksConfirmed: the per-facility flag survives a round trip; a new
// facility starts unconfirmed.
func TestLinksConfirmed(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	if got, _ := f.db.FacilityByID(ctx, f.prod.ID); got.LinksConfirmed {
		t.Fatal("a new facility's links are confirmed without an officer")
	}
	f.prod.LinksConfirmed = true
	if err := f.db.UpdateFacility(ctx, who, &f.prod); err != nil {
		t.Fatal(err)
	}
	reg, err := f.db.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range reg.Facilities {
		if x.ID == f.prod.ID && !x.LinksConfirmed {
			t.Error("LoadRegistry lost LinksConfirmed")
		}
	}
}

// TestFindAlarmsByGroup: AlarmFilter.Groups selects by AlarmType.Group; the
// suspect group, with no type yet, selects nothing.
func TestFindAlarmsByGroup(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	t0 := f.t0
	as := []store.Alarm{
		{Type: store.TreatmentOff, Grade: store.Minor, Status: store.Ended, EnterpriseID: f.ent.ID, ProductionID: f.prod.ID, Start: t0, End: t0.Add(time.Hour)},
		{Type: store.OrderUnjudged, Grade: store.Minor, Status: store.Ended, EnterpriseID: f.ent.ID, Start: t0, End: t0.Add(time.Hour)},
		{Type: store.Offline, Grade: store.Minor, Status: store.Ended, EnterpriseID: f.ent.ID, TerminalID: f.term.ID, Start: t0, End: t0.Add(time.Hour)},
	}
	if _, err := f.db.ReconcileAlarms(ctx, store.AlarmScope{From: t0, To: t0.Add(time.Hour)}, as); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		groups []store.AlarmGroup
		want   []store.AlarmType
	}{
		{[]store.AlarmGroup{store.GroupViolation}, []store.AlarmType{store.TreatmentOff}},
		{[]store.AlarmGroup{store.GroupDevice}, []store.AlarmType{store.Offline, store.OrderUnjudged}},
		{[]store.AlarmGroup{store.GroupSuspect}, nil},
		{nil, []store.AlarmType{store.Offline, store.OrderUnjudged, store.TreatmentOff}},
	} {
		got, err := f.db.FindAlarms(ctx, store.AlarmFilter{Groups: tt.groups})
		if err != nil {
			t.Fatal(err)
		}
		var types []store.AlarmType
		for _, a := range got {
			types = append(types, a.Type)
		}
		slices.Sort(types)
		if !slices.Equal(types, tt.want) {
			t.Errorf("FindAlarms(groups %v) = %v, want %v", tt.groups, types, tt.want)
		}
	}
}

// TestMigration0010Rebuild runs 0010's rebuild of alarms again over a table
// holding an alarm with a review: the rows, ids and reviews survive, the
// uplink triggers are back, and the new types are accepted.
func TestMigration0010Rebuild(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	sqldb := f.db.SQL()
	a := store.Alarm{Type: store.TreatmentOff, Grade: store.Minor, Status: store.Ended, EnterpriseID: f.ent.ID,
		ProductionID: f.prod.ID, Start: f.t0, End: f.t0.Add(time.Hour)}
	got, err := f.db.ReconcileAlarms(ctx, store.AlarmScope{From: f.t0, To: f.t0.Add(time.Hour)}, []store.Alarm{a})
	if err != nil || len(got) != 1 {
		t.Fatalf("reconcile = %v, %v", got, err)
	}
	if _, err := sqldb.ExecContext(ctx, `INSERT INTO alarm_reviews(alarm_id, disposition, reviewer, at) VALUES (?, 'confirmed', 'r', 1)`, got[0].ID); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile("migration/0010_rules.sql")
	if err != nil {
		t.Fatal(err)
	}
	_, rebuild, ok := strings.Cut(string(body), "PRAGMA defer_foreign_keys = ON;")
	if !ok {
		t.Fatal("0010 has no rebuild")
	}
	tx, err := sqldb.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The table as 0010 found it: without the columns later migrations add
	// (0011's trial), which come back after the rebuild as they would.
	if _, err := tx.ExecContext(ctx, "ALTER TABLE alarms DROP COLUMN trial"); err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA defer_foreign_keys = ON;"+rebuild); err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "ALTER TABLE alarms ADD COLUMN trial INTEGER NOT NULL DEFAULT 0 CHECK (trial IN (0, 1))"); err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("commit the rebuild: %v", err)
	}
	var n int
	if err := sqldb.QueryRowContext(ctx, `SELECT count(*) FROM alarms a JOIN alarm_reviews r ON r.alarm_id = a.id WHERE a.id = ?`, got[0].ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("alarm with its review after the rebuild: %d rows, %v", n, err)
	}
	if err := sqldb.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'alarms'`).Scan(&n); err != nil || n != 3 {
		t.Errorf("uplink triggers on alarms after the rebuild: %d, %v; want 3", n, err)
	}
	u := store.Alarm{Type: store.TreatmentUnknown, Grade: store.Minor, Status: store.Open, EnterpriseID: f.ent.ID,
		ProductionID: f.prod.ID, TreatmentID: f.treat.ID, Start: f.t0.Add(2 * time.Hour)}
	if _, err := f.db.ReconcileAlarms(ctx, store.AlarmScope{From: f.t0.Add(2 * time.Hour), To: f.t0.Add(3 * time.Hour)}, []store.Alarm{u}); err != nil {
		t.Errorf("a treatment_unknown alarm after the rebuild: %v", err)
	}
}

// TestMigration0025Rebuild runs 0025's rebuild of alarms again over a table
// holding an alarm with a review and a revision mark: the rows, ids, reviews
// and revisions survive (dropping the old table would cascade to
// alarm_revisions), the indexes and uplink triggers are back, and
// treatment_cut is accepted.
func TestMigration0025Rebuild(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	sqldb := f.db.SQL()
	a := store.Alarm{Type: store.TreatmentOff, Grade: store.Minor, Status: store.Ended, EnterpriseID: f.ent.ID,
		ProductionID: f.prod.ID, Start: f.t0, End: f.t0.Add(time.Hour)}
	got, err := f.db.ReconcileAlarms(ctx, store.AlarmScope{From: f.t0, To: f.t0.Add(time.Hour)}, []store.Alarm{a})
	if err != nil || len(got) != 1 {
		t.Fatalf("reconcile = %v, %v", got, err)
	}
	id := got[0].ID
	if _, err := sqldb.ExecContext(ctx, `INSERT INTO alarm_reviews(alarm_id, disposition, reviewer, at) VALUES (?, 'confirmed', 'r', 1)`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.ExecContext(ctx, `INSERT INTO alarm_revisions(alarm_id, point_id, at, before, after, marked_at) VALUES (?, 1, 2, 'b', 'a', 3)`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.ExecContext(ctx, `UPDATE alarms SET trial = 1 WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile("migration/0025_treatment_cut.sql")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := sqldb.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("commit the rebuild: %v", err)
	}
	checks := []struct {
		q    string
		want int
	}{
		{`SELECT count(*) FROM alarms a JOIN alarm_reviews r ON r.alarm_id = a.id WHERE a.id = ? AND a.trial = 1`, 1},
		{`SELECT count(*) FROM alarm_revisions WHERE alarm_id = ? AND after = 'a'`, 1},
		{`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'alarms' AND ? > 0`, 3},
		{`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'alarms' AND name LIKE 'alarms_%' AND ? > 0`, 9},
		{`SELECT count(*) FROM sqlite_master WHERE name LIKE '%_0025' AND ? > 0`, 0},
	}
	for _, c := range checks {
		var n int
		if err := sqldb.QueryRowContext(ctx, c.q, id).Scan(&n); err != nil || n != c.want {
			t.Errorf("%s = %d, %v; want %d", c.q, n, err, c.want)
		}
	}
	if rows, err := sqldb.QueryContext(ctx, `PRAGMA foreign_key_check`); err != nil {
		t.Fatal(err)
	} else {
		if rows.Next() {
			t.Error("foreign key violations after the rebuild")
		}
		rows.Close()
	}
	u := store.Alarm{Type: store.TreatmentCut, Grade: store.Major, Status: store.Open, EnterpriseID: f.ent.ID,
		ProductionID: f.prod.ID, TreatmentID: f.treat.ID, Start: f.t0.Add(2 * time.Hour)}
	if _, err := f.db.ReconcileAlarms(ctx, store.AlarmScope{From: f.t0.Add(2 * time.Hour), To: f.t0.Add(3 * time.Hour)}, []store.Alarm{u}); err != nil {
		t.Errorf("a treatment_cut alarm after the rebuild: %v", err)
	}
}
