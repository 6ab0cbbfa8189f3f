package alarms

import (
	"math"
	"testing"
	"time"

	"powerwatch/store"
)

// minuteSamples returns one sample per 5 minutes from start, built by fn(k).
func fiveMin(point int64, start time.Time, n int, fn func(k int, s *store.Sample)) []store.Sample {
	out := make([]store.Sample, n)
	for k := range out {
		out[k] = store.NewSample(point, start.Add(time.Duration(k)*5*time.Minute))
		out[k].P, out[k].U = 50+0.01*float64(k%3), 380
		fn(k, &out[k])
	}
	return out
}

func TestDataQuality(t *testing.T) {
	nothing := func(int, *store.Sample) {}
	tests := []struct {
		name   string
		typ    store.AlarmType
		kinds  map[int64]store.FacilityKind
		series map[int64][]store.Sample
		clock  []ClockOffset
		want   []string
	}{
		{"clean data raises nothing", "", nil,
			map[int64][]store.Sample{101: fiveMin(101, bj("08:00"), 48, nothing)}, nil, nil},
		{"frozen meter: the same power for 2 h", store.BadValues, nil,
			map[int64][]store.Sample{101: fiveMin(101, bj("08:00"), 48, func(k int, s *store.Sample) {
				if k >= 12 && k < 37 {
					s.P = 42
				}
			})}, nil, []string{"bad_values 1/0 11-28 09:00–11-28 11:05 major"}},
		{"a one-slot spike above rated power", store.BadValues, nil,
			map[int64][]store.Sample{101: fiveMin(101, bj("08:00"), 48, func(k int, s *store.Sample) {
				if k == 10 {
					s.P = 180
				}
			})}, nil, []string{"bad_values 1/0 11-28 08:50–11-28 08:55 minor"}},
		{"zero power while current flows", store.BadValues, nil,
			map[int64][]store.Sample{101: fiveMin(101, bj("08:00"), 48, func(k int, s *store.Sample) {
				if k >= 20 && k < 23 {
					s.P, s.I = 0, 80
				}
			})}, nil, []string{"bad_values 1/0 11-28 09:40–11-28 09:55 minor"}},
		{"energy counter goes backwards", store.CounterReset, nil,
			map[int64][]store.Sample{101: fiveMin(101, bj("08:00"), 48, func(k int, s *store.Sample) {
				s.E = 1000 + float64(k)*4
				if k >= 30 {
					s.E = float64(k-30) * 4
				}
			})}, nil, []string{"counter_reset 1/0 11-28 10:30–11-28 10:35 minor"}},
		{"P inconsistent with √3·U·I·PF for 30 min", store.PowerMismatch, nil,
			map[int64][]store.Sample{101: fiveMin(101, bj("08:00"), 48, func(k int, s *store.Sample) {
				s.I, s.PF = 84.4, 0.9 // √3·380·84.4·0.9 ≈ 50 kW
				if k >= 12 && k < 18 {
					s.I = 28 // a CT ratio wrong by three
				}
			})}, nil, []string{"power_mismatch 1/0 11-28 09:00–11-28 09:30 minor"}},
		{"P inconsistent for 25 min only: no alarm", store.PowerMismatch, nil,
			map[int64][]store.Sample{101: fiveMin(101, bj("08:00"), 48, func(k int, s *store.Sample) {
				s.I, s.PF = 84.4, 0.9
				if k >= 12 && k < 17 {
					s.I = 28
				}
			})}, nil, nil},
		{"terminal silent for 90 min", store.Offline, nil,
			map[int64][]store.Sample{101: append(fiveMin(101, bj("08:00"), 12, nothing), fiveMin(101, bj("10:30"), 12, nothing)...)},
			nil, []string{"offline 0/0 11-28 09:00–11-28 10:30 major"}},
		{"terminal silent for 55 min: no alarm", store.Offline, nil,
			map[int64][]store.Sample{101: append(fiveMin(101, bj("08:00"), 12, nothing), fiveMin(101, bj("09:55"), 24, nothing)...)},
			nil, nil},
		{"terminal clock 8 min fast", store.ClockDrift, nil,
			map[int64][]store.Sample{101: fiveMin(101, bj("08:00"), 48, nothing)},
			[]ClockOffset{{1, bj("09:00"), time.Minute}, {1, bj("09:05"), 8 * time.Minute}, {1, bj("09:10"), 8 * time.Minute}, {1, bj("09:15"), 0}},
			[]string{"clock_drift 0/0 11-28 09:05–11-28 09:15 minor"}},
		{"sub-meters above the total supply for an hour", store.SubmeterExcess, map[int64]store.FacilityKind{totalPt: store.Total},
			map[int64][]store.Sample{
				101: fiveMin(101, bj("08:00"), 48, nothing),
				106: fiveMin(106, bj("08:00"), 48, func(k int, s *store.Sample) {
					s.P = 60 + 0.01*float64(k%3)
					if k >= 12 && k < 24 {
						s.P = 30 + 0.01*float64(k%3)
					}
				}),
			}, nil, []string{"submeter_excess 6/0 11-28 09:00–11-28 10:00 major"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kinds := tt.kinds
			if kinds == nil {
				kinds = map[int64]store.FacilityKind{}
			}
			in := Input{From: bj("08:00"), To: bj("12:00"), Facts: district(kinds), Series: tt.series, Clock: tt.clock}
			if tt.typ != "" {
				in.Types = only(tt.typ)
			}
			assertAlarms(t, Evaluate(DefaultRules(), in), tt.want)
		})
	}
}

func TestLowTransmission(t *testing.T) {
	oct := time.Date(2026, 10, 1, 0, 0, 0, 0, store.Beijing)
	rate := func(month time.Time, received, expected int) store.Rate {
		return store.Rate{PointID: 101, Start: month, Period: store.Month, Received: received, Expected: expected,
			Rate: float64(received) / float64(expected)}
	}
	from, to := time.Date(2026, 9, 20, 0, 0, 0, 0, store.Beijing), time.Date(2026, 11, 10, 0, 0, 0, 0, store.Beijing)
	tests := []struct {
		name string
		r    store.Rate
		want []string
	}{
		{"exactly 90 %", rate(oct, 900, 1000), nil},
		{"just under 90 %", rate(oct, 899, 1000), []string{"low_transmission 1/0 10-01 00:00–11-01 00:00 minor"}},
		{"exactly 75 %", rate(oct, 750, 1000), []string{"low_transmission 1/0 10-01 00:00–11-01 00:00 minor"}},
		{"just under 75 %", rate(oct, 749, 1000), []string{"low_transmission 1/0 10-01 00:00–11-01 00:00 major"}},
		{"exactly 50 %", rate(oct, 500, 1000), []string{"low_transmission 1/0 10-01 00:00–11-01 00:00 major"}},
		{"just under 50 %", rate(oct, 499, 1000), []string{"low_transmission 1/0 10-01 00:00–11-01 00:00 severe"}},
		{"nothing expected (all 报备)", store.Rate{PointID: 101, Start: oct, Period: store.Month, Rate: math.NaN()}, nil},
		{"a month not whole in the period", rate(oct.AddDate(0, 1, 0), 0, 1000), nil},
		{"a day row is not a month", store.Rate{PointID: 101, Start: oct, Period: store.Day, Received: 1, Expected: 288, Rate: 1.0 / 288}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := Input{From: from, To: to, Facts: district(map[int64]store.FacilityKind{}), Rates: []store.Rate{tc.r},
				Types: only(store.LowTransmission)}
			got := Evaluate(DefaultRules(), in)
			assertAlarms(t, got, tc.want)
			if len(got) == 1 && got[0].Start.Format(time.RFC3339) != "2026-09-30T16:00:00Z" {
				t.Errorf("month start = %s, want 2026-09-30T16:00:00Z (Beijing midnight)", got[0].Start.Format(time.RFC3339))
			}
		})
	}
}
