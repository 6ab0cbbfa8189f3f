package judge

import (
	"path/filepath"
	"testing"
	"time"

	"powerwatch/alarms"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestStoredBaselines: the 限产 baseline from stored hourly energy uses only
// the candidate weeks that are complete, not a holiday (from the context)
// and not under a 报备; with none usable the period has no baseline.
func TestStoredBaselines(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ent := store.Enterprise{Name: "北京某铸造厂"}
	must(db.CreateEnterprise(ctx, "test", &ent))
	prod := store.Facility{EnterpriseID: ent.ID, Name: "1号熔炉", Kind: store.Production, RatedKW: 100}
	must(db.CreateFacility(ctx, "test", &prod))
	term := store.Terminal{MN: "010000A8900016F000169DC0", EnterpriseID: ent.ID, MinInterval: 5 * time.Minute}
	must(db.CreateTerminal(ctx, "test", &term))
	pp := store.Point{TerminalID: term.ID, FacilityID: prod.ID, PowerCode: "e10101", EnergyCode: "e10401"}
	must(db.CreatePoint(ctx, "test", &pp))
	day := func(d int) time.Time { return time.Date(2026, 11, d, 8, 0, 0, 0, store.Beijing) }
	var ss []store.Sample
	counter := 0.0
	for _, d := range []int{7, 14, 21} { // 10-31 has no data at all
		for i := 0; i <= 24; i++ {
			if d == 14 && i >= 6 && i < 12 {
				continue // half an hour missing on the 14th
			}
			s := store.NewSample(pp.ID, day(d).Add(time.Duration(i)*5*time.Minute))
			s.P, s.U, s.E = 60+float64(i%3)/10, 380, counter
			counter += 5
			ss = append(ss, s)
		}
	}
	if _, err := db.Ingest(ctx, &store.Batch{Samples: ss}); err != nil {
		t.Fatal(err)
	}
	cut := store.Order{EnterpriseID: ent.ID, Kind: store.Cut, CutPercent: 50, Start: day(28), End: day(28).Add(2 * time.Hour)}
	must(db.CreateOrder(ctx, "test", &cut))
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	facts := alarms.FactsFrom(reg)
	rs := alarms.DefaultRules()
	bs, err := storedBaselines(ctx, db, rs, &facts, day(28), day(29))
	if err != nil || len(bs) != 1 || len(bs[0].Periods) != 1 {
		t.Fatalf("storedBaselines = %+v, %v", bs, err)
	}
	pb := bs[0].Periods[0]
	if len(pb.Used) != 2 || pb.KWh <= 0 {
		t.Errorf("used %v (%.1f kWh), skipped %v; want the 7th and the 21st", pb.Used, pb.KWh, pb.Skipped)
	}
	holiday := func(t time.Time) bool { return t.Day() == 21 }
	bs, err = storedBaselines(WithHolidays(ctx, holiday), db, rs, &facts, day(28), day(29))
	if err != nil || len(bs[0].Periods[0].Used) != 1 {
		t.Errorf("with the 21st a holiday: %+v, %v; want only the 7th", bs, err)
	}
	must(db.CreateFiling(ctx, "test", &store.Filing{EnterpriseID: ent.ID, Kind: store.PlannedStop, Start: day(7), End: day(8)}))
	reg, _ = db.LoadRegistry(ctx)
	facts = alarms.FactsFrom(reg)
	bs, err = storedBaselines(WithHolidays(ctx, holiday), db, rs, &facts, day(28), day(29))
	if err != nil || len(bs[0].Periods[0].Used) != 0 {
		t.Errorf("with a filing on the 7th too: %+v, %v; want no usable period", bs, err)
	}
}
