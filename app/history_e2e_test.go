package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/app/listing"
	"powerwatch/listener/hj212"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

const histMN = "0A0B0C0D0E0F101112131415"

// histFrame is a real-time upload of the kiln (e1) and its filter (e2) at at.
func histFrame(qn int, at time.Time, kiln, filter float64) []byte {
	seg := fmt.Sprintf("QN=%017d;ST=31;CN=2011;PW=%s;MN=%s;Flag=5;CP=&&DataTime=%s;e1-Rtd=%.2f,e1-Flag=N;e2-Rtd=%.2f,e2-Flag=N&&",
		qn, fixture.PW, histMN, hj212.FormatN14(at), kiln, filter)
	b, err := hj212.Wrap(nil, []byte(seg))
	if err != nil {
		panic(err)
	}
	return b
}

// TestBackfilledMonthJudgedEndToEnd is issue 14's first scenario: a registry
// imported today, then a month of older data sent over TCP to the running
// service. The points of the one terminal were installed on different days;
// the violations after their installation are alarms without any
// re-evaluation, the one before the filter's installation is not, the one
// during a recorded acceptance test is marked 试验 and left out of the list,
// and 'alarms evaluate' over the month afterwards gives the same alarms.
func TestBackfilledMonthJudgedEndToEnd(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "centre.db")
	now := time.Now().In(store.Beijing)
	base := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, store.Beijing).AddDate(0, 0, -40)
	day := func(d int) string { return base.AddDate(0, 0, d).Format("2006-01-02") }
	reg := "企业名称,设施名称,设施类型,额定功率kW,关联治理设施,MN,密码,功率因子,停产限值kW,运行限值kW,安装日期,投运日期\n" +
		"北京丙建材有限公司,1号窑,生产,100,除尘器," + histMN + "," + fixture.PW + ",e1,5,20," + day(0) + ",\n" +
		"北京丙建材有限公司,除尘器,治理,40,," + histMN + "," + fixture.PW + ",e2,2,10," + day(5) + ",\n"
	regPath := filepath.Join(dir, "registry.csv")
	if err := os.WriteFile(regPath, []byte(reg), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "import", "registry", regPath, "--db", dbPath); code != 0 {
		t.Fatalf("import registry: exit %d: %s\n%s", code, stderr, out)
	}

	// The acceptance test of day 20 switched the filter off and on.
	testDay := base.AddDate(0, 0, 20)
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var filterID int64
	for _, f := range r.Facilities {
		if f.Name == "除尘器" {
			filterID = f.ID
		}
	}
	rec := store.MaintenanceRecord{Kind: store.TaskAcceptance, Date: testDay.Add(10 * time.Hour), People: "验收组",
		EnterpriseID: r.Enterprises[0].ID, TestFrom: testDay.Add(8*time.Hour + 50*time.Minute), TestTo: testDay.Add(10 * time.Hour),
		OnOff: []store.OnOffTest{{FacilityID: filterID, Facility: "除尘器", Off: store.CheckOK, On: store.CheckOK}}}
	if err := db.AddRecord(ctx, "test", &rec); err != nil {
		t.Fatal(err)
	}
	db.Close()

	m := svcRunMain(t, dbPath, nil)
	c := fixture.Dial(t, m.Addr().String())
	// Mornings of days 3 (filter not installed yet: silent), 10, 20 (the
	// test), 30 and 38: the kiln runs 08:00–11:00, the filter is off 09:00–09:40.
	qn := 0
	for _, d := range []int{3, 10, 20, 30, 38} {
		for at := base.AddDate(0, 0, d).Add(8 * time.Hour); at.Before(base.AddDate(0, 0, d).Add(11 * time.Hour)); at = at.Add(5 * time.Minute) {
			filter := 15.0
			if h := at.Sub(base.AddDate(0, 0, d)); h >= 9*time.Hour && h < 9*time.Hour+40*time.Minute {
				filter = 0
			}
			qn++
			c.Write(histFrame(qn, at, 50, filter))
			if _, err := c.Read(10 * time.Second); err != nil {
				t.Fatalf("reply to frame %d: %v", qn, err)
			}
		}
	}

	// The worker judges what arrives a batch at a time: wait for the final
	// verdict (each episode 09:00–09:40), not the first alarm.
	slot := func(d int, trial bool) string {
		day := base.AddDate(0, 0, d)
		return fmt.Sprintf("%s–%s trial=%v", day.Add(9*time.Hour).Format("01-02 15:04"), day.Add(9*time.Hour+40*time.Minute).Format("15:04"), trial)
	}
	want := strings.Join([]string{slot(38, false), slot(30, false), slot(20, true), slot(10, false)}, "\n")
	var got string
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		live, err := m.DB.FindAlarms(ctx, store.AlarmFilter{Types: []store.AlarmType{store.TreatmentOff},
			Statuses: []store.AlarmStatus{store.Open, store.Ended}})
		if err != nil {
			t.Fatal(err)
		}
		var spans []string
		for _, a := range live {
			spans = append(spans, fmt.Sprintf("%s–%s trial=%v", a.Start.In(store.Beijing).Format("01-02 15:04"),
				a.End.In(store.Beijing).Format("15:04"), a.Trial))
		}
		if got = strings.Join(spans, "\n"); got == want {
			break
		}
	}
	if got != want {
		t.Fatalf("treatment_off alarms raised by the running service:\n%s\nwant:\n%s", got, want)
	}

	bj := func(t time.Time) string { return t.In(store.Beijing).Format("2006-01-02T15:04") }
	from, to := bj(base), bj(now.Add(time.Hour))
	list := func(extra ...string) []string {
		t.Helper()
		args := append([]string{"alarms", "list", "--db", dbPath, "--from", from, "--to", to, "--type", "treatment_off"}, extra...)
		code, out, stderr := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("alarms list: exit %d: %s", code, stderr)
		}
		return strings.Split(strings.TrimSpace(out), "\n")
	}
	queue := list()
	if len(queue) != 3 || strings.Contains(strings.Join(queue, ""), `"trial":true`) {
		t.Errorf("alarms list shows %d alarms, want the 3 outside the test:\n%s", len(queue), strings.Join(queue, "\n"))
	}
	if trial := list("--trial", "only"); len(trial) != 1 || !strings.Contains(trial[0], `"trial":true`) {
		t.Errorf("alarms list --trial only = %q, want the test's alarm", trial)
	}
	var row listing.AlarmRow
	if err := json.Unmarshal([]byte(queue[0]), &row); err != nil || row.ProductionFacility != "1号窑" || row.TreatmentFacility != "除尘器" {
		t.Errorf("first row %q: %+v, %v", queue[0], row, err)
	}

	if code, out, stderr := runCLI(t, "alarms", "evaluate", "--db", dbPath, "--from", from, "--to", bj(now)); code != 0 {
		t.Fatalf("alarms evaluate: exit %d: %s\n%s", code, stderr, out)
	}
	if again := list("--trial", "include"); len(again) != 4 {
		t.Errorf("after alarms evaluate: %d alarms, want the same 4:\n%s", len(again), strings.Join(again, "\n"))
	}
	if again := list(); strings.Join(again, "\n") != strings.Join(queue, "\n") {
		t.Errorf("alarms evaluate changed the live verdicts:\n%s\nwant:\n%s", strings.Join(again, "\n"), strings.Join(queue, "\n"))
	}
}
