package main

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/app/service"
	"powerwatch/app/sim"
	"powerwatch/store"
)

// TestSimulateAgainstServe is what a field installer does: write the
// simulated district as a registry file, import it, serve, simulate.
func TestSimulateAgainstServe(t *testing.T) {
	dir := t.TempDir()
	reg, db := filepath.Join(dir, "district.xlsx"), filepath.Join(dir, "centre.db")
	if code, _, stderr := runCLI(t, "simulate", "--district", "4", "--out", reg); code != 0 {
		t.Fatalf("simulate --out: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "import", "registry", reg, "--db", db); code != 0 {
		t.Fatalf("import registry: exit %d: %s", code, stderr)
	}
	m := service.NewMain()
	m.Config.DB, m.Config.Listen = db, "127.0.0.1:0"
	m.Config.Schedule.OfflineSweep = "@every 1s" // simulate --db imports the orders while serve runs: reload soon
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatal(err)
	}
	defer m.Close()
	var mu sync.Mutex
	announced := map[int64]int{} // alarm id → notifications
	m.OnViolation(func(a store.Alarm) {
		mu.Lock()
		announced[a.ID]++
		mu.Unlock()
	})

	start := time.Now()
	code, stdout, stderr := runCLI(t, "simulate", "--to", m.Addr().String(), "--registry", reg, "--speed", "1e6",
		"--days", "0.25", "--violations", "--db", db)
	if code != 0 {
		t.Fatalf("simulate: exit %d: %s\n%s", code, stderr, stdout)
	}
	for _, want := range []string{"违规计划 scripted violations (3)", "未确认 unacknowledged 0", "确认 acknowledged     288"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("simulate output lacks %q:\n%s", want, stdout)
		}
	}
	if err := m.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		ps, err := m.DB.RawPackets(t.Context(), sim.MN(i), start.Add(-7*time.Hour), start)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 72 {
			t.Errorf("terminal %d: %d packets stored, want the 72 of 6 hours", i, len(ps))
		}
	}

	// The alarm engine inside the service judges the data as it arrives: the
	// scripted treatment-off violation is an alarm without any re-evaluation.
	if !fixture.WaitAlarm(t, m.DB, store.TreatmentOff, 60*time.Second) {
		as, _ := m.DB.FindAlarms(t.Context(), store.AlarmFilter{})
		t.Errorf("the running service raised no treatment_off alarm; alarms: %+v", as)
	}
	time.Sleep(2 * time.Second) // a sweep or two more: nothing is announced twice
	mu.Lock()
	if len(announced) == 0 {
		t.Error("no violation alarm was announced to the window")
	}
	for id, n := range announced {
		if n != 1 {
			t.Errorf("alarm %d announced %d times, want once", id, n)
		}
	}
	mu.Unlock()

	// The scripted violations raise the alarms the schedule announces (the
	// 限产 one needs a baseline, which six hours of data do not give).
	bj := func(t time.Time) string { return t.In(store.Beijing).Format("2006-01-02T15:04") }
	from, to := bj(start.Add(-7*time.Hour)), bj(start.Add(time.Hour))
	if code, _, stderr := runCLI(t, "alarms", "evaluate", "--db", db, "--from", from, "--to", to); code != 0 {
		t.Fatalf("alarms evaluate: exit %d: %s", code, stderr)
	}
	_, list, _ := runCLI(t, "alarms", "list", "--db", db, "--from", from, "--to", to, "--format", "csv")
	for _, want := range []string{"treatment_off", "shutdown_ignored"} {
		if !strings.Contains(list, want) {
			t.Errorf("no %s alarm after the scripted violations:\n%s\n%s", want, stdout, list)
		}
	}
}

func TestSimulateUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"needs a source of terminals", []string{"--to", "127.0.0.1:9212"}},
		{"not both sources", []string{"--to", "127.0.0.1:9212", "--district", "3", "--registry", "r.xlsx"}},
		{"needs a centre", []string{"--district", "3"}},
		{"address with a port", []string{"--to", "localhost", "--district", "3"}},
		{"known protocol", []string{"--to", "127.0.0.1:9212", "--district", "3", "--protocol", "2005"}},
		{"positive speed", []string{"--to", "127.0.0.1:9212", "--district", "3", "--speed", "0"}},
		{"--out only for a generated district", []string{"--registry", "r.xlsx", "--out", "o.xlsx"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, stderr := runCLI(t, append([]string{"simulate"}, tt.args...)...); code != 2 {
				t.Errorf("simulate %q: exit %d, want 2 (usage): %s", tt.args, code, stderr)
			}
		})
	}
}

func TestSimulateReadsTheRegistryFileItChecks(t *testing.T) {
	code, _, stderr := runCLI(t, "simulate", "--to", "127.0.0.1:9", "--registry", filepath.Join(t.TempDir(), "missing.xlsx"))
	if code != 1 || !strings.Contains(stderr, "missing.xlsx") {
		t.Errorf("simulate with a missing registry: exit %d, %q; want 1 naming the file", code, stderr)
	}
}
