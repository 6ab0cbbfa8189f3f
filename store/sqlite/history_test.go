package sqlite_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

// TestFirstThresholdFromInstallation: a facility's first threshold is in force
// from the earliest installation date of its points, whenever it was created
// and whichever point got its date later; later thresholds keep their date;
// with no date known the first one keeps its own.
func TestFirstThresholdFromInstallation(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	first := store.Threshold{FacilityID: f.prod.ID, Stop: 10, Run: 40}
	if err := f.db.CreateThreshold(ctx, who, &first); err != nil {
		t.Fatal(err)
	}
	created := first.EffectiveFrom
	if time.Since(created) > time.Minute {
		t.Fatalf("first threshold with no installation date known: from %v, want now", created)
	}
	history := func() []store.Threshold {
		t.Helper()
		ts, err := f.db.ThresholdsFor(ctx, f.prod.ID)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	steps := []struct {
		name      string
		do        func() error
		wantFirst time.Time
	}{
		{"the point gets its installation date", func() error {
			p := f.pProd
			p.InstalledAt = f.t0
			return f.db.UpdatePoint(ctx, who, &p)
		}, f.t0},
		{"an edit later is in force from the edit", func() error {
			edit := store.Threshold{FacilityID: f.prod.ID, Stop: 12, Run: 45}
			return f.db.CreateThreshold(ctx, who, &edit)
		}, f.t0},
		{"a point installed later does not move it", func() error {
			p := store.Point{TerminalID: f.term.ID, FacilityID: f.prod.ID, Name: "熔炉2", PowerCode: "e10103", InstalledAt: f.t0.AddDate(0, 0, 5)}
			return f.db.CreatePoint(ctx, who, &p)
		}, f.t0},
		{"a point installed earlier moves it back", func() error {
			p := store.Point{TerminalID: f.term.ID, FacilityID: f.prod.ID, Name: "熔炉3", PowerCode: "e10104", InstalledAt: f.t0.AddDate(0, 0, -3)}
			return f.db.CreatePoint(ctx, who, &p)
		}, f.t0.AddDate(0, 0, -3)},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		h := history()
		if !h[0].EffectiveFrom.Equal(s.wantFirst) {
			t.Errorf("%s: first threshold from %v, want %v", s.name, h[0].EffectiveFrom, s.wantFirst)
		}
		if len(h) > 1 && time.Since(h[1].EffectiveFrom) > time.Minute {
			t.Errorf("%s: the edit moved to %v, want it in force from when it was made", s.name, h[1].EffectiveFrom)
		}
	}
	// Another facility's first threshold, created after its point's date is
	// known, starts at that date at once.
	p := f.pTreat
	p.InstalledAt = f.t0.AddDate(0, 0, 1)
	if err := f.db.UpdatePoint(ctx, who, &p); err != nil {
		t.Fatal(err)
	}
	th := store.Threshold{FacilityID: f.treat.ID, Stop: 2, Run: 10}
	if err := f.db.CreateThreshold(ctx, who, &th); err != nil || !th.EffectiveFrom.Equal(p.InstalledAt) {
		t.Errorf("CreateThreshold = %v from %v, want from the installation %v", err, th.EffectiveFrom, p.InstalledAt)
	}
}

// TestRegistryDates: installation and commissioning dates are stored and read back.
func TestRegistryDates(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	fac := f.prod
	fac.CommissionedAt = f.t0.AddDate(0, 0, 2)
	if err := f.db.UpdateFacility(ctx, who, &fac); err != nil {
		t.Fatal(err)
	}
	p := f.pTreat
	p.InstalledAt = f.t0.Add(90 * time.Minute)
	if err := f.db.UpdatePoint(ctx, who, &p); err != nil {
		t.Fatal(err)
	}
	reg, err := f.db.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := reg.Facility(f.prod.ID); !got.CommissionedAt.Equal(fac.CommissionedAt) {
		t.Errorf("CommissionedAt = %v, want %v", got.CommissionedAt, fac.CommissionedAt)
	}
	for _, got := range reg.PointsOf(f.treat.ID) {
		if !got.InstalledAt.Equal(p.InstalledAt) {
			t.Errorf("InstalledAt = %v, want %v", got.InstalledAt, p.InstalledAt)
		}
	}
	for _, got := range reg.PointsOf(f.prod.ID) {
		if !got.InstalledAt.IsZero() {
			t.Errorf("the other point of the terminal got a date: %v", got.InstalledAt)
		}
	}
}

// TestTestWindowRecords: a record's test window is checked, stored and part
// of the registry snapshot the alarm rules read.
func TestTestWindowRecords(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	rec := func(from, to time.Time) store.MaintenanceRecord {
		return store.MaintenanceRecord{Kind: store.TaskAcceptance, Date: f.t0, People: "验收组", EnterpriseID: f.ent.ID,
			TestFrom: from, TestTo: to}
	}
	for _, bad := range []store.MaintenanceRecord{rec(f.t0, time.Time{}), rec(time.Time{}, f.t0), rec(f.t0.Add(time.Hour), f.t0)} {
		if err := f.db.AddRecord(ctx, who, &bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("AddRecord(window %v–%v) = %v, want ErrInvalid", bad.TestFrom, bad.TestTo, err)
		}
	}
	plain := rec(time.Time{}, time.Time{})
	good := rec(f.t0, f.t0.Add(40*time.Minute))
	for _, r := range []*store.MaintenanceRecord{&plain, &good} {
		if err := f.db.AddRecord(ctx, who, r); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := f.db.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Tests) != 1 || reg.Tests[0].ID != good.ID || !reg.Tests[0].TestFrom.Equal(good.TestFrom) || !reg.Tests[0].TestTo.Equal(good.TestTo) {
		t.Errorf("Registry.Tests = %+v, want only record %d with its window", reg.Tests, good.ID)
	}
}

// TestTrialAlarms: the 试验 mark is stored, follows the verdict, and the
// filter selects by it.
func TestTrialAlarms(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	scope := store.AlarmScope{From: f.t0, To: f.t0.Add(24 * time.Hour)}
	normal := f.alarmAt(f.t0.Add(time.Hour), 20*time.Minute)
	trial := f.alarmAt(f.t0.Add(5*time.Hour), 30*time.Minute)
	trial.Trial = true
	if _, err := f.db.ReconcileAlarms(ctx, scope, []store.Alarm{normal, trial}); err != nil {
		t.Fatal(err)
	}
	count := func(tf store.TrialFilter) int {
		as, err := f.db.FindAlarms(ctx, store.AlarmFilter{Trial: tf})
		if err != nil {
			t.Fatal(err)
		}
		return len(as)
	}
	for _, tt := range []struct {
		filter store.TrialFilter
		want   int
	}{{store.TrialAny, 2}, {store.TrialNo, 1}, {store.TrialOnly, 1}} {
		if got := count(tt.filter); got != tt.want {
			t.Errorf("FindAlarms(Trial %d) = %d alarms, want %d", tt.filter, got, tt.want)
		}
	}
	// The record of the test is withdrawn, say: the same episode is now a violation.
	trial.Trial = false
	changed, err := f.db.ReconcileAlarms(ctx, scope, []store.Alarm{normal, trial})
	if err != nil || len(changed) != 1 || changed[0].Trial {
		t.Fatalf("ReconcileAlarms(no longer 试验) = %+v, %v; want the alarm updated", changed, err)
	}
	if got := count(store.TrialOnly); got != 0 {
		t.Errorf("%d alarms still marked 试验", got)
	}
}

// TestMigration0011AnchorsThresholds runs 0011's data step on rows as an older
// version left them (first threshold in force from the import, installation
// date on the terminal only, copied to its points by 0011): the first
// threshold moves back to the installation, later ones and facilities
// without a date stay.
func TestMigration0011AnchorsThresholds(t *testing.T) {
	db := MustOpenDB(t)
	body, err := os.ReadFile(filepath.Join("migration", "0011_history.sql"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(body)
	step := text[strings.Index(text, "UPDATE thresholds"):]
	installed, imported := int64(1_770_000_000_000), int64(1_780_000_000_000)
	sqldb := db.SQL()
	for _, q := range []string{
		`INSERT INTO enterprises(id, name) VALUES (1, 'E')`,
		`INSERT INTO facilities(id, enterprise_id, name, kind) VALUES (1, 1, 'P', 'production'), (2, 1, 'T', 'treatment')`,
		`INSERT INTO terminals(id, mn) VALUES (1, '010000A8900016F000169DC0')`,
		fmt.Sprintf(`INSERT INTO points(id, terminal_id, facility_id, power_code, installed_at) VALUES (1, 1, 1, 'p1', %d), (2, 1, 2, 'p2', 0)`, installed),
		fmt.Sprintf(`INSERT INTO thresholds(facility_id, stop, run, effective_from) VALUES (1, 5, 20, %d), (1, 6, 25, %d), (2, 1, 5, %d)`,
			imported, imported+1000, imported),
		step,
	} {
		if _, err := sqldb.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rows, err := sqldb.QueryContext(t.Context(), `SELECT facility_id, effective_from FROM thresholds ORDER BY facility_id, effective_from`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var fid, from int64
		if err := rows.Scan(&fid, &from); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d@%d", fid, from))
	}
	want := []string{fmt.Sprintf("1@%d", installed), fmt.Sprintf("1@%d", imported+1000), fmt.Sprintf("2@%d", imported)}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("thresholds after 0011 = %v, want %v", got, want)
	}
}
