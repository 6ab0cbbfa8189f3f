package main

import (
	"encoding/json"
	"powerwatch/app/internal/fixture"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

func TestAlarmsEvaluateAndList(t *testing.T) {
	path := fixture.AlarmDB(t)
	code, out, _ := runCLI(t, "alarms", "evaluate", "--db", path, "--from", "2026-11-28T08:00", "--to", "2026-11-28T10:00")
	if code != 0 || !strings.Contains(out, "1 alarms; 1 inserted") {
		t.Fatalf("alarms evaluate = %d, %q; want 0 and one alarm inserted", code, out)
	}
	code, out, _ = runCLI(t, "alarms", "list", "--db", path, "--format", "json")
	if code != 0 {
		t.Fatalf("alarms list = %d, %q", code, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("alarms list printed %d lines, want 1: %q", len(lines), out)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"id": 1.0, "type": "treatment_off", "grade": "minor", "enterprise": "北京某铸造厂",
		"production_facility": "1号熔炉", "treatment_facility": "布袋除尘", "start": "2026-11-28T08:30:00+08:00",
		"end": "2026-11-28T09:00:00+08:00", "duration_minutes": 30.0, "status": "ended", "disposition": ""}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("alarms list %s = %v, want %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("alarms list object has %d fields, want %d: %v", len(got), len(want), got)
	}

	t.Run("a longer period finds the terminal offline since its data stopped", func(t *testing.T) {
		code, out, _ := runCLI(t, "alarms", "evaluate", "--db", path, "--from", "2026-11-28", "--to", "2026-11-29")
		if code != 0 || !strings.Contains(out, "2 alarms; 1 inserted or changed, 0 withdrawn") {
			t.Fatalf("alarms evaluate (day) = %d, %q", code, out)
		}
		code, out, _ = runCLI(t, "alarms", "list", "--db", path, "--type", "offline")
		if code != 0 || !strings.Contains(out, `"start":"2026-11-28T10:00:00+08:00","end":null`) || !strings.Contains(out, `"status":"open"`) {
			t.Fatalf("alarms list --type offline = %d, %q; want open since 10:00", code, out)
		}
	})
	t.Run("a later period closes the alarm left open", func(t *testing.T) {
		db, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		// data resumes at 12:00: the offline alarm since 10:00 ends there
		var ss []store.Sample
		for i := 0; i < 12; i++ {
			at := time.Date(2026, 11, 28, 12, 0, 0, 0, store.Beijing).Add(time.Duration(i) * 5 * time.Minute)
			for _, pid := range []int64{1, 2} {
				s := store.NewSample(pid, at)
				s.P, s.U = 40+float64(i%3), 380
				ss = append(ss, s)
			}
		}
		_, err = db.Ingest(t.Context(), &store.Batch{Samples: ss})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		code, out, _ := runCLI(t, "alarms", "evaluate", "--db", path, "--from", "2026-11-28T11:00", "--to", "2026-11-28T13:00")
		if code != 0 || !strings.Contains(out, "1 inserted or changed") {
			t.Fatalf("alarms evaluate (11:00–13:00) = %d, %q", code, out)
		}
		code, out, _ = runCLI(t, "alarms", "list", "--db", path, "--type", "offline")
		if code != 0 || !strings.Contains(out, `"start":"2026-11-28T10:00:00+08:00","end":"2026-11-28T12:00:00+08:00"`) {
			t.Fatalf("alarms list --type offline = %d, %q; want 10:00–12:00", code, out)
		}
	})
	t.Run("evaluating again changes nothing", func(t *testing.T) {
		code, out, _ := runCLI(t, "alarms", "evaluate", "--db", path, "--from", "2026-11-28", "--to", "2026-11-28T13:00")
		if code != 0 || !strings.Contains(out, "0 inserted or changed, 0 withdrawn") {
			t.Fatalf("alarms evaluate (again) = %d, %q", code, out)
		}
	})
	t.Run("csv with filters", func(t *testing.T) {
		code, out, _ := runCLI(t, "alarms", "list", "--db", path, "--format", "csv", "--type", "treatment_off", "--grade", "minor", "--enterprise", "铸造")
		want := "id,type,grade,enterprise,production_facility,treatment_facility,start,end,duration_minutes,status,disposition\n" +
			"1,treatment_off,minor,北京某铸造厂,1号熔炉,布袋除尘,2026-11-28T08:30:00+08:00,2026-11-28T09:00:00+08:00,30,ended,\n"
		if code != 0 || out != want {
			t.Fatalf("alarms list --format csv = %d,\n%s\nwant\n%s", code, out, want)
		}
	})
	t.Run("group filter", func(t *testing.T) {
		code, out, _ := runCLI(t, "alarms", "list", "--db", path, "--group", "violation")
		if code != 0 || !strings.Contains(out, `"type":"treatment_off"`) || strings.Contains(out, `"type":"offline"`) {
			t.Fatalf("alarms list --group violation = %d, %q; want the violation and not the offline alarm", code, out)
		}
		code, out, _ = runCLI(t, "alarms", "list", "--db", path, "--group", "device")
		if code != 0 || strings.Contains(out, `"type":"treatment_off"`) || !strings.Contains(out, `"type":"offline"`) {
			t.Fatalf("alarms list --group device = %d, %q; want only device alarms", code, out)
		}
	})
	t.Run("filters that match nothing", func(t *testing.T) {
		code, out, _ := runCLI(t, "alarms", "list", "--db", path, "--status", "withdrawn")
		if code != 0 || out != "" {
			t.Fatalf("alarms list --status withdrawn = %d, %q; want nothing", code, out)
		}
	})
}

func TestAlarmsUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"unknown format", []string{"alarms", "list", "--format", "xml"}},
		{"unknown type", []string{"alarms", "list", "--type", "smoke"}},
		{"unknown group", []string{"alarms", "list", "--group", "crime"}},
		{"bad time", []string{"alarms", "list", "--from", "yesterday"}},
		{"evaluate needs a period", []string{"alarms", "evaluate"}},
		{"evaluate period reversed", []string{"alarms", "evaluate", "--from", "2026-11-29", "--to", "2026-11-28"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, errOut := runCLI(t, tt.args...); code != 2 {
				t.Errorf("%v = %d, %q; want exit status 2", tt.args, code, errOut)
			}
		})
	}
}
