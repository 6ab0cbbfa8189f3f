package ui

import (
	"testing"
	"time"

	"powerwatch/store"
)

func TestFilterAlarms(t *testing.T) {
	now := time.Date(2026, 3, 18, 16, 30, 0, 0, store.Beijing)
	at := func(h int) time.Time { return now.Add(time.Duration(h) * time.Hour) }
	row := func(id int64, typ store.AlarmType, g store.Grade, st store.AlarmStatus, d store.Disposition, start, end time.Time, ent string, region, industry int64) alarmRow {
		return alarmRow{a: store.Alarm{ID: id, Type: typ, Grade: g, Status: st, Disposition: d, Start: start, End: end},
			enterprise: ent, regionID: region, industryID: industry}
	}
	all := []alarmRow{
		row(1, store.TreatmentOff, store.Severe, store.Open, store.Undecided, at(-3), time.Time{}, "华北建材有限公司", 1, 1), // 3h, still open
		row(2, store.Offline, store.Minor, store.Ended, store.Undecided, at(-10), at(-9), "顺达钢结构厂", 2, 3),            // 1h
		row(3, store.CutIgnored, store.Major, store.Ended, store.Confirmed, at(-30), at(-22), "华北建材有限公司", 1, 1),      // 8h
		row(4, store.PowerMismatch, store.Major, store.Withdrawn, store.Undecided, at(-5), at(-4), "东湖石化有限公司", 2, 2), // 1h, disproved
	}
	trial := row(5, store.TreatmentOff, store.Minor, store.Ended, store.Undecided, at(-2), at(-1), "华北建材有限公司", 1, 1)
	trial.a.Trial = true // raised during a recorded test: out of every queue but 试验's
	all = append(all, trial)
	live := []store.AlarmStatus{store.Open, store.Ended}
	cases := []struct {
		name string
		f    queueFilter
		want string
	}{
		{"zero filter: everything, oldest first", queueFilter{}, "3,2,4,1"},
		{"newest first", queueFilter{desc: true}, "1,4,2,3"},
		{"withdrawn hidden (the screen's default)", queueFilter{statuses: live, desc: true}, "1,2,3"},
		{"withdrawn only", queueFilter{statuses: []store.AlarmStatus{store.Withdrawn}}, "4"},
		{"violations", queueFilter{groups: []store.AlarmGroup{store.GroupViolation}}, "3,1"},
		{"violations and suspects", queueFilter{groups: []store.AlarmGroup{store.GroupViolation, store.GroupSuspect}}, "3,1"},
		{"device and data", queueFilter{groups: []store.AlarmGroup{store.GroupDevice}}, "2,4"},
		{"device and data, withdrawn hidden", queueFilter{groups: []store.AlarmGroup{store.GroupDevice}, statuses: live}, "2"},
		{"two grades", queueFilter{grades: []store.Grade{store.Minor, store.Severe}}, "2,1"},
		{"unreviewed", queueFilter{dispositions: []store.Disposition{store.Undecided}, statuses: live}, "2,1"},
		{"confirmed", queueFilter{dispositions: []store.Disposition{store.Confirmed}}, "3"},
		{"region", queueFilter{regionID: 2}, "2,4"},
		{"industry", queueFilter{industryID: 3}, "2"},
		{"enterprise, spaces trimmed", queueFilter{enterprise: " 华北 "}, "3,1"},
		{"no enterprise matches", queueFilter{enterprise: "不存在"}, ""},
		{"by duration, open alarm counted to now", queueFilter{sort: byDuration, desc: true}, "3,1,2,4"},
		{"by grade ascending, ties by id", queueFilter{sort: byGrade}, "2,3,4,1"},
		{"tests (试验) only", queueFilter{trial: true}, "5"},
		{"filters combine", queueFilter{groups: []store.AlarmGroup{store.GroupViolation}, grades: []store.Grade{store.Major}}, "3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ids(filterAlarms(all, c.f, now)); got != c.want {
				t.Errorf("rows = %q, want %q", got, c.want)
			}
		})
	}
	if got := filterAlarms(nil, queueFilter{}, now); got == nil || len(got) != 0 {
		t.Errorf("no alarms = %v, want an empty queue", got)
	}
	if ids(all) != "1,2,3,4,5" {
		t.Errorf("filterAlarms reordered its input: %s", ids(all))
	}
}

func TestRangePeriod(t *testing.T) {
	day := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, store.Beijing) }
	cases := []struct {
		r        queueRange
		now      time.Time
		from, to time.Time
	}{
		{rangeToday, day(18, 23, 59), day(18, 0, 0), day(19, 0, 0)},
		{rangeToday, day(19, 0, 0), day(19, 0, 0), day(20, 0, 0)}, // midnight: the new day
		{range7d, day(18, 9, 0), day(12, 0, 0), day(19, 0, 0)},
		{range30d, day(18, 9, 0), time.Date(2026, 2, 17, 0, 0, 0, 0, store.Beijing), day(19, 0, 0)},
		{rangeToday, time.Date(2026, 3, 18, 16, 30, 0, 0, time.UTC), day(19, 0, 0), day(20, 0, 0)}, // 00:30 in Beijing
	}
	for _, c := range cases {
		from, to := rangePeriod(c.r, c.now)
		if !from.Equal(c.from) || !to.Equal(c.to) {
			t.Errorf("range %d at %s = [%s, %s), want [%s, %s)", c.r, c.now, from, to, c.from, c.to)
		}
	}
}

func TestTerminalLabel(t *testing.T) {
	points := []store.Point{{ID: 11, TerminalID: 1, FacilityID: 11, Name: "回路1"}, {ID: 13, TerminalID: 1, FacilityID: 13, Name: "回路3"}}
	mns := map[int64]string{1: "330100000000000000000001", 2: "3301000000000000000000AB"}
	cases := []struct {
		name string
		a    store.Alarm
		want string
	}{
		{"data alarm: its point", store.Alarm{PointID: 13}, "…00000001 回路3"},
		{"facility alarm: the production's point", store.Alarm{ProductionID: 11, TreatmentID: 13}, "…00000001 回路1"},
		{"treatment only", store.Alarm{TreatmentID: 13}, "…00000001 回路3"},
		{"device alarm: its terminal", store.Alarm{TerminalID: 2}, "…000000AB"},
		{"order alarm without a metered facility", store.Alarm{ProductionID: 99}, ""},
	}
	for _, c := range cases {
		if got := terminalLabel(c.a, points, mns); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestAlarmsSignature: every change the judge worker or a reviewer makes to
// an alarm changes the signature the poll compares; the same alarms keep it.
func TestAlarmsSignature(t *testing.T) {
	base := store.Alarm{ID: 1, Type: store.TreatmentOff, Grade: store.Minor, Status: store.Open, EnterpriseID: 1,
		Start: time.Date(2026, 3, 18, 13, 0, 0, 0, store.Beijing), Detail: "停机"}
	sig := alarmsSignature([]store.Alarm{base})
	if alarmsSignature([]store.Alarm{base}) != sig {
		t.Fatal("the same alarm gives two signatures")
	}
	changes := map[string]func(*store.Alarm){
		"grade":       func(a *store.Alarm) { a.Grade = store.Major },
		"ended":       func(a *store.Alarm) { a.Status, a.End = store.Ended, a.Start.Add(time.Hour) },
		"withdrawn":   func(a *store.Alarm) { a.Status = store.Withdrawn },
		"reviewed":    func(a *store.Alarm) { a.Disposition = store.Confirmed },
		"start":       func(a *store.Alarm) { a.Start = a.Start.Add(-5 * time.Minute) },
		"test (试验)":   func(a *store.Alarm) { a.Trial = true },
		"detail":      func(a *store.Alarm) { a.Detail = "停机，已恢复" },
		"filing":      func(a *store.Alarm) { a.FilingID = 3 },
		"updated":     func(a *store.Alarm) { a.UpdatedAt = a.Start },
		"another one": func(a *store.Alarm) { a.ID = 2 },
	}
	for name, change := range changes {
		a := base
		change(&a)
		if alarmsSignature([]store.Alarm{a}) == sig {
			t.Errorf("%s: the signature did not change", name)
		}
	}
	if alarmsSignature([]store.Alarm{base, base}) == sig {
		t.Error("a raised alarm did not change the signature")
	}
}
