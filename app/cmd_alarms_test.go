package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/alarms"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// mustAlarmDB builds a database with one enterprise whose production line ran
// 08:00–10:00 on 2026-11-28 while its dust collector was off 08:30–09:00, with
// thresholds derived from rated power. It returns the file's path.
func mustAlarmDB(t *testing.T) string {
	t.Helper()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "pw.db")
	db, err := sqlite.Open(ctx, path)
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
	treat := store.Facility{EnterpriseID: ent.ID, Name: "布袋除尘", Kind: store.Treatment, RatedKW: 50}
	must(db.CreateFacility(ctx, "test", &treat))
	must(db.CreateLink(ctx, "test", &store.Link{ProductionID: prod.ID, TreatmentID: treat.ID, Role: store.Active}))
	term := store.Terminal{MN: "010000A8900016F000169DC0", EnterpriseID: ent.ID}
	must(db.CreateTerminal(ctx, "test", &term))
	pp := store.Point{TerminalID: term.ID, FacilityID: prod.ID, PowerCode: "e10101"}
	must(db.CreatePoint(ctx, "test", &pp))
	pt := store.Point{TerminalID: term.ID, FacilityID: treat.ID, PowerCode: "e10102"}
	must(db.CreatePoint(ctx, "test", &pt))
	var ss []store.Sample
	t0 := time.Date(2026, 11, 28, 8, 0, 0, 0, store.Beijing)
	for i := 0; i < 24; i++ {
		at := t0.Add(time.Duration(i) * 5 * time.Minute)
		p := store.NewSample(pp.ID, at)
		p.P, p.U = 50+float64(i%3), 380
		q := store.NewSample(pt.ID, at)
		q.P, q.U = 30+float64(i%2), 380
		if i >= 6 && i < 12 {
			q.P = 0
		}
		ss = append(ss, p, q)
	}
	if _, err := db.Ingest(ctx, &store.Batch{Samples: ss}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAlarmsEvaluateAndList(t *testing.T) {
	path := mustAlarmDB(t)
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

func TestAlarmEngineWiring(t *testing.T) {
	path := mustAlarmDB(t)
	ctx := t.Context()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 28, 10, 1, 0, 0, store.Beijing)
	e, ups, err := startAlarmEngine(ctx, db, now)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := saveAlarmUpdates(ctx, db, ups)
	if err != nil || len(changed) != 1 || changed[0].Type != store.TreatmentOff || changed[0].Status != store.Ended {
		t.Fatalf("primed engine saved %+v, %v; want the ended treatment_off alarm", changed, err)
	}
	// The terminal stays silent: after an hour the sweep raises offline.
	changed, err = saveAlarmUpdates(ctx, db, e.Sweep(now.Add(70*time.Minute)))
	if err != nil || len(changed) != 1 || changed[0].Type != store.Offline || changed[0].Status != store.Open {
		t.Fatalf("sweep saved %+v, %v; want an open offline alarm", changed, err)
	}
	if err := reevaluateScopes(ctx, db, []store.AlarmScope{{EnterpriseID: 1, From: now.Add(-3 * time.Hour), To: now}}); err != nil {
		t.Fatal(err)
	}
	all, _ := db.FindAlarms(ctx, store.AlarmFilter{})
	if len(all) != 2 {
		t.Errorf("alarms after re-evaluating the morning = %d, want the same 2", len(all))
	}
}

func TestReplayStored(t *testing.T) {
	path := mustAlarmDB(t)
	ctx := t.Context()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	from := time.Date(2026, 11, 28, 8, 0, 0, 0, store.Beijing)
	if _, err := evaluateStored(ctx, db, from, from.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReviewAlarm(ctx, 1, store.Confirmed, "现场核实", "officer1"); err != nil {
		t.Fatal(err)
	}
	rs := alarms.DefaultRules()
	rs.Version, rs.TreatmentOffMin = 2, 40*time.Minute
	rep, err := replayStored(ctx, db, rs, from, from.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Alarms) != 0 || len(rep.Missed) != 1 || rep.Missed[0].ID != 1 {
		t.Errorf("replay with 40 min: %d alarms, missed %+v; want none raised and alarm 1 missed", len(rep.Alarms), rep.Missed)
	}
}
