package maintenance_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"powerwatch/app/maintenance"
	"powerwatch/store"
)

func TestLowTransmissionEqualsStoreRates(t *testing.T) {
	d := mustDistrict(t, "甲", "乙", "丙", "丁")
	ctx := t.Context()
	from, to := bj("2026-10-01 00:00"), bj("2026-11-01 00:00")
	d.db.Now = func() time.Time { return bj("2026-11-01 09:00") }
	d.feed(t, 0, from, to, func(time.Time) float64 { return 50 }) // 100 %
	d.feed(t, 1, from, to, func(at time.Time) float64 {           // 16 days of 31: 51.6 %
		if at.Day() > 16 {
			return math.NaN()
		}
		return 50
	})
	d.feed(t, 2, from, to, func(at time.Time) float64 { // 2 of 24 hours missing each day: 91.7 %
		if at.Hour() < 2 {
			return math.NaN()
		}
		return 50
	})
	d.feed(t, 3, from, to, func(at time.Time) float64 { // every 4th slot missing: 75 %
		if at.Minute()%20 == 0 {
			return math.NaN()
		}
		return 50
	})
	list, err := maintenance.LowTransmission(ctx, d.db, bj("2026-10-15 12:00"), maintenance.MonthlyLimit)
	if err != nil {
		t.Fatal(err)
	}
	// The list is exactly the store's points under 90 %, with the store's figures.
	days, months, err := d.db.TransmissionRate(ctx, 0, from, to, true)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]store.Rate{}
	for _, m := range months {
		if m.Rate < 0.9 {
			want[m.PointID] = m
		}
	}
	if len(list) != len(want) || len(want) != 2 {
		t.Fatalf("list has %d points; the store has %d under 90 %% (want 2)", len(list), len(want))
	}
	for _, lp := range list {
		if !reflect.DeepEqual(lp.Month, want[lp.Point.ID]) {
			t.Errorf("point %d month = %+v; store %+v", lp.Point.ID, lp.Month, want[lp.Point.ID])
		}
		var pd []store.Rate
		for _, r := range days {
			if r.PointID == lp.Point.ID {
				pd = append(pd, r)
			}
		}
		if !reflect.DeepEqual(lp.Days, pd) || len(pd) != 31 {
			t.Errorf("point %d: %d days differ from the store's %d", lp.Point.ID, len(lp.Days), len(pd))
		}
	}
	if list[0].Point.ID != d.points[1].ID || list[1].Point.ID != d.points[3].ID {
		t.Errorf("order = %d, %d; want lowest first (乙 then 丁)", list[0].Point.ID, list[1].Point.ID)
	}
	if list[0].Enterprise.Name != "乙" || list[0].Facility.Name != "2号熔炉" {
		t.Errorf("names = %q %q", list[0].Enterprise.Name, list[0].Facility.Name)
	}
	ts := maintenance.TransmissionTasks(list, bj("2026-11-15 00:00"))
	if ts[0].Key != "transmission/2026-10/point/2" || !strings.Contains(ts[0].Reason, "51.6 %") ||
		!strings.Contains(ts[0].Detail, "10-16 100.0 % (288/288)\n10-17 0.0 % (0/288)") {
		t.Errorf("task = %+v", ts[0])
	}
	// Created twice (a catch-up after a restart), the tasks exist once.
	for range 2 {
		if _, err := d.db.CreateTasks(ctx, maintenance.Who, maintenance.TransmissionTasks(list, bj("2026-11-15 00:00"))); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := d.db.FindTasks(ctx, store.TaskFilter{Kind: store.TaskTransmission}); len(got) != 2 {
		t.Errorf("tasks = %d; want 2", len(got))
	}
}

func TestSilentTerminals(t *testing.T) {
	d := mustDistrict(t, "甲", "乙", "丙", "丁")
	ctx := t.Context()
	now := bj("2026-11-30 08:30")
	err := d.db.SaveTerminalStates(ctx, []store.TerminalState{
		{MN: d.terms[0].MN, LastSeen: now.Add(-10 * time.Minute)},
		{MN: d.terms[1].MN, LastSeen: now.Add(-(3*24 + 4) * time.Hour)},
		{MN: d.terms[2].MN, LastSeen: now.Add(-30 * time.Hour)},
	})
	if err != nil {
		t.Fatal(err)
	}
	list, err := maintenance.SilentTerminals(ctx, d.db, now, maintenance.DefaultSilence)
	if err != nil {
		t.Fatal(err)
	}
	// 丁 was never heard from and has no install date: listed first, duration unknown.
	var got []string
	for _, s := range list {
		got = append(got, s.Enterprise.Name)
	}
	if strings.Join(got, ",") != "乙,丙,丁" && strings.Join(got, ",") != "丁,乙,丙" {
		t.Fatalf("silent = %v", got)
	}
	ts := maintenance.CommunicationTasks(now, now.AddDate(0, 0, 7), list)
	byMN := map[int64]store.Task{}
	for _, x := range ts {
		byMN[x.TerminalID] = x
	}
	if r := byMN[d.terms[1].ID].Reason; !strings.Contains(r, "3天4小时") || !strings.Contains(r, "2026-11-27 04:30") {
		t.Errorf("reason = %q", r)
	}
	if k := byMN[d.terms[3].ID].Key; k != "communication/2026-W49/terminal/4" {
		t.Errorf("key = %q", k)
	}
	if r := byMN[d.terms[3].ID].Reason; !strings.Contains(r, "从未通讯") {
		t.Errorf("reason = %q", r)
	}
}

func TestPlausibilityFindsBadValues(t *testing.T) {
	d := mustDistrict(t, "甲", "乙", "丙")
	ctx := t.Context()
	from, to := maintenance.QuarterBefore(bj("2026-10-05 09:00"))
	if !from.Equal(bj("2026-07-01 00:00")) || !to.Equal(bj("2026-10-01 00:00")) {
		t.Fatalf("quarter = %s – %s", from, to)
	}
	week := from.AddDate(0, 0, 7)
	d.feed(t, 0, from, week, func(at time.Time) float64 { return 40 + float64(at.Minute()%7) })
	d.feed(t, 1, from, week, func(at time.Time) float64 { // an hour of negative power on day 2
		if at.Day() == 2 && at.Hour() == 10 {
			return -30
		}
		return 40 + float64(at.Minute()%7)
	})
	res, err := maintenance.Plausibility(ctx, d.db, rand.New(rand.NewPCG(1, 2)), 10, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 {
		t.Fatalf("sampled %d; want all 3", len(res))
	}
	if len(res[0].Findings) != 0 {
		t.Errorf("甲 findings = %+v", res[0].Findings)
	}
	if len(res[1].Findings) == 0 || res[1].Findings[0].Type != store.BadValues || res[1].Samples != 7*288 {
		t.Errorf("乙 = %+v; want a bad_values finding over %d slots", res[1], 7*288)
	}
	ts := maintenance.PlausibilityTasks(from, to.AddDate(0, 1, 0), res)
	if ts[1].Key != "plausibility/2026-Q3/enterprise/2" || !strings.Contains(ts[1].Reason, "bad_values ×1") {
		t.Errorf("task = %+v", ts[1])
	}
	if !strings.Contains(ts[0].Reason, "未见异常") {
		t.Errorf("task without findings = %q", ts[0].Reason)
	}
}

func TestPick(t *testing.T) {
	d := mustDistrict(t, "a", "b", "c", "d", "e", "f")
	reg, err := d.db.LoadRegistry(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	a := maintenance.Pick(reg, rand.New(rand.NewPCG(7, 212)), 3)
	b := maintenance.Pick(reg, rand.New(rand.NewPCG(7, 212)), 3)
	if len(a) != 3 || !reflect.DeepEqual(a, b) {
		t.Fatalf("picks %v and %v; want the same 3 for the same seed", a, b)
	}
	seen := map[int64]bool{}
	for i, e := range a {
		if seen[e.ID] || (i > 0 && a[i-1].ID > e.ID) {
			t.Errorf("pick %v repeats or is out of order", a)
		}
		seen[e.ID] = true
	}
	if got := maintenance.Pick(reg, rand.New(rand.NewPCG(7, 212)), 0); len(got) != 0 {
		t.Errorf("pick 0 = %v", got)
	}
}

func TestInspectionPlan(t *testing.T) {
	d := mustDistrict(t, "甲", "乙")
	ctx := t.Context()
	empty := store.Enterprise{Name: "丙 (no points)"}
	if err := d.db.CreateEnterprise(ctx, who, &empty); err != nil {
		t.Fatal(err)
	}
	reg, err := d.db.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan := maintenance.InspectionPlan(reg)
	if len(plan) != 2 || plan[0].Enterprise.Name != "甲" || len(plan[1].Points) != 1 || plan[1].Points[0].MN != d.terms[1].MN {
		t.Fatalf("plan = %+v", plan)
	}
	ts := maintenance.InspectionTasks(bj("2026-07-01 09:00"), bj("2026-12-31 00:00"), plan)
	if ts[0].Key != "inspection/2026-H2/enterprise/1" || !strings.Contains(ts[0].Detail, "停上电试验") || !strings.Contains(ts[0].Detail, d.terms[0].MN) {
		t.Errorf("task = %+v", ts[0])
	}
}
