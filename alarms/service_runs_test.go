package alarms

import (
	"testing"
	"time"

	"powerwatch/store"
)

// TestOfflineCountsOnlyWhileListening: a terminal sent data 02:00–04:00 and
// resumed at 10:30. Offline time is counted only while the receiving service
// ran, and every run gives the terminals OfflineAfter to reconnect.
func TestOfflineCountsOnlyWhileListening(t *testing.T) {
	facts := district(map[int64]store.FacilityKind{})
	step := 5 * time.Minute
	old := series{step: step, end: bj("04:00"), steps: []string{"02:00 50"}}.samples(prodA + 100)
	live := series{step: step, end: bj("12:00"), steps: []string{"10:30 50"}}.samples(prodA + 100)
	all := append(append([]store.Sample(nil), old...), live...)
	run := func(from, alive string) store.ServiceRun {
		r := store.ServiceRun{Start: bj(from)}
		if alive != "" {
			r.Alive = bj(alive)
		}
		return r
	}
	tests := []struct {
		name  string
		runs  []store.ServiceRun
		known bool
		want  []string
	}{
		{"no service ever ran: the data alone", nil, false, []string{"offline 0/0 11-28 04:00–11-28 10:30 severe"}},
		{"ran all the time", []store.ServiceRun{run("00:00", "")}, true, []string{"offline 0/0 11-28 04:00–11-28 10:30 severe"}},
		{"stopped 05:00–09:00: two spells", []store.ServiceRun{run("00:00", "04:59"), run("09:00", "")}, true,
			[]string{"offline 0/0 11-28 04:00–11-28 05:05 major", "offline 0/0 11-28 09:00–11-28 10:30 major"}},
		{"started 10:00: the terminal reconnects within the hour", []store.ServiceRun{run("10:00", "")}, true, nil},
		{"started 09:25: silent for exactly the hour", []store.ServiceRun{run("09:25", "")}, true, []string{"offline 0/0 11-28 09:25–11-28 10:30 major"}},
		{"started 09:35: silent 55 minutes", []store.ServiceRun{run("09:35", "")}, true, nil},
		{"service ran, but not then", []store.ServiceRun{}, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Evaluate(DefaultRules(), Input{From: bj("00:00"), To: bj("12:00"), Facts: facts, Runs: tc.runs, RunsKnown: tc.known,
				Series: map[int64][]store.Sample{prodA + 100: all}, Types: only(store.Offline)})
			assertAlarms(t, got, tc.want)
		})
	}
}
