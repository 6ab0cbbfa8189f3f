package service

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestOfflineAlarmFollowsResumedData runs the real wiring (Main, SQLite file,
// listener on 127.0.0.1, the alarm worker sweeping every second) with one
// terminal that uploads two hours of old data ending six hours ago, then
// either live data or the backfill of the gap. The offline alarm the old data
// raises must end where the data resumed, or be withdrawn when the backfill
// disproves it; none may stay open for a terminal that is delivering.
func TestOfflineAlarmFollowsResumedData(t *testing.T) {
	now := time.Now().Truncate(5 * time.Minute)
	type span struct{ from, to time.Duration } // slots [now+from, now+to], before now
	tests := []struct {
		name     string
		phases   []span
		wantEnd  time.Duration // end of the ended alarm, from now; 0: none but withdrawn
		wantLive bool
	}{
		{"outage then live", []span{{-8 * time.Hour, -6 * time.Hour}, {-30 * time.Minute, 0}}, -30 * time.Minute, true},
		{"backfill fills the gap", []span{{-8 * time.Hour, -6 * time.Hour}, {-6*time.Hour + 5*time.Minute, -30 * time.Minute},
			{-25 * time.Minute, 0}}, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "offline.db")
			db, err := sqlite.Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			fixture.Register(t, db, 1)
			// A service listened through the whole story (offline time
			// counts only while one did): it ran until now, and runs on.
			run, err := db.StartServiceRun(t.Context(), now.Add(-9*time.Hour))
			if err != nil || db.ServiceAlive(t.Context(), run, time.Now()) != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			m := svcRunMain(t, path, func(c *Config) { c.Schedule.OfflineSweep = "@every 1s" })
			mn := fixture.MN(0)
			c := fixture.Dial(t, m.Addr().String())
			slot := 0
			for k, ph := range tc.phases {
				var qns []string
				for d := ph.from; d <= ph.to; d += 5 * time.Minute {
					qn := fixture.QN(0, slot)
					slot++
					c.Write(fixture.Frame(mn, qn, now.Add(d), 50))
					qns = append(qns, qn)
				}
				for _, qn := range qns {
					if p, err := c.Read(10 * time.Second); err != nil || p.QN != qn {
						t.Fatalf("phase %d: waiting for 9014 %s: %v, %v", k, qn, p, err)
					}
				}
				if k == 0 {
					// The old data ends six hours ago: the terminal is offline since.
					waitAlarms(t, m.DB, func(as []store.Alarm) bool { return len(openOffline(as)) == 1 })
				}
			}
			as := waitAlarms(t, m.DB, func(as []store.Alarm) bool { return len(openOffline(as)) == 0 })
			start := now.Add(-6*time.Hour + 5*time.Minute)
			var got []store.Alarm
			for _, a := range as {
				if a.Type == store.Offline && a.Status != store.Withdrawn {
					got = append(got, a)
				}
			}
			if tc.wantEnd == 0 {
				if len(got) != 0 {
					t.Fatalf("offline alarms after the gap was backfilled: %+v, want none but withdrawn", got)
				}
				return
			}
			if len(got) != 1 || !got[0].Start.Equal(start) || !got[0].End.Equal(now.Add(tc.wantEnd)) || got[0].Status != store.Ended {
				t.Fatalf("offline alarms = %+v, want one ended from %s to %s", got, start, now.Add(tc.wantEnd))
			}
		})
	}
}

func openOffline(as []store.Alarm) []store.Alarm {
	var out []store.Alarm
	for _, a := range as {
		if a.Type == store.Offline && a.Status == store.Open {
			out = append(out, a)
		}
	}
	return out
}

// waitAlarms polls the stored alarms until ok holds (the worker judges in the
// background), failing with what it saw after 30 s.
func waitAlarms(t *testing.T, db *sqlite.DB, ok func([]store.Alarm) bool) []store.Alarm {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		as, err := db.FindAlarms(context.Background(), store.AlarmFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if ok(as) {
			return as
		}
		if time.Now().After(deadline) {
			t.Fatalf("alarms after 30 s: %+v", as)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
