package alarms

import (
	"testing"
	"time"

	"powerwatch/store"
)

// TestOfflineEpisodeAcrossPeriodEnd pins down what the app's re-evaluation of
// late data relies on: an offline episode running at the end of the judged
// period is open only when nothing after it is judged, and an engine ends an
// offline alarm raised before its window only once it is resumed with it.
// A terminal sent data 02:00–04:00, went quiet, and resumed at 10:30.
func TestOfflineEpisodeAcrossPeriodEnd(t *testing.T) {
	facts := district(map[int64]store.FacilityKind{})
	step := 5 * time.Minute
	old := series{step: step, end: bj("04:00"), steps: []string{"02:00 50"}}.samples(prodA + 100)
	live := series{step: step, end: bj("12:00"), steps: []string{"10:30 50"}}.samples(prodA + 100)
	all := append(append([]store.Sample(nil), old...), live...)
	tests := []struct {
		name   string
		to     time.Time
		series []store.Sample
		want   []string
	}{
		{"period ends in the outage, nothing after it judged", bj("08:00"), old, []string{"offline 0/0 11-28 04:00–open severe"}},
		{"the data after the outage judged", bj("12:00"), all, []string{"offline 0/0 11-28 04:00–11-28 10:30 severe"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Evaluate(DefaultRules(), Input{From: bj("00:00"), To: tc.to, Facts: facts,
				Series: map[int64][]store.Sample{prodA + 100: tc.series}, Types: only(store.Offline)})
			assertAlarms(t, got, tc.want)
		})
	}

	t.Run("engine ends an offline alarm from before its window once resumed with it", func(t *testing.T) {
		e := NewEngine(DefaultRules(), *facts)
		if _, bf := e.Observe(bj("10:31"), old); len(bf) != 1 {
			t.Fatalf("Observe(old) backfill = %+v, want one scope", bf)
		}
		stored := store.Alarm{Type: store.Offline, Status: store.Open, EnterpriseID: enterpri, TerminalID: 1, Start: bj("04:00")}
		ups, _ := e.Observe(bj("12:01"), live)
		for _, u := range ups {
			if u.Scope.Contains(stored) {
				t.Fatalf("an engine not told of the alarm judged its start: %+v", u.Scope)
			}
		}
		// What the app does after re-evaluating late data: resume the open
		// alarm and prime the engine with the stored samples from its horizon.
		e.Resume([]store.Alarm{stored})
		h := e.HorizonOf(enterpri, bj("12:01"))
		var prime []store.Sample
		for _, s := range all {
			if !s.At.Before(h) {
				prime = append(prime, s)
			}
		}
		ups, _ = e.Observe(bj("12:01"), prime)
		if len(ups) != 1 || !ups[0].Scope.Contains(stored) {
			t.Fatalf("Observe after Resume = %+v, want one update whose scope holds the stored alarm", ups)
		}
		assertAlarms(t, ups[0].Alarms, []string{"offline 0/0 11-28 04:00–11-28 10:30 severe"})
	})
}
