package judge

import (
	"path/filepath"
	"reflect"
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

// TestOrderBaselineAsDirectReads: the baseline read once per stretch of
// candidate periods and summed in memory equals the one measured by a
// HourlyAggregates read per candidate period and per hourly prefix (how it
// was computed before), for orders within an hour, across midnight and over
// two days, under both history methods, with some days packed (their hours
// folded from the series) and some live, gaps and a counter reset in them.
func TestOrderBaselineAsDirectReads(t *testing.T) {
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
	term := store.Terminal{MN: "010000A8900016F000169DC0", EnterpriseID: ent.ID, MinInterval: 5 * time.Minute}
	must(db.CreateTerminal(ctx, "test", &term))
	var pts []int64
	for i, name := range []string{"1号熔炉", "2号熔炉"} {
		f := store.Facility{EnterpriseID: ent.ID, Name: name, Kind: store.Production, RatedKW: 100}
		must(db.CreateFacility(ctx, "test", &f))
		p := store.Point{TerminalID: term.ID, FacilityID: f.ID, PowerCode: "e1010" + string(rune('1'+i)), EnergyCode: "e1040" + string(rune('1'+i))}
		must(db.CreatePoint(ctx, "test", &p))
		pts = append(pts, p.ID)
	}
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, store.Beijing) }
	var ss []store.Sample
	addDays := func(from, to time.Time) {
		for i, pid := range pts {
			counter := 1000.0 * float64(i+1)
			for t, k := from, 0; t.Before(to); t, k = t.Add(5*time.Minute), k+1 {
				if k%997 == 13 || (i == 1 && t.Day() == 9 && t.Hour() == 3) {
					continue // gaps: an hour of point 2 missing on the 9th
				}
				if t.Day() == 16 && t.Hour() == 12 && t.Minute() == 0 && i == 0 {
					counter = 0 // the meter was replaced
				}
				s := store.NewSample(pid, t)
				s.P, s.U, s.E = 50+float64(k%7), 380, counter
				counter += 4 + float64(k%5)/2
				ss = append(ss, s)
			}
		}
	}
	addDays(at(1, 0), at(30, 0))
	addDays(at(1, 0).AddDate(-1, 0, 0), at(3, 0).AddDate(-1, 0, 0))
	if _, err := db.Ingest(ctx, &store.Batch{Samples: ss}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Compact(ctx, at(20, 0)); err != nil {
		t.Fatal(err)
	}
	orders := []store.Order{
		{Kind: store.Cut, CutPercent: 30, Start: at(28, 9).Add(30 * time.Minute), End: at(28, 10).Add(20 * time.Minute)},
		{Kind: store.Cut, CutPercent: 30, Start: at(27, 20), End: at(28, 6)},
		{Kind: store.Cut, CutPercent: 30, Start: at(27, 0), End: at(29, 0)},
		{Kind: store.Cut, CutPercent: 30, Start: at(1, 7).Add(15 * time.Minute), End: at(2, 19)},
	}
	for i := range orders {
		orders[i].EnterpriseID = ent.ID
		must(db.CreateOrder(ctx, "test", &orders[i]))
	}
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	facts := alarms.FactsFrom(reg)
	used, missing := 0, 0
	for _, method := range []store.BaselineMethod{store.BaselineWeekdays, store.BaselineLastYear} {
		rs := alarms.DefaultRules()
		rs.CutBaseline = method
		for _, o := range orders {
			got, err := orderBaseline(ctx, db, rs, alarms.NewBaseliner(&facts), o)
			if err != nil {
				t.Fatal(err)
			}
			direct := func(p alarms.Period) (float64, bool) {
				kwh, complete := 0.0, true
				start := p.Start.Truncate(time.Hour)
				hours := int((p.End.Sub(start) + time.Hour - 1) / time.Hour)
				for _, pid := range pts {
					aggs, err := db.HourlyAggregates(ctx, pid, start, p.End)
					if err != nil {
						t.Fatal(err)
					}
					if len(aggs) < hours {
						complete = false
					}
					for _, a := range aggs {
						kwh += a.Energy
						if a.Expected > 0 && a.Received < a.Expected {
							complete = false
						}
					}
				}
				return kwh, complete
			}
			want := alarms.BaselineFor(&facts, o, method, nil, direct)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, order %s – %s:\n got %+v\nwant %+v", method, o.Start, o.End, got, want)
			}
			for _, pb := range got.Periods {
				used += len(pb.Used)
				for _, sk := range pb.Skipped {
					if sk.Reason == "missing_data" {
						missing++
					}
				}
			}
		}
	}
	if used < 4 || missing < 4 {
		t.Errorf("%d candidate periods used, %d skipped for missing data; want a few of each, or the test compares little", used, missing)
	}
}
