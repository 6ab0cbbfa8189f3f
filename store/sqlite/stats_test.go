package sqlite_test

import (
	"math"
	"testing"
	"time"

	"powerwatch/store"
)

func TestCurveKeepsSpike(t *testing.T) {
	f := mustReadings(t, 2)
	ctx := t.Context()
	var b store.Batch
	for i := range 288 * 7 {
		at := day0.Add(time.Duration(i) * 5 * time.Minute)
		p := 40.0
		if i == 1000 {
			p = 900 // one 5-minute spike in a week
		}
		b.Samples = append(b.Samples, sample(f.points[0], at, p, math.NaN()), sample(f.points[1], at, 2, math.NaN()))
	}
	mustIngest(t, f.db, &b)
	if _, err := f.db.Compact(ctx, day0.AddDate(0, 0, 3)); err != nil { // the curve reads both tiers
		t.Fatal(err)
	}
	from, to := day0, day0.AddDate(0, 0, 7)
	curve, err := f.db.Curve(ctx, f.points[0], from, to, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(curve) != 100 {
		t.Fatalf("Curve = %d columns, want 100", len(curve))
	}
	spikes := 0
	for _, c := range curve {
		if c.Max == 900 {
			spikes++
			if c.Min != 40 || c.Mean <= 40 || c.N < 20 {
				t.Errorf("spike column = %+v, want min 40 and a mean above it over ~20 samples", c)
			}
		}
	}
	if spikes != 1 {
		t.Errorf("columns with the 900 kW spike = %d, want 1", spikes)
	}
	// Both points feed facility 1 once point 2 is moved onto it.
	f.db.SQL().ExecContext(ctx, `UPDATE points SET facility_id = ? WHERE id = ?`, f.facs[0], f.points[1])
	fc, err := f.db.FacilityCurve(ctx, f.facs[0], from, to, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(fc) != 7 || fc[0].Min != 42 || fc[0].N != 288 {
		t.Errorf("FacilityCurve[0] = %+v of %d, want min 42 (40 + 2) over 288 slots", fc[0], len(fc))
	}
}

// TestConsumptionYoYMoM checks 同比 and 环比 against figures worked out by hand.
func TestConsumptionYoYMoM(t *testing.T) {
	f := mustReadings(t, 2)
	ctx := t.Context()
	// Daily energy per point: one sample at 08:00 and one at 09:00 with the
	// counter rising by kwh between them (and not between days).
	counter := map[int64]float64{}
	put := func(point int64, day time.Time, kwh float64) {
		t.Helper()
		c := counter[point]
		a, b := sample(point, day.Add(8*time.Hour), 10, c), sample(point, day.Add(9*time.Hour), 10, c+kwh)
		counter[point] = c + kwh
		mustIngest(t, f.db, &store.Batch{Samples: []store.Sample{a, b}})
	}
	nov25 := time.Date(2025, 11, 10, 0, 0, 0, 0, store.Beijing)
	oct26 := time.Date(2026, 10, 10, 0, 0, 0, 0, store.Beijing)
	nov26 := time.Date(2026, 11, 10, 0, 0, 0, 0, store.Beijing)
	put(f.points[0], nov25, 100) // last year: 100 + 50
	put(f.points[1], nov25, 50)
	put(f.points[0], oct26, 200) // previous month: 200
	put(f.points[0], nov26, 180) // this month: 180 + 90
	put(f.points[1], nov26, 90)
	rows, err := f.db.Consumption(ctx, store.StatsQuery{By: store.ByEnterprise, Period: store.Month,
		From: time.Date(2026, 11, 1, 0, 0, 0, 0, store.Beijing), To: time.Date(2026, 12, 1, 0, 0, 0, 0, store.Beijing)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("Consumption = %+v, want one row", rows)
	}
	r := rows[0]
	if r.ID != f.ent || r.Name != "北京某某铸造有限公司" || r.Energy != 270 || r.LastYear != 150 || r.Previous != 200 {
		t.Fatalf("row = %+v, want enterprise %d with 270 kWh, last year 150, previous 200", r, f.ent)
	}
	if math.Abs(r.YoY-0.8) > 1e-12 || math.Abs(r.MoM-0.35) > 1e-12 {
		t.Errorf("同比 %v 环比 %v, want 0.8 (270/150−1) and 0.35 (270/200−1)", r.YoY, r.MoM)
	}
	days, err := f.db.Consumption(ctx, store.StatsQuery{By: store.ByPoint, Period: store.Day, From: nov26, To: nov26.AddDate(0, 0, 1)})
	if err != nil || len(days) != 2 || days[0].Energy != 180 || days[0].LastYear != 100 || !math.IsNaN(days[0].MoM) {
		t.Errorf("daily by point = %+v, %v; want 180 kWh against 100 a year before and no 环比 base", days, err)
	}
	years, err := f.db.Consumption(ctx, store.StatsQuery{By: store.ByRegion, Period: store.Year, From: nov26, To: nov26})
	if err == nil {
		t.Errorf("Consumption with From = To = %+v, want an error", years)
	}
	years, err = f.db.Consumption(ctx, store.StatsQuery{By: store.ByRegion, Period: store.Year, From: nov26, To: nov26.Add(time.Hour)})
	if err != nil || len(years) != 1 || years[0].Energy != 470 || years[0].LastYear != 150 {
		t.Errorf("yearly by region = %+v, %v; want 470 kWh against 150", years, err)
	}
	// Thirteen months: this year's and last year's ranges meet and are read
	// once, nothing counted twice.
	long, err := f.db.Consumption(ctx, store.StatsQuery{By: store.ByEnterprise, Period: store.Month,
		From: time.Date(2025, 11, 1, 0, 0, 0, 0, store.Beijing), To: time.Date(2026, 12, 1, 0, 0, 0, 0, store.Beijing)})
	if err != nil || len(long) != 13 || long[0].Energy != 150 || long[11].Energy != 200 || long[12].Energy != 270 ||
		long[12].LastYear != 150 || long[12].Previous != 200 {
		t.Errorf("13 months = %+v, %v; want 150 … 200, 270 (last year 150, previous 200)", long, err)
	}
	// A point removed from the registry keeps its energy, as 未登记.
	if _, err := f.db.SQL().ExecContext(ctx, `DELETE FROM points WHERE id = ?`, f.points[1]); err != nil {
		t.Fatal(err)
	}
	rows, err = f.db.Consumption(ctx, store.StatsQuery{By: store.ByEnterprise, Period: store.Month,
		From: time.Date(2026, 11, 1, 0, 0, 0, 0, store.Beijing), To: time.Date(2026, 12, 1, 0, 0, 0, 0, store.Beijing)})
	if err != nil || len(rows) != 2 || rows[0].ID != 0 || rows[0].Energy != 90 || rows[1].Energy != 180 {
		t.Errorf("after removing point 2 = %+v, %v; want 未登记 90 kWh and the enterprise 180", rows, err)
	}
}

// TestTransmissionRate works out a rate by hand, with and without a filed window.
func TestTransmissionRate(t *testing.T) {
	f := mustReadings(t, 1)
	ctx := t.Context()
	f.db.Now = func() time.Time { return day0.AddDate(0, 1, 0) }
	// Day 0: 08:00–12:00 not sent (48 slots) of 288; day 1: all 288.
	var b store.Batch
	for i := range 288 * 2 {
		if i >= 96 && i < 144 {
			continue
		}
		b.Samples = append(b.Samples, sample(f.points[0], day0.Add(time.Duration(i)*5*time.Minute), 1, math.NaN()))
	}
	mustIngest(t, f.db, &b)
	days, months, err := f.db.TransmissionRate(ctx, f.points[0], day0, day0.AddDate(0, 0, 2), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 2 || days[0].Received != 240 || days[0].Expected != 288 || days[1].Rate != 1 {
		t.Fatalf("days = %+v, want 240/288 and 288/288", days)
	}
	if len(months) != 1 || months[0].Received != 528 || months[0].Expected != 576 {
		t.Fatalf("months = %+v, want 528/576", months)
	}
	// A power-cut filing 07:00–12:00 of the whole enterprise: 60 slots, 12 of them received.
	_, err = f.db.SQL().ExecContext(ctx, `INSERT INTO filings(enterprise_id, kind, start_at, end_at) VALUES (?, 'power_cut', ?, ?)`,
		f.ent, day0.Add(7*time.Hour).UnixMilli(), day0.Add(12*time.Hour).UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	// A filing for another facility of the enterprise on day 1 does not count.
	other, err := f.db.SQL().ExecContext(ctx, `INSERT INTO facilities(enterprise_id, name, kind) VALUES (?, '其他', 'production')`, f.ent)
	if err != nil {
		t.Fatal(err)
	}
	otherID, _ := other.LastInsertId()
	r, err := f.db.SQL().ExecContext(ctx, `INSERT INTO filings(enterprise_id, kind, start_at, end_at) VALUES (?, 'renovation', ?, ?)`,
		f.ent, day0.AddDate(0, 0, 1).UnixMilli(), day0.AddDate(0, 0, 2).UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	filingID, _ := r.LastInsertId()
	if _, err := f.db.SQL().ExecContext(ctx, `INSERT INTO filing_facilities(filing_id, facility_id) VALUES (?, ?)`, filingID, otherID); err != nil {
		t.Fatal(err)
	}
	days, _, err = f.db.TransmissionRate(ctx, f.points[0], day0, day0.AddDate(0, 0, 2), true)
	if err != nil {
		t.Fatal(err)
	}
	if days[0].Received != 228 || days[0].Expected != 228 || days[0].Rate != 1 {
		t.Fatalf("day 0 with the filing excluded = %+v, want 228/228", days[0])
	}
	if days[1].Expected != 288 || days[1].Received != 288 {
		t.Fatalf("day 1 with another facility's filing = %+v, want 288/288", days[1])
	}
	below, err := f.db.PointsBelow(ctx, day0, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	// All of November is expected (no install date), 2 days were sent → far below 90 %.
	if len(below) != 1 || below[0].PointID != f.points[0] || below[0].Expected != 30*288-60 || below[0].Received != 528-12 {
		t.Fatalf("PointsBelow = %+v, want point %d with 516 of %d", below, f.points[0], 30*288-60)
	}
}
