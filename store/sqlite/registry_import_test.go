package sqlite_test

import (
	"errors"
	"testing"
	"time"

	"powerwatch/store"
)

func importRows() []store.RegistryRow {
	installed := time.Date(2026, 3, 1, 0, 0, 0, 0, store.Beijing)
	return []store.RegistryRow{
		{Row: 2, District: "朝阳区", Enterprise: "甲公司", USCC: "91110105MA00000001", Industry: "铸造", Facility: "熔炉",
			Kind: store.Production, RatedKW: 200, TreatedBy: []store.TreatedBy{{Facility: "除尘器"}, {Facility: "备用除尘器", Standby: true}},
			MN: "010000A8900016F000169DC0", Password: "123456", Installed: installed, PowerCode: "e1", CurrentCode: "i1",
			Threshold: &store.Threshold{Stop: 10, Run: 40}},
		{Row: 3, District: "朝阳区", Enterprise: "甲公司", Facility: "除尘器", Kind: store.Treatment, RatedKW: 55, Outlet: "DA001",
			MN: "010000A8900016F000169DC0", PowerCode: "e2", Threshold: &store.Threshold{Stop: 2.75, Run: 11, Derived: true}},
		{Row: 4, District: "朝阳区", Enterprise: "甲公司", Facility: "备用除尘器", Kind: store.Treatment, RatedKW: 30,
			MN: "010000A8900016F000169DC0", PowerCode: "e3", Threshold: &store.Threshold{Stop: 1.5, Run: 6, Derived: true}},
	}
}

func TestImportRegistry(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	t.Run("OK dry run writes nothing", func(t *testing.T) {
		sum, err := db.ImportRegistry(ctx, who, importRows(), true)
		if err != nil || !sum.DryRun || sum.Points.Created != 3 {
			t.Fatalf("dry run = %+v, %v", sum, err)
		}
		if es, _ := db.FindEnterprises(ctx, store.EnterpriseFilter{}); len(es) != 0 {
			t.Fatalf("dry run left %d enterprises", len(es))
		}
	})
	t.Run("OK first import creates", func(t *testing.T) {
		sum, err := db.ImportRegistry(ctx, who, importRows(), false)
		if err != nil {
			t.Fatal(err)
		}
		want := store.ImportCounts{Created: 3}
		if sum.Facilities != want || sum.Points != want || sum.Thresholds != want || sum.Links.Created != 2 || sum.Enterprises.Created != 1 {
			t.Errorf("first import = %+v", sum)
		}
	})
	t.Run("OK second import changes nothing", func(t *testing.T) {
		audit, _ := db.FindAudit(ctx, store.AuditFilter{})
		sum, err := db.ImportRegistry(ctx, who, importRows(), false)
		if err != nil || sum.Changed() {
			t.Fatalf("re-import = %+v, %v; want nothing changed", sum, err)
		}
		after, _ := db.FindAudit(ctx, store.AuditFilter{})
		if len(after) != len(audit)+1 {
			t.Errorf("re-import wrote %d audit entries, want only the import summary", len(after)-len(audit))
		}
	})
	t.Run("OK changes update, keep history and drop links no longer listed", func(t *testing.T) {
		rows := importRows()
		rows[0].TreatedBy = rows[0].TreatedBy[:1]
		rows[0].Threshold = &store.Threshold{Stop: 12, Run: 40}
		rows[1].Outlet = "DA002"
		sum, err := db.ImportRegistry(ctx, who, rows, false)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Links.Deleted != 1 || sum.Thresholds.Created != 1 || sum.Facilities.Updated != 1 {
			t.Errorf("update import = %+v", sum)
		}
		fs, _ := db.FindFacilities(ctx, store.FacilityFilter{Name: "熔炉"})
		if hist, _ := db.ThresholdsFor(ctx, fs[0].ID); len(hist) != 2 {
			t.Errorf("threshold history = %+v, want 2 entries", hist)
		}
	})
	t.Run("OK a person confirming a derived threshold replaces it", func(t *testing.T) {
		rows := importRows()
		rows[0].TreatedBy = rows[0].TreatedBy[:1]
		rows[0].Threshold = &store.Threshold{Stop: 12, Run: 40}
		rows[1].Outlet = "DA002"
		rows[1].Threshold = &store.Threshold{Stop: 2.75, Run: 11}
		sum, err := db.ImportRegistry(ctx, who, rows, false)
		if err != nil || sum.Thresholds != (store.ImportCounts{Created: 1, Unchanged: 2}) {
			t.Fatalf("import = %+v, %v; want one new threshold", sum.Thresholds, err)
		}
		fs, _ := db.FindFacilities(ctx, store.FacilityFilter{Name: "除尘器"}) // substring: 除尘器, 备用除尘器
		var id int64
		for _, f := range fs {
			if f.Name == "除尘器" {
				id = f.ID
			}
		}
		if th, err := db.ThresholdAt(ctx, id, db.Now()); err != nil || th.Derived || th.Stop != 2.75 {
			t.Errorf("threshold in force = %+v, %v; want the person's", th, err)
		}
	})
	t.Run("Err rolls back everything", func(t *testing.T) {
		rows := importRows()
		rows = append(rows, store.RegistryRow{Row: 5, Enterprise: "乙公司", Facility: "窑", Kind: store.Production,
			TreatedBy: []store.TreatedBy{{Facility: "不存在"}}, MN: "AAAAAAAAAAAAAAAAAAAAAAAA", PowerCode: "e1"})
		_, err := db.ImportRegistry(ctx, who, rows, false)
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("import with unknown treatment = %v, want ErrNotFound", err)
		}
		if es, _ := db.FindEnterprises(ctx, store.EnterpriseFilter{Name: "乙公司"}); len(es) != 0 {
			t.Errorf("failed import left enterprise 乙公司")
		}
	})
}

func TestImportOrders(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	orders := func() []store.Order {
		return []store.Order{
			{EnterpriseID: f.ent.ID, Kind: store.Shutdown, Level: store.Red, Start: f.t0, End: f.t0.AddDate(0, 0, 2)},
			{EnterpriseID: f.ent.ID, Kind: store.Cut, CutPercent: 30, FacilityIDs: []int64{f.prod.ID}, Start: f.t0, End: f.t0.AddDate(0, 0, 2)},
		}
	}
	if sum, err := f.db.ImportOrders(ctx, who, orders(), false); err != nil || sum.Orders.Created != 2 {
		t.Fatalf("ImportOrders = %+v, %v", sum, err)
	}
	os := orders()
	os[1].CutPercent = 50
	if sum, err := f.db.ImportOrders(ctx, who, os, false); err != nil || sum.Orders != (store.ImportCounts{Updated: 1, Unchanged: 1}) {
		t.Fatalf("ImportOrders again = %+v, %v; want one updated, one unchanged", sum, err)
	}
	fl := []store.Filing{{EnterpriseID: f.ent.ID, Kind: store.PowerCut, Start: f.t0, End: f.t0.AddDate(0, 0, 1)}}
	for i, want := range []store.ImportCounts{{Created: 1}, {Unchanged: 1}} {
		if sum, err := f.db.ImportFilings(ctx, who, fl, false); err != nil || sum.Filings != want {
			t.Errorf("ImportFilings #%d = %+v, %v; want %+v", i, sum, err, want)
		}
	}
}
