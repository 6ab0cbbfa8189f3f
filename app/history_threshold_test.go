package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/app/judge"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestThresholdEditKeepsHistory: a threshold edit takes effect from the edit.
// Re-evaluating the whole period afterwards keeps the old alarm as it was
// raised (same id, same thresholds in its evidence), leaves the old period
// judged by the old values, and judges the new period by the new ones.
func TestThresholdEditKeepsHistory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "centre.db")
	now := time.Now().In(store.Beijing)
	base := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, store.Beijing).AddDate(0, 0, -40)
	reg := "企业名称,设施名称,设施类型,额定功率kW,关联治理设施,MN,密码,功率因子,停产限值kW,运行限值kW,安装日期\n" +
		"北京丁化工有限公司,反应釜,生产,100,洗涤塔," + histMN + "," + fixture.PW + ",e1,5,20," + base.Format("2006-01-02") + "\n" +
		"北京丁化工有限公司,洗涤塔,治理,40,," + histMN + "," + fixture.PW + ",e2,2,10," + base.Format("2006-01-02") + "\n"
	regPath := filepath.Join(dir, "registry.csv")
	if err := os.WriteFile(regPath, []byte(reg), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "import", "registry", regPath, "--db", dbPath); code != 0 {
		t.Fatalf("import registry: exit %d: %s\n%s", code, stderr, out)
	}
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := db.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var kiln, scrubber store.Point
	for _, p := range r.Points {
		if p.PowerCode == "e1" {
			kiln = p
		} else {
			scrubber = p
		}
	}
	// Days 10 and 30 alike: the reactor runs 08:00–11:00; the scrubber draws
	// 8 kW until 08:40, 15 until 09:00, 11 until 10:00, then 15.
	var b store.Batch
	for _, d := range []int{10, 30} {
		day := base.AddDate(0, 0, d)
		for at := day.Add(8 * time.Hour); at.Before(day.Add(11 * time.Hour)); at = at.Add(5 * time.Minute) {
			k, s := store.NewSample(kiln.ID, at), store.NewSample(scrubber.ID, at)
			k.P, s.P = 50, 15
			switch h := at.Sub(day); {
			case h < 8*time.Hour+40*time.Minute:
				s.P = 8
			case h >= 9*time.Hour && h < 10*time.Hour:
				s.P = 11
			}
			b.Samples = append(b.Samples, k, s)
		}
	}
	if _, err := db.Ingest(ctx, &b); err != nil {
		t.Fatal(err)
	}
	evaluate := func() []store.Alarm {
		t.Helper()
		if _, err := judge.EvaluateStored(ctx, db, base, now); err != nil {
			t.Fatal(err)
		}
		as, err := db.FindAlarms(ctx, store.AlarmFilter{Types: []store.AlarmType{store.TreatmentOff},
			Statuses: []store.AlarmStatus{store.Open, store.Ended}})
		if err != nil {
			t.Fatal(err)
		}
		return as
	}
	span := func(a store.Alarm) string {
		return a.Start.In(store.Beijing).Format("01-02 15:04") + "–" + a.End.In(store.Beijing).Format("15:04")
	}
	day10, day30 := base.AddDate(0, 0, 10), base.AddDate(0, 0, 30)
	at := func(day time.Time, h, m int) string {
		return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute).Format("01-02 15:04")
	}

	before := evaluate()
	if len(before) != 2 || span(before[1]) != at(day10, 8, 0)+"–08:40" || span(before[0]) != at(day30, 8, 0)+"–08:40" {
		t.Fatalf("under the imported thresholds: %d alarms %v", len(before), before)
	}
	old := before[1]
	if !strings.Contains(old.Thresholds, `"run":10`) {
		t.Errorf("the day-10 alarm's evidence %s lacks the running threshold 10 kW", old.Thresholds)
	}

	// On day 20 an officer raises the scrubber's running threshold to 12 kW.
	edit := store.Threshold{FacilityID: scrubber.FacilityID, Basis: store.ByPower, Stop: 2, Run: 12, EffectiveFrom: base.AddDate(0, 0, 20)}
	if err := db.CreateThreshold(ctx, "test", &edit); err != nil {
		t.Fatal(err)
	}
	after := evaluate()
	var got []string
	for _, a := range after {
		run := "run 10"
		if strings.Contains(a.Thresholds, `"run":12`) {
			run = "run 12"
		}
		got = append(got, span(a)+" "+run)
	}
	want := []string{at(day30, 9, 0) + "–10:00 run 12", at(day30, 8, 0) + "–08:40 run 12", at(day10, 8, 0) + "–08:40 run 10"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("after the edit:\n%s\nwant (day 10 at 11 kW stays compliant under its own threshold):\n%s",
			strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if a := after[2]; a.ID != old.ID || a.Thresholds != old.Thresholds || a.Grade != old.Grade || a.Detail != old.Detail {
		t.Errorf("the day-10 alarm changed with a later edit:\n%+v\nwas\n%+v", a, old)
	}
}
