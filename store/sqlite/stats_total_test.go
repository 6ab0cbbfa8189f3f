package sqlite_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"powerwatch/store"
)

// TestTotalEnergy: the district total equals the sum of Consumption's rows
// over the same days, for points of the registry and one that is not in it.
func TestTotalEnergy(t *testing.T) {
	f := mustReadings(t, 3)
	ctx := t.Context()
	points := append(f.points, 9999) // readings of a point not (or no longer) registered
	var b store.Batch
	for i, p := range points {
		for s := range 3 * 288 {
			at := day0.Add(time.Duration(s) * 5 * time.Minute)
			b.Samples = append(b.Samples, sample(p, at, float64(10*(i+1)), float64(s*(i+1))/4))
		}
	}
	mustIngest(t, f.db, &b)
	tests := []struct {
		name     string
		from, to time.Time
	}{
		{"one day", day0, day0.AddDate(0, 0, 1)},
		{"today so far", day0.AddDate(0, 0, 1), day0.AddDate(0, 0, 1).Add(9*time.Hour + 17*time.Minute)},
		{"over days", day0.Add(5 * time.Hour), day0.AddDate(0, 0, 3)},
		{"no data", day0.AddDate(0, 0, -8), day0.AddDate(0, 0, -7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.db.TotalEnergy(ctx, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := f.db.Consumption(ctx, store.StatsQuery{By: store.ByRegion, Period: store.Day, From: tt.from, To: tt.to})
			if err != nil {
				t.Fatal(err)
			}
			var want float64
			for _, r := range rows {
				want += r.Energy
			}
			if math.Abs(got-want) > 1e-9*math.Max(1, want) {
				t.Errorf("TotalEnergy = %v, Consumption rows sum to %v", got, want)
			}
			if tt.name != "no data" && want == 0 {
				t.Error("no energy in a range with data")
			}
		})
	}
	if _, err := f.db.TotalEnergy(ctx, day0, day0); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("TotalEnergy of an empty range = %v, want store.ErrInvalid", err)
	}
}

// TestTotalEnergyHours: hours add up to the day's total, and a part of the
// day holds part of its energy.
func TestTotalEnergyHours(t *testing.T) {
	f := mustReadings(t, 2)
	ctx := t.Context()
	var b store.Batch
	for i, p := range f.points {
		for s := range 2 * 288 {
			at := day0.Add(time.Duration(s) * 5 * time.Minute)
			b.Samples = append(b.Samples, sample(p, at, float64(10*(i+1)), float64(s*(i+1))/4))
		}
	}
	mustIngest(t, f.db, &b)
	day1 := day0.AddDate(0, 0, 1)
	whole, err := f.db.TotalEnergy(ctx, day1, day1.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	morning, err := f.db.TotalEnergyHours(ctx, day1, day1.Add(12*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	evening, err := f.db.TotalEnergyHours(ctx, day1.Add(12*time.Hour), day1.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if whole == 0 || morning <= 0 || morning >= whole {
		t.Errorf("day %v kWh, its morning %v kWh", whole, morning)
	}
	if math.Abs(morning+evening-whole) > 1e-9*whole {
		t.Errorf("morning %v + evening %v ≠ day %v", morning, evening, whole)
	}
	// 09:17 counts the hour 09:00–10:00 whole.
	partial, err := f.db.TotalEnergyHours(ctx, day1, day1.Add(9*time.Hour+17*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	ten, _ := f.db.TotalEnergyHours(ctx, day1, day1.Add(10*time.Hour))
	if partial != ten {
		t.Errorf("to 09:17 = %v, to 10:00 = %v", partial, ten)
	}
	if _, err := f.db.TotalEnergyHours(ctx, day1, day1); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("an empty range = %v, want store.ErrInvalid", err)
	}
	// Packed days keep no hour rows: their hours are folded from the series
	// and say what the stored hours said, a range across the packing
	// watermark included.
	across, err := f.db.TotalEnergyHours(ctx, day0.Add(12*time.Hour), day1.Add(12*time.Hour))
	if err != nil || across <= 0 {
		t.Fatalf("across the days = %v, %v", across, err)
	}
	for _, before := range []time.Time{day1, day1.AddDate(0, 0, 1)} {
		if _, err := f.db.Compact(ctx, before); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name     string
			from, to time.Time
			want     float64
		}{
			{"morning", day1, day1.Add(12 * time.Hour), morning},
			{"evening", day1.Add(12 * time.Hour), day1.AddDate(0, 0, 1), evening},
			{"to 09:17", day1, day1.Add(9*time.Hour + 17*time.Minute), partial},
			{"across the days", day0.Add(12 * time.Hour), day1.Add(12 * time.Hour), across},
		} {
			got, err := f.db.TotalEnergyHours(ctx, c.from, c.to)
			if err != nil || math.Abs(got-c.want) > 1e-9*c.want {
				t.Errorf("packed before %s, %s = %v, %v; want %v as stored", before.Format(time.DateOnly), c.name, got, err, c.want)
			}
		}
	}
	// Both days packed: their hours come from the day summaries, from the
	// series where a day has none (a file from before 0026), and from the
	// hour rows late data rebuilt — each the sum of what HourlyAggregates
	// folds.
	folded := func(from, to time.Time) float64 {
		sum := 0.0
		for _, p := range f.points {
			aggs, err := f.db.HourlyAggregates(ctx, p, from, to)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range aggs {
				sum += a.Energy
			}
		}
		return sum
	}
	for _, stage := range []struct {
		name string
		do   func() error
	}{
		{"summaries", func() error { return nil }},
		{"no summary", func() error { _, err := f.db.SQL().ExecContext(ctx, `DELETE FROM hour_days`); return err }},
		{"one point's day without a summary", func() error {
			if _, err := f.db.FillHourDays(ctx, 0); err != nil {
				return err
			}
			_, err := f.db.SQL().ExecContext(ctx, `DELETE FROM hour_days WHERE point_id = ? AND day = ?`, f.points[0], day1.UnixMilli())
			return err
		}},
		{"late data rebuilt a packed day", func() error {
			_, err := f.db.FillHourDays(ctx, 0)
			late := sample(f.points[0], day1.Add(7*time.Hour+2*time.Minute), 500, 1e6)
			mustIngest(t, f.db, &store.Batch{Samples: []store.Sample{late}})
			return err
		}},
	} {
		if err := stage.do(); err != nil {
			t.Fatalf("%s: %v", stage.name, err)
		}
		for _, r := range [][2]time.Time{{day0, day1.AddDate(0, 0, 1)}, {day1, day1.Add(12 * time.Hour)}, {day0.Add(13 * time.Hour), day1.Add(9*time.Hour + 17*time.Minute)}} {
			want := folded(r[0].Truncate(time.Hour), r[1].Add(-time.Millisecond).Truncate(time.Hour).Add(time.Hour))
			got, err := f.db.TotalEnergyHours(ctx, r[0], r[1])
			if err != nil || math.Abs(got-want) > 1e-9*want {
				t.Errorf("%s, %s – %s: %v, %v; folded from the series %v", stage.name, r[0].Format(time.DateTime), r[1].Format(time.DateTime), got, err, want)
			}
		}
	}
}
