package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"powerwatch/app/internal/fixture"
	"powerwatch/app/maintenance"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

func mustTaskDB(t *testing.T) string {
	t.Helper()
	path := fixture.AlarmDB(t)
	ctx := t.Context()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	due := time.Date(2026, 12, 1, 0, 0, 0, 0, store.Beijing)
	ts := []store.Task{
		{Kind: store.TaskTransmission, Key: "transmission/2026-10/point/1", EnterpriseID: 1, TerminalID: 1, PointID: 1,
			Reason: "2026-10 月传输率 51.6 % < 90 %", Detail: "10-01 100.0 % (288/288)\n", Due: due},
		{Kind: store.TaskInspection, Key: "inspection/2026-H2/enterprise/1", EnterpriseID: 1, Reason: "半年巡检", Due: due.AddDate(0, 1, 0)},
	}
	if _, err := db.CreateTasks(ctx, maintenance.Who, ts); err != nil {
		t.Fatal(err)
	}
	rec := store.MaintenanceRecord{TaskID: ts[1].ID, Date: due, People: "王工", EnterpriseID: 1,
		Checks: []store.Check{{Item: store.CheckWiring, Result: store.CheckOK}}, SignedBy: "张三"}
	if err := db.AddRecord(ctx, "test", &rec); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTasksList(t *testing.T) {
	path := mustTaskDB(t)
	code, out, errs := runCLI(t, "tasks", "list", "--db", path, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("open tasks = %d lines; want 1:\n%s", len(lines), out)
	}
	var row map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &row); err != nil {
		t.Fatal(err)
	}
	if row["kind"] != "transmission" || row["enterprise"] != "北京某铸造厂" || row["mn"] != "010000A8900016F000169DC0" ||
		row["due"] != "2026-12-01T00:00:00+08:00" || row["status"] != "open" {
		t.Errorf("row = %v", row)
	}

	code, out, _ = runCLI(t, "tasks", "list", "--db", path, "--status", "all", "--format", "csv", "--due-before", "2026-12-15")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != 2 || recs[0][0] != "id" || recs[1][1] != "transmission" {
		t.Fatalf("csv (%d, %v):\n%s", code, err, out)
	}
	code, out, _ = runCLI(t, "tasks", "list", "--db", path, "--status", "done", "--format", "csv")
	if recs, _ := csv.NewReader(strings.NewReader(out)).ReadAll(); code != 0 || len(recs) != 2 || recs[1][1] != "inspection" || recs[1][16] != "1" {
		t.Fatalf("done tasks:\n%s", out)
	}

	for _, bad := range [][]string{
		{"tasks", "list", "--db", path},
		{"tasks", "list", "--db", path, "--format", "xml"},
		{"tasks", "list", "--db", path, "--format", "json", "--due-before", "next week"},
		{"tasks", "list", "--db", path, "--format", "json", "--kind", "cleaning"},
	} {
		if code, _, _ := runCLI(t, bad...); code != 2 {
			t.Errorf("%q: exit %d; want 2", bad, code)
		}
	}
}

func TestRecordsExport(t *testing.T) {
	path := mustTaskDB(t)
	dir := t.TempDir()
	x := filepath.Join(dir, "records.xlsx")
	if code, _, errs := runCLI(t, "records", "export", "--db", path, x); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(maintenance.RecordSheet)
	f.Close()
	if len(rows) != 2 || rows[1][3] != "王工" || rows[1][4] != "北京某铸造厂" {
		t.Fatalf("rows = %q", rows)
	}
	p := filepath.Join(dir, "r.pdf")
	if code, _, errs := runCLI(t, "records", "export", "--db", path, "--id", "1", p); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if b, _ := os.ReadFile(p); !strings.HasPrefix(string(b), "%PDF") {
		t.Fatal("not a PDF")
	}
	if code, _, _ := runCLI(t, "records", "export", "--db", path, p); code != 2 {
		t.Errorf("PDF without --id: exit %d; want 2", code)
	}
}

func TestBackupCommand(t *testing.T) {
	path := fixture.AlarmDB(t)
	to := filepath.Join(t.TempDir(), "b")
	os.MkdirAll(to, 0o755)
	// Twelve monthly backups of 2020: with today's, the oldest is the 13th month.
	for m := 1; m <= 12; m++ {
		os.WriteFile(filepath.Join(to, fmt.Sprintf("powerwatch-2020%02d01-020000.db", m)), []byte("x"), 0o644)
	}
	old := filepath.Join(to, "powerwatch-20200101-020000.db")
	code, out, errs := runCLI(t, "backup", "--db", path, "--to", to)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	written := strings.TrimSpace(out)
	if err := sqlite.CheckFile(t.Context(), written); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); err != nil {
		t.Fatal("without --prune an old backup was removed")
	}
	time.Sleep(1100 * time.Millisecond) // backups are named by the second
	if code, _, errs := runCLI(t, "backup", "--db", path, "--to", to, "--prune"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(old); err == nil {
		t.Error("--prune kept the 13th month's backup (monthly retention is 12)")
	}
	if _, err := os.Stat(filepath.Join(to, "powerwatch-20200201-020000.db")); err != nil {
		t.Error("--prune removed the 12th month's backup")
	}
}

func TestReportInstall(t *testing.T) {
	path := fixture.AlarmDB(t)
	survey := `{"EnterpriseID": 1, "Surveyors": "王工", "Products": "铸件",
		"Points": [{"Name": "P1", "Facilities": [1], "BreakerA": 400, "SharedAuxKW": 500}]}`
	sf := filepath.Join(t.TempDir(), "survey.json")
	os.WriteFile(sf, []byte(survey), 0o644)
	out := filepath.Join(t.TempDir(), "report.pdf")
	code, stdout, stderr := runCLI(t, "report", "install", "--db", path, "--enterprise", "1", "--survey", sf, out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.TrimSpace(stdout) != out || !strings.Contains(stderr, "500 kW") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	if b, _ := os.ReadFile(out); !strings.HasPrefix(string(b), "%PDF") {
		t.Error("not a PDF")
	}
	if code, _, _ := runCLI(t, "report", "install", "--db", path, "--enterprise", "1", out); code != 1 {
		t.Errorf("without a kept survey: exit %d; want 1", code)
	}
}

func TestAcceptanceCommand(t *testing.T) {
	path := fixture.AlarmDB(t) // 2026-11-28 08:00–10:00: the dust collector off 08:30–09:00
	code, out, errs := runCLI(t, "acceptance", "--db", path, "--enterprise", "1", "--since", "2026-11-28 07:00", "--people", "王工")
	if code != 1 || !strings.Contains(errs, "2 of 2 points failed") {
		t.Fatalf("exit %d, stderr %q; want both failed (no packets were stored)", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "1号熔炉") || !strings.Contains(lines[0], "停 off false") ||
		!strings.Contains(lines[1], "布袋除尘") || !strings.Contains(lines[1], "停 off true\t开 on true") || !strings.Contains(lines[1], "未收到数据") {
		t.Fatalf("output:\n%s", out)
	}
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.FindRecords(t.Context(), store.RecordFilter{EnterpriseID: 1})
	if err != nil || len(rs) != 1 || rs[0].Kind != store.TaskAcceptance || rs[0].People != "王工" || len(rs[0].OnOff) != 2 {
		t.Fatalf("records = %+v, %v", rs, err)
	}
	// The record keeps the test's window, and the command re-judged it: the
	// dust collector's switch-off inside it is the test (试验), not a violation.
	since := time.Date(2026, 11, 28, 7, 0, 0, 0, store.Beijing)
	if !rs[0].TestFrom.Equal(since) || time.Since(rs[0].TestTo) > time.Minute {
		t.Errorf("test window %v – %v, want %v – now", rs[0].TestFrom, rs[0].TestTo, since)
	}
	for _, tt := range []struct {
		trial string
		want  int
	}{{"hide", 0}, {"only", 1}} {
		_, list, _ := runCLI(t, "alarms", "list", "--db", path, "--type", "treatment_off", "--trial", tt.trial)
		if n := strings.Count(list, "treatment_off"); n != tt.want {
			t.Errorf("alarms list --trial %s: %d treatment_off alarms, want %d:\n%s", tt.trial, n, tt.want, list)
		}
	}
}
