package alarms

import (
	"testing"
	"time"

	"powerwatch/store"
)

// TestCounterResetEpisodes: a counter jittering by one digit raises
// nothing; one reset read every 30 s raises one alarm, not one per reading;
// two resets far apart raise two.
func TestCounterResetEpisodes(t *testing.T) {
	every30s := func(n int, fn func(k int) float64) []store.Sample {
		out := make([]store.Sample, n)
		for k := range out {
			out[k] = store.NewSample(101, bj("08:00").Add(time.Duration(k)*30*time.Second))
			out[k].P, out[k].U, out[k].E = 50+0.01*float64(k%3), 380, fn(k)
		}
		return out
	}
	tests := []struct {
		name string
		ss   []store.Sample
		want []string
	}{
		{"jitter of 0.01 kWh with 30 s uploads: nothing", every30s(480, func(k int) float64 {
			return 1000 + float64(k/20)*0.2 - 0.01*float64(k%2) // grows, and reads a digit low every other time
		}), nil},
		{"one reset read every 30 s: one alarm", every30s(480, func(k int) float64 {
			switch {
			case k < 200:
				return 1000 + float64(k)*0.4
			case k < 206: // the meter restarts and settles, jittering below itself
				return 3 - 0.02*float64(k%2)
			}
			return 3 + float64(k-206)*0.4
		}), []string{"counter_reset 1/0 11-28 09:40–11-28 09:41 minor"}},
		{"two resets an hour apart: two alarms", every30s(480, func(k int) float64 {
			switch {
			case k < 100:
				return 500 + float64(k)*0.4
			case k < 220:
				return float64(k-100) * 0.4
			}
			return float64(k-220) * 0.4
		}), []string{"counter_reset 1/0 11-28 08:50–11-28 08:51 minor", "counter_reset 1/0 11-28 09:50–11-28 09:51 minor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{From: bj("08:00"), To: bj("12:00"), Facts: district(map[int64]store.FacilityKind{}),
				Series: map[int64][]store.Sample{101: tt.ss}, Types: only(store.CounterReset)}
			assertAlarms(t, Evaluate(DefaultRules(), in), tt.want)
		})
	}
}
