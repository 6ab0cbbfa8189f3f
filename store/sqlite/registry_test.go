package sqlite_test

import (
	"errors"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

const who = "test"

// fixture is one enterprise with a production line, its treatment unit, one
// terminal and one point per facility.
type fixture struct {
	db     *sqlite.DB
	ent    store.Enterprise
	prod   store.Facility
	treat  store.Facility
	term   store.Terminal
	pProd  store.Point
	pTreat store.Point
	link   store.Link
	t0     time.Time
}

func mustFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{db: MustOpenDB(t), t0: time.Date(2026, 11, 1, 0, 0, 0, 0, store.Beijing)}
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	region := store.Region{Name: "朝阳区"}
	must(f.db.CreateRegion(ctx, who, &region))
	f.ent = store.Enterprise{Name: "北京某某铸造有限公司", USCC: "91110105MA00000001", RegionID: region.ID}
	must(f.db.CreateEnterprise(ctx, who, &f.ent))
	f.prod = store.Facility{EnterpriseID: f.ent.ID, Name: "1号熔炉", Kind: store.Production, RatedKW: 200}
	must(f.db.CreateFacility(ctx, who, &f.prod))
	f.treat = store.Facility{EnterpriseID: f.ent.ID, Name: "布袋除尘器", Kind: store.Treatment, RatedKW: 55, Outlet: "DA001"}
	must(f.db.CreateFacility(ctx, who, &f.treat))
	f.link = store.Link{ProductionID: f.prod.ID, TreatmentID: f.treat.ID}
	must(f.db.CreateLink(ctx, who, &f.link))
	f.term = store.Terminal{MN: "010000A8900016F000169DC0", Password: "123456", EnterpriseID: f.ent.ID}
	must(f.db.CreateTerminal(ctx, who, &f.term))
	f.pProd = store.Point{TerminalID: f.term.ID, FacilityID: f.prod.ID, Name: "熔炉", PowerCode: "e10101", CurrentCode: "e10201"}
	must(f.db.CreatePoint(ctx, who, &f.pProd))
	f.pTreat = store.Point{TerminalID: f.term.ID, FacilityID: f.treat.ID, Name: "除尘", PowerCode: "e10102"}
	must(f.db.CreatePoint(ctx, who, &f.pTreat))
	return f
}

func TestEnterpriseCRUD(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	t.Run("OK update and read back", func(t *testing.T) {
		e := f.ent
		e.Contact, e.Grade = "王工", "B"
		if err := f.db.UpdateEnterprise(ctx, "officer1", &e); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.EnterpriseByID(ctx, e.ID)
		if err != nil || got != e {
			t.Fatalf("EnterpriseByID = %+v, %v; want %+v", got, err, e)
		}
		audit, err := f.db.FindAudit(ctx, store.AuditFilter{Entity: "enterprise", EntityID: e.ID, Action: "update"})
		if err != nil || len(audit) != 1 || audit[0].Who != "officer1" || audit[0].Before == "" || audit[0].After == "" {
			t.Fatalf("audit of update = %+v, %v; want one entry by officer1 with before and after", audit, err)
		}
	})
	t.Run("OK unchanged update writes no audit", func(t *testing.T) {
		before, _ := f.db.FindAudit(ctx, store.AuditFilter{})
		e, _ := f.db.EnterpriseByID(ctx, f.ent.ID)
		if err := f.db.UpdateEnterprise(ctx, "officer1", &e); err != nil {
			t.Fatal(err)
		}
		after, _ := f.db.FindAudit(ctx, store.AuditFilter{})
		if len(after) != len(before) {
			t.Errorf("audit grew from %d to %d on a no-op update", len(before), len(after))
		}
	})
	t.Run("ErrConflict duplicate name", func(t *testing.T) {
		e := store.Enterprise{Name: f.ent.Name}
		if err := f.db.CreateEnterprise(ctx, who, &e); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("CreateEnterprise(duplicate) = %v, want ErrConflict", err)
		}
	})
	t.Run("ErrConflict delete with facilities", func(t *testing.T) {
		if err := f.db.DeleteEnterprise(ctx, who, f.ent.ID); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("DeleteEnterprise = %v, want ErrConflict", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := f.db.EnterpriseByID(ctx, 999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("EnterpriseByID(999) = %v, want ErrNotFound", err)
		}
		if err := f.db.DeleteEnterprise(ctx, who, 999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("DeleteEnterprise(999) = %v, want ErrNotFound", err)
		}
	})
	t.Run("ErrInvalid without who", func(t *testing.T) {
		e := store.Enterprise{Name: "无名氏"}
		if err := f.db.CreateEnterprise(ctx, "", &e); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("CreateEnterprise(who empty) = %v, want ErrInvalid", err)
		}
		if got, _ := f.db.FindEnterprises(ctx, store.EnterpriseFilter{Name: "无名氏"}); len(got) != 0 {
			t.Errorf("enterprise created although its audit entry failed: %+v", got)
		}
	})
	t.Run("OK find by name substring and delete", func(t *testing.T) {
		got, err := f.db.FindEnterprises(ctx, store.EnterpriseFilter{Name: "铸造"})
		if err != nil || len(got) != 1 || got[0].ID != f.ent.ID {
			t.Fatalf("FindEnterprises(铸造) = %+v, %v", got, err)
		}
		e := store.Enterprise{Name: "待删除"}
		if err := f.db.CreateEnterprise(ctx, who, &e); err != nil {
			t.Fatal(err)
		}
		if err := f.db.DeleteEnterprise(ctx, who, e.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.EnterpriseByID(ctx, e.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after delete: %v, want ErrNotFound", err)
		}
	})
}

func TestTerminalsAndPoints(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	if _, err := f.db.TerminalByMN(ctx, "FFFFFFFFFFFFFFFFFFFFFFFF"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TerminalByMN(unknown) = %v, want ErrNotFound", err)
	}
	ps, err := f.db.PointsByMN(ctx, f.term.MN)
	if err != nil || len(ps) != 2 || ps[0] != f.pProd || ps[1] != f.pTreat {
		t.Fatalf("PointsByMN = %+v, %v; want the two fixture points", ps, err)
	}
	dup := store.Point{TerminalID: f.term.ID, FacilityID: f.treat.ID, EnergyCode: "e10201"}
	if err := f.db.CreatePoint(ctx, who, &dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreatePoint(code of another point) = %v, want ErrConflict", err)
	}
	same := store.Point{TerminalID: f.term.ID, FacilityID: f.treat.ID, PowerCode: "x1", CurrentCode: "x1"}
	if err := f.db.CreatePoint(ctx, who, &same); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("CreatePoint(one code twice) = %v, want ErrInvalid", err)
	}
	seen := time.Date(2026, 11, 28, 8, 0, 0, 0, store.Beijing)
	if err := f.db.TouchTerminal(ctx, f.term.MN, seen, "10.0.0.7:5000", "2017"); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.TerminalByMN(ctx, f.term.MN)
	if err != nil || !got.LastSeen.Equal(seen) || got.Protocol != "2017" || got.RemoteAddr != "10.0.0.7:5000" {
		t.Errorf("after TouchTerminal: %+v, %v", got, err)
	}
	if err := f.db.DeleteTerminal(ctx, who, f.term.ID); !errors.Is(err, store.ErrConflict) {
		t.Errorf("DeleteTerminal with points = %v, want ErrConflict", err)
	}
}

func TestThresholdHistory(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	for i, th := range []store.Threshold{
		{FacilityID: f.prod.ID, Stop: 10, Run: 40, EffectiveFrom: f.t0},
		{FacilityID: f.prod.ID, Stop: 12, Run: 50, EffectiveFrom: f.t0.AddDate(0, 0, 10), Note: "复核后调整"},
	} {
		if err := f.db.CreateThreshold(ctx, who, &th); err != nil {
			t.Fatalf("threshold %d: %v", i, err)
		}
	}
	tests := []struct {
		at       time.Time
		wantStop float64
		wantErr  error
	}{
		{f.t0.Add(-time.Second), 0, store.ErrNotFound},
		{f.t0, 10, nil},
		{f.t0.AddDate(0, 0, 9), 10, nil},
		{f.t0.AddDate(0, 0, 10), 12, nil},
	}
	for _, tt := range tests {
		got, err := f.db.ThresholdAt(ctx, f.prod.ID, tt.at)
		if !errors.Is(err, tt.wantErr) || (err == nil && got.Stop != tt.wantStop) {
			t.Errorf("ThresholdAt(%v) = %+v, %v; want stop %g, err %v", tt.at, got, err, tt.wantStop, tt.wantErr)
		}
	}
	hist, err := f.db.ThresholdsFor(ctx, f.prod.ID)
	if err != nil || len(hist) != 2 || hist[0].Stop != 10 {
		t.Errorf("ThresholdsFor = %+v, %v", hist, err)
	}
	bad := store.Threshold{FacilityID: f.prod.ID, Stop: 50, Run: 10}
	if err := f.db.CreateThreshold(ctx, who, &bad); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("CreateThreshold(run < stop) = %v, want ErrInvalid", err)
	}
}

func TestOrdersAndFilings(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	whole := store.Order{EnterpriseID: f.ent.ID, Kind: store.Shutdown, Level: store.Red, Start: f.t0, End: f.t0.AddDate(0, 0, 2)}
	part := store.Order{EnterpriseID: f.ent.ID, Kind: store.Cut, CutPercent: 30, Level: store.Orange,
		FacilityIDs: []int64{f.prod.ID}, Start: f.t0.AddDate(0, 0, 1), End: f.t0.AddDate(0, 0, 3)}
	for _, o := range []*store.Order{&whole, &part} {
		if err := f.db.CreateOrder(ctx, who, o); err != nil {
			t.Fatal(err)
		}
	}
	active, err := f.db.OrdersActiveAt(ctx, f.t0.AddDate(0, 0, 1).Add(time.Hour))
	if err != nil || len(active) != 2 {
		t.Fatalf("OrdersActiveAt(day 2) = %+v, %v; want both", active, err)
	}
	if active, _ := f.db.OrdersActiveAt(ctx, f.t0.AddDate(0, 0, 2)); len(active) != 1 || active[0].ID != part.ID {
		t.Errorf("OrdersActiveAt(end of whole) = %+v; want only the cut (end is exclusive)", active)
	}
	got, err := f.db.FindOrders(ctx, store.OrderFilter{FacilityID: f.treat.ID})
	if err != nil || len(got) != 1 || got[0].ID != whole.ID {
		t.Errorf("FindOrders(treatment) = %+v, %v; want only the whole-enterprise order", got, err)
	}
	part.Note = "延长"
	part.End = part.End.Add(time.Hour)
	if err := f.db.UpdateOrder(ctx, who, &part); err != nil {
		t.Fatal(err)
	}
	if o, err := f.db.OrderByID(ctx, part.ID); err != nil || o.Note != "延长" || len(o.FacilityIDs) != 1 {
		t.Errorf("OrderByID after update = %+v, %v", o, err)
	}

	fl := store.Filing{EnterpriseID: f.ent.ID, Kind: store.Renovation, FacilityIDs: []int64{f.treat.ID},
		Start: f.t0, End: f.t0.AddDate(0, 0, 1)}
	if err := f.db.CreateFiling(ctx, who, &fl); err != nil {
		t.Fatal(err)
	}
	if got, err := f.db.FilingsFor(ctx, f.treat.ID, f.t0.Add(time.Hour), f.t0.Add(2*time.Hour)); err != nil || len(got) != 1 {
		t.Errorf("FilingsFor(treatment) = %+v, %v; want the filing", got, err)
	}
	if got, err := f.db.FilingsFor(ctx, f.prod.ID, time.Time{}, time.Time{}); err != nil || len(got) != 0 {
		t.Errorf("FilingsFor(production) = %+v, %v; want none", got, err)
	}
	bad := store.Order{EnterpriseID: f.ent.ID, Kind: store.Cut, Start: f.t0, End: f.t0}
	if err := f.db.CreateOrder(ctx, who, &bad); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("CreateOrder(empty period) = %v, want ErrInvalid", err)
	}
}

func TestLoadRegistry(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	th := store.Threshold{FacilityID: f.treat.ID, Stop: 2, Run: 10, EffectiveFrom: f.t0}
	if err := f.db.CreateThreshold(ctx, who, &th); err != nil {
		t.Fatal(err)
	}
	o := store.Order{EnterpriseID: f.ent.ID, Kind: store.Shutdown, Start: f.t0, End: f.t0.AddDate(0, 0, 1)}
	if err := f.db.CreateOrder(ctx, who, &o); err != nil {
		t.Fatal(err)
	}
	r, err := f.db.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Enterprises) != 1 || len(r.Facilities) != 2 || len(r.Points) != 2 || len(r.Orders) != 1 {
		t.Fatalf("LoadRegistry counts: %d enterprises, %d facilities, %d points, %d orders",
			len(r.Enterprises), len(r.Facilities), len(r.Points), len(r.Orders))
	}
	if ls := r.LinksOf(f.prod.ID); len(ls) != 1 || ls[0] != f.link {
		t.Errorf("LinksOf(prod) = %+v", ls)
	}
	if got, ok := r.ThresholdAt(f.treat.ID, f.t0.Add(time.Hour)); !ok || got.Run != 10 {
		t.Errorf("ThresholdAt(treat) = %+v, %v", got, ok)
	}
	if got := r.OrdersAt(f.treat.ID, f.t0.Add(time.Hour)); len(got) != 1 {
		t.Errorf("OrdersAt(treat) = %+v; want the whole-enterprise order", got)
	}
	if term, ok := r.Terminal(f.term.MN); !ok || term.ID != f.term.ID {
		t.Errorf("Terminal(MN) = %+v, %v", term, ok)
	}
}

func TestAuditAppendOnly(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	entries, err := f.db.FindAudit(ctx, store.AuditFilter{Who: who})
	if err != nil || len(entries) < 7 {
		t.Fatalf("FindAudit = %d entries, %v; want one per fixture record", len(entries), err)
	}
	for _, q := range []string{`UPDATE audit_log SET who = 'mallory'`, `DELETE FROM audit_log WHERE id = 1`} {
		if _, err := f.db.SQL().ExecContext(ctx, q); err == nil {
			t.Errorf("%s: accepted", q)
		}
	}
	if after, _ := f.db.FindAudit(ctx, store.AuditFilter{Who: who}); len(after) != len(entries) {
		t.Errorf("audit entries %d → %d after refused changes", len(entries), len(after))
	}
	if err := f.db.AppendAudit(ctx, store.AuditEntry{Who: "officer1", Action: "import", Entity: "registry", After: `{"rows":3}`}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.db.FindAudit(ctx, store.AuditFilter{Action: "import", Limit: 1}); len(got) != 1 || got[0].After != `{"rows":3}` {
		t.Errorf("FindAudit(import) = %+v", got)
	}
}

func TestAttachments(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	a := store.Attachment{EnterpriseID: f.ent.ID, Name: "接线图", Kind: "wiring", Path: "files/1/wiring.png"}
	if err := f.db.CreateAttachment(ctx, who, &a); err != nil {
		t.Fatal(err)
	}
	a.Name = "接线图（更新）"
	if err := f.db.UpdateAttachment(ctx, who, &a); err != nil {
		t.Fatal(err)
	}
	if got, err := f.db.AttachmentsByEnterprise(ctx, f.ent.ID); err != nil || len(got) != 1 || got[0] != a {
		t.Errorf("AttachmentsByEnterprise = %+v, %v; want %+v", got, err, a)
	}
	bad := store.Attachment{EnterpriseID: f.ent.ID, Kind: "video", Path: "x"}
	if err := f.db.CreateAttachment(ctx, who, &bad); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateAttachment(kind video) = %v, want ErrConflict from the CHECK", err)
	}
	if err := f.db.DeleteAttachment(ctx, who, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AttachmentByID(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AttachmentByID after delete = %v, want ErrNotFound", err)
	}
}

func TestFacilitiesAndLinks(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	dup := store.Link{ProductionID: f.prod.ID, TreatmentID: f.treat.ID}
	if err := f.db.CreateLink(ctx, who, &dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateLink(duplicate) = %v, want ErrConflict", err)
	}
	if err := f.db.DeleteFacility(ctx, who, f.prod.ID); !errors.Is(err, store.ErrConflict) {
		t.Errorf("DeleteFacility with a point = %v, want ErrConflict", err)
	}
	bad := store.Facility{EnterpriseID: f.ent.ID, Name: "锅炉", Kind: "boiler"}
	if err := f.db.CreateFacility(ctx, who, &bad); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("CreateFacility(kind boiler) = %v, want ErrInvalid", err)
	}
	standby := store.Facility{EnterpriseID: f.ent.ID, Name: "备用除尘器", Kind: store.Treatment}
	if err := f.db.CreateFacility(ctx, who, &standby); err != nil {
		t.Fatal(err)
	}
	l := store.Link{ProductionID: f.prod.ID, TreatmentID: standby.ID, Role: store.Standby, Group: "除尘", Need: 1}
	if err := f.db.CreateLink(ctx, who, &l); err != nil {
		t.Fatal(err)
	}
	ls, err := f.db.LinksByProduction(ctx, f.prod.ID)
	if err != nil || len(ls) != 2 || ls[0].Role != store.Active || ls[1] != l {
		t.Errorf("LinksByProduction = %+v, %v; want the active link first, then %+v", ls, err, l)
	}
	if err := f.db.DeleteFacility(ctx, who, standby.ID); err != nil {
		t.Fatal(err)
	}
	if ls, _ := f.db.LinksByTreatment(ctx, standby.ID); len(ls) != 0 {
		t.Errorf("links of a deleted facility remain: %+v", ls)
	}
	fs, err := f.db.FindFacilities(ctx, store.FacilityFilter{EnterpriseID: f.ent.ID, Kinds: []store.FacilityKind{store.Treatment}})
	if err != nil || len(fs) != 1 || fs[0] != f.treat {
		t.Errorf("FindFacilities(treatment) = %+v, %v", fs, err)
	}
}
